import { describe, expect, it } from 'vitest';
import { expandHostRange } from '../../src/inventory/host-range.js';
import { parseHostPattern } from '../../src/inventory/host-pattern.js';

describe('expandHostRange (Ansible host ranges)', () => {
  it.each([
    ['ctl01', ['ctl01']],
    ['ctl[01:03]', ['ctl01', 'ctl02', 'ctl03']],
    ['ctl[1:3].example.com', ['ctl1.example.com', 'ctl2.example.com', 'ctl3.example.com']],
    ['ctl[8:11]', ['ctl8', 'ctl9', 'ctl10', 'ctl11']],
    ['ctl[08:11]', ['ctl08', 'ctl09', 'ctl10', 'ctl11']],
    ['db-[a:c]', ['db-a', 'db-b', 'db-c']],
    ['db-[y:B]', ['db-y', 'db-z', 'db-A', 'db-B']],
    ['node[1:10:2]', ['node1', 'node3', 'node5', 'node7', 'node9']],
    ['node[001:010:3]', ['node001', 'node004', 'node007', 'node010']],
    ['r[a:e:2]', ['ra', 'rc', 're']],
    ['n[:2]', ['n0', 'n1', 'n2']],
    ['rack[1:2]-n[a:b]', ['rack1-na', 'rack1-nb', 'rack2-na', 'rack2-nb']],
  ])('%s expands to %j', (pattern, names) => {
    expect(expandHostRange(pattern)).toEqual({ ok: true, names });
  });

  it.each([
    ['ctl[3:1]', 'begin must not come after end'],
    ['ctl[01:3]', 'same width'],
    ['ctl[1:]', 'must give an end value'],
    ['ctl[1:2:3:4]', 'must be [begin:end] or [begin:end:step]'],
    ['ctl[1:5:0]', 'step must be a positive integer'],
    ['ctl[a:5]', 'must both be numbers or both single letters'],
  ])('%s is refused: %s', (pattern, message) => {
    const result = expandHostRange(pattern);
    expect(result.ok).toBe(false);
    const error = result.ok ? '' : result.error;
    expect(error.startsWith(`host range "${pattern}": `)).toBe(true);
    expect(error).toContain(message);
  });
});

describe('parseHostPattern (host entries with ports)', () => {
  it.each([
    ['ctl01', ['ctl01'], undefined],
    ['ctl01:2222', ['ctl01'], 2222],
    ['ctl[01:02]:2222', ['ctl01', 'ctl02'], 2222],
    ['192.0.2.5:22', ['192.0.2.5'], 22],
    ['fe80::1', ['fe80::1'], undefined],
    ['[fd00::5]:2200', ['fd00::5'], 2200],
  ])('%s names %j with port %s', (pattern, names, port) => {
    expect(parseHostPattern(pattern)).toEqual({ ok: true, names, port });
  });

  it('refuses a port out of range', () => {
    expect(parseHostPattern('ctl01:99999')).toEqual({ ok: false, error: 'host "ctl01:99999": port must be an integer 1-65535, got "99999"' });
  });
});
