/**
 * Adversarial suite, inventories (issue 10 item 12): files an operator or a broken tool
 * hands over. Each gets one clear `FILE:LINE: message`, never an internal error, never a
 * line that echoes kilobytes of garbage, and no silent choice between two entries.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatError } from '../../src/cli/main.js';
import { ConfigError } from '../../src/errors.js';
import { parseInventory } from '../../src/inventory/parse-inventory.js';

function problemsOf(text: string, source: string): string[] {
  try {
    parseInventory(text, source);
  } catch (error) {
    return formatError(error, false).split('\n');
  }
  throw new Error('expected the inventory to be refused');
}

const ALIAS_BOMB = [
  'hosts:',
  '  h1: {address: 10.0.0.1}',
  'x0: &a ["l","l","l","l","l","l","l","l","l"]',
  'x1: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'x2: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'x3: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'x4: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'x5: [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  '',
].join('\n');

describe('inventories that attack the parser', () => {
  it('a YAML alias bomb is one FILE:LINE problem at the first alias, not an internal error', () => {
    expect(() => parseInventory(ALIAS_BOMB, 'bomb.yaml')).toThrow(ConfigError);
    expect(problemsOf(ALIAS_BOMB, 'bomb.yaml')).toEqual([expect.stringMatching(/^console-doctor: bomb\.yaml:4: aliases expand too much/)]);
  });

  it('binary garbage is named once, with its line, and never echoed', () => {
    const garbage = `hosts:\n  h1: {}\n${randomBytes(10_000).toString('latin1')}`;
    const lines = problemsOf(Buffer.from(garbage, 'latin1').toString('utf8'), 'garbage.yaml');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^console-doctor: garbage\.yaml:\d+: not a text file/);
  });

  it('a garbage-laden but textual line is capped and its control characters escaped', () => {
    const line = `[ironic-conductor]\nh1 ansible_port=${'x'.repeat(10_000)}\u001b[2J\n`;
    const lines = problemsOf(line, 'long.ini');
    for (const shown of lines) expect(shown.length).toBeLessThanOrEqual(300 + 'console-doctor: '.length);
    expect(lines.join('\n')).not.toContain('\u001b');
  });

  it('a host listed twice in an INI group with conflicting values is a problem, as it is in YAML', () => {
    const ini = '[ironic-conductor]\nh1 ansible_host=10.0.0.1\nh2\nh1 ansible_host=10.0.0.9\n';
    expect(problemsOf(ini, 'dup.ini')).toEqual([
      'console-doctor: dup.ini:4: host "h1" listed again in [ironic-conductor]: ansible_host set to "10.0.0.9", but line 2 set it to "10.0.0.1": keep one',
    ]);
    // Reopening a group to add a variable is Ansible's own idiom and stays valid.
    expect(parseInventory('[ironic-conductor]\nh1\n[ironic-conductor]\nh1 ansible_host=10.0.0.1\n', 'ok.ini').inventory.hosts.map((h) => h.address)).toEqual(['10.0.0.1']);
    const yaml = 'ironic-conductor:\n  hosts:\n    h1: {ansible_host: 10.0.0.1}\n    h1: {ansible_host: 10.0.0.9}\n';
    expect(problemsOf(yaml, 'dup.yaml')).toEqual([expect.stringMatching(/^console-doctor: dup\.yaml:4: duplicate host "h1"/)]);
  });

  it('timer durations above 24 days or not above 0 are problems (Node would fire a longer timer after 1 ms)', () => {
    const yaml = 'ssh:\n  command_timeout: 30d\n  connect_timeout: 0s\nhosts:\n  h1: {address: 10.0.0.1}\n';
    expect(problemsOf(yaml, 'own.yaml')).toEqual([
      expect.stringMatching(/^console-doctor: own\.yaml:ssh\.command_timeout: must be at most 24 days, got "30d"/),
      expect.stringMatching(/^console-doctor: own\.yaml:ssh\.connect_timeout: must be above 0, got "0s"/),
    ]);
  });
});
