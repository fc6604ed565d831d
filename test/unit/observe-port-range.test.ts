/**
 * `[console]port_range` with several ranges (`a:b,c:d`, Ironic 35.0+): read from
 * ironic.conf and the inventory; a malformed value is a host warning, never a crash.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareFleet } from '../../src/compare/compare-fleet.js';
import { toPortRange } from '../../src/inventory/field-values.js';
import { parseProbeOutput } from '../../src/observe/parse-probe-output.js';
import { inPortRanges, parsePortRanges } from '../../src/port-range.js';
import { buildConductor, buildDaemon, buildDesired, buildHostSpec, buildNode, buildObservation } from '../helpers/builders.js';

describe('parsePortRanges', () => {
  it.each([
    { value: '10000:20000', ranges: [{ start: 10000, end: 20000 }] },
    { value: '10000:10100,20000:20100', ranges: [{ start: 10000, end: 10100 }, { start: 20000, end: 20100 }] },
    { value: ' 10000:10100 , 20000:20100 ', ranges: [{ start: 10000, end: 10100 }, { start: 20000, end: 20100 }] },
  ])('reads $value', ({ value, ranges }) => {
    expect(parsePortRanges(value)).toEqual({ ok: true, ranges });
  });

  it.each([
    { value: '', error: '"" is not START:END' },
    { value: '10000-20000', error: '"10000-20000" is not START:END' },
    { value: '10000:20000,', error: '"" is not START:END' },
    { value: '10000:20000;30000:30100', error: 'is not START:END' },
    { value: '20000:10000', error: 'START is greater than END' },
    { value: '1:70000', error: 'ports end at 65535' },
  ])('refuses $value', ({ value, error }) => {
    const parsed = parsePortRanges(value);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.error).toContain(error);
  });

  it('allocates like Python range(): the end is not in it', () => {
    const parsed = parsePortRanges('10000:10002,20000:20001');
    const ranges = parsed.ok ? parsed.ranges : [];
    expect([9999, 10000, 10001, 10002, 20000, 20001].filter((p) => inPortRanges(p, ranges))).toEqual([10000, 10001, 20000]);
  });
});

describe('the inventory takes a list of ranges', () => {
  it.each(['10000:10100,20000:20100', '10000:10100, 20000:20100'])('%s', (value) => {
    expect(toPortRange(value)).toEqual({ ok: true, value: '10000:10100,20000:20100' });
  });
  it('and still refuses a malformed one', () => {
    expect(toPortRange('10000:10100,x').ok).toBe(false);
  });
});

describe("a conductor's ironic.conf port_range", () => {
  const FIXTURES = join(import.meta.dirname, '../fixtures/probe');
  const scenario = JSON.parse(readFileSync(join(FIXTURES, 'scenario.json'), 'utf8')) as { dir: string };
  const host = buildHostSpec({ name: 'conductor-1.lab', connection: 'local', user: undefined, sudo: false, ironicConf: join(scenario.dir, 'ironic.conf') });
  const probeWith = (value: string) => readFileSync(join(FIXTURES, 'root-ss.txt'), 'utf8').replace('port_range=23000:23499', `port_range=${value}`);

  it('with several ranges is read without a warning', () => {
    const observation = parseProbeOutput(probeWith('23000:23100,24000:24100'), host);
    expect(observation.settings.portRange).toBe('23000:23100,24000:24100');
    expect(observation.warnings.filter((w) => w.includes('port_range'))).toEqual([]);
  });

  it.each(['23000-23100', '23000:23100,,24000:24100', '24000:23000'])('malformed (%s) is one host warning, and the host is scanned', (value) => {
    const observation = parseProbeOutput(probeWith(value), host);
    expect(observation.consoles.length).toBeGreaterThan(0);
    expect(observation.warnings.filter((w) => w.includes('port_range'))).toEqual([
      expect.stringMatching(new RegExp(`^conductor-1\\.lab: ironic\\.conf \\[console\\]port_range = ${value} is not a port range \\(.+\\): ignored$`)),
    ]);
  });
});

describe('compare reads port_range lists', () => {
  const node = buildNode({ name: 'n1', consolePort: 20005, consolePortFixed: false });
  const scan = (portRange: string | undefined, port: number) => {
    const observation = buildObservation({ host: 'conductor-a', consoles: [buildDaemon({ nodeUuid: node.uuid, port })] });
    return { host: 'conductor-a', ok: true as const, observation: { ...observation, settings: { ...observation.settings, ...(portRange === undefined ? {} : { portRange }) } }, durationMs: 1 };
  };
  const mismatch = (portRange: string | undefined, port: number) =>
    compareFleet({ desired: buildDesired({ nodes: [node], conductors: [buildConductor()] }), scans: [scan(portRange, port)], hosts: [buildHostSpec()] }).findings.find(
      (f) => f.kind === 'port-mismatch',
    );

  it.each([
    { portRange: '10000:10100,20000:20100', port: 30001, says: 'port 30001 is outside [console]port_range 10000:10100,20000:20100' },
    { portRange: '10000:10100,20000:20100', port: 20001, says: 'port 20001 is in [console]port_range 10000:10100,20000:20100' },
  ])('a console on port $port with port_range $portRange: $says', ({ portRange, port, says }) => {
    expect(mismatch(portRange, port)?.evidence).toContainEqual(expect.stringContaining(says));
  });

  it.each([undefined, 'garbage'])('port_range %s: no verdict about it, no crash', (portRange) => {
    const finding = mismatch(portRange, 30001);
    expect(finding).toBeDefined();
    expect(finding?.evidence.some((e) => e.includes('port_range'))).toBe(false);
  });
});
