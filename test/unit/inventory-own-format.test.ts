import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { parseInventory } from '../../src/inventory/parse-inventory.js';
import { DEFAULT_IRONIC_CONF, DEFAULT_SSH, type HostSpec } from '../../src/inventory/types.js';
import { problemsOf, resolvedHost as host } from '../helpers/inventory-builders.js';

const example = readFileSync(new URL('../../inventory.example.yaml', import.meta.url), 'utf8');
const fixture = (name: string): string => readFileSync(new URL(`../fixtures/inventory/${name}`, import.meta.url), 'utf8');

describe('inventory.example.yaml', () => {
  const { inventory, notes } = parseInventory(example, 'inventory.example.yaml');

  it('is a console-doctor inventory with every key read', () => {
    expect(inventory.format).toBe('console-doctor');
    expect(inventory.ssh).toEqual({
      knownHosts: 'strict',
      knownHostsFiles: ['/etc/console-doctor/known_hosts'],
      connectTimeoutMs: 10_000,
      commandTimeoutMs: 30_000,
      keepaliveIntervalMs: 5_000,
      concurrency: 32,
    });
    expect(inventory.ironic).toEqual({ cloud: 'overcloud' });
    expect(notes).toEqual(['using all 5 hosts of inventory.example.yaml']);
  });

  it('resolves each host, defaults filling what a host leaves out', () => {
    const defaults = { user: 'ironic-ops', identityFiles: ['~/.ssh/id_ed25519'], sudo: true };
    expect(inventory.hosts).toEqual([
      host('ctl01', {
        address: '192.0.2.11',
        user: 'root',
        identityFiles: ['~/.ssh/ironic_ops'],
        jumpHosts: [{ address: 'bastion.example.com', port: 2222, user: 'admin' }],
        sudo: true,
        sudoUser: 'root',
        container: { runtime: 'docker', name: 'ironic_conductor' },
        conductorName: 'ctl01.cloud.example.com',
        ironicConf: '/etc/kolla/ironic-conductor/ironic.conf',
        settings: {
          host: 'ctl01',
          tempdir: '/var/lib/ironic/tmp',
          terminalPidDir: '/var/lib/ironic/tmp',
          socatAddress: '192.0.2.11',
          portRange: '10000:20000',
        },
      }),
      host('ctl02', defaults),
      host('ctl03', defaults),
      host('ctl04', defaults),
      host('ctl05', { ...defaults, connection: 'local', sudo: false }),
    ]);
  });
});

describe('console-doctor format values', () => {
  const one = (settings: string, ssh = ''): { host: HostSpec; ssh: unknown } => {
    const { inventory } = parseInventory(`${ssh}hosts:\n  ctl:\n${settings}`, 'inv.yaml');
    return { host: inventory.hosts[0] as HostSpec, ssh: inventory.ssh };
  };

  it.each<[string, Partial<HostSpec>]>([
    ['', {}],
    ['    port: "2222"\n', { port: 2222 }],
    ['    jump: [admin@a:2200, "b,c"]\n', { jumpHosts: [{ address: 'a', port: 2200, user: 'admin' }, { address: 'b', port: 22, user: undefined }, { address: 'c', port: 22, user: undefined }] }],
    ['    sudo_user: ironic\n', { sudo: true, sudoUser: 'ironic' }],
    ['    sudo: false\n    sudo_user: ironic\n', { sudo: false }],
    ['    container: {runtime: podman, name: ironic-conductor}\n', { container: { runtime: 'podman', name: 'ironic-conductor' } }],
    ['    identity_files: [a, b]\n', { identityFiles: ['a', 'b'] }],
    ['    socat_address: "::1"\n', { settings: { socatAddress: '::1' } }],
  ])('%j', (settings, expected) => {
    expect(one(settings).host).toEqual(host('ctl', expected));
  });

  it('reads ssh durations in any unit', () => {
    const ssh = 'ssh:\n  connect_timeout: 500ms\n  command_timeout: 2m\n  keepalive_interval: 15\n  known_hosts: accept-new\n  known_hosts_files: /etc/kh\n';
    expect(one('', ssh).ssh).toEqual({
      ...DEFAULT_SSH,
      connectTimeoutMs: 500,
      commandTimeoutMs: 120_000,
      keepaliveIntervalMs: 15_000,
      knownHosts: 'accept-new',
      knownHostsFiles: ['/etc/kh'],
    });
  });
});

describe('a broken console-doctor inventory', () => {
  it('reports every problem at once, each with file, path and line', () => {
    expect(problemsOf(() => parseInventory(fixture('bad-own.yaml'), 'bad-own.yaml'))).toEqual([
      'bad-own.yaml:defaults.sudo: must be true or false, got "maybe" (line 4)',
      'bad-own.yaml:ssh.known_hosts: must be strict, accept-new or off, got "yes" (line 6)',
      'bad-own.yaml:ssh.connect_timeout: invalid duration "10 minutes": expected a number with a unit ms, s, m, h or d, such as "500ms", "10s" or "5m" (line 7)',
      'bad-own.yaml:ssh.concurrency: must be a whole number of at least 1, got 0 (line 8)',
      'bad-own.yaml:ssh.keepalive: unknown key "keepalive" (did you mean "keepalive_interval"?) (line 9)',
      'bad-own.yaml:hosts.ctl1.port: must be an integer 1-65535, got "abc" (line 13)',
      'bad-own.yaml:hosts.ctl1.adress: unknown key "adress" (did you mean "address"?) (line 14)',
      'bad-own.yaml:hosts.ctl1.jump: jump host "admin@bastion:http": port must be an integer 1-65535, got "http" (line 15)',
      'bad-own.yaml:hosts.ctl1.container: runtime must be docker or podman, got "lxc" (line 16)',
      'bad-own.yaml:hosts.ctl1.tempdir: must be an absolute path on the host, got "var/lib/ironic/tmp" (line 17)',
      'bad-own.yaml:hosts.ctl1.socat_address: must be an IP address, got "not-an-ip" (line 18)',
      'bad-own.yaml:hosts.ctl1.port_range: must be "START:END" with 1 <= START <= END <= 65535, got "20000:10000" (line 19)',
      'bad-own.yaml:hosts.ctl[2:1]: host range "ctl[2:1]": begin must not come after end (line 20)',
      'bad-own.yaml:hosts.ctl3: must be a mapping of host settings (or empty), got "just-a-string" (line 21)',
      'bad-own.yaml:host: unknown key "host" (did you mean "hosts"?) (line 22)',
    ]);
  });

  it.each([
    ['hosts:\n  ctl1:\n  ctl1:\n', ['inv.yaml:3: duplicate host "ctl1" in hosts (first at line 2)']],
    ['hosts:\n  ctl[1:2]:\n  ctl2:\n', ['inv.yaml:hosts.ctl2: duplicate host "ctl2" (also from hosts.ctl[1:2]) (line 3)']],
    ['hosts:\n  ctl1:\n    port: [1\n', ['inv.yaml:4: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]']],
    ['ssh:\n  concurrency: 4\n', ['inv.yaml:hosts: no hosts: list the ironic-conductor hosts under hosts:']],
    ['hosts: {}\n', ['inv.yaml:hosts: no hosts: list the ironic-conductor hosts under hosts: (line 1)']],
    ['- ctl1\n- ctl2\n', ['inv.yaml: must be a mapping (console-doctor\'s own format or an Ansible inventory), got a list']],
    ['# nothing yet\n', ['inv.yaml: empty inventory: no hosts']],
  ])('%j', (text, problems) => {
    expect(problemsOf(() => parseInventory(text, 'inv.yaml'))).toEqual(problems);
  });

  it('refuses --group, which only Ansible inventories have', () => {
    expect(problemsOf(() => parseInventory('hosts:\n  ctl1:\n', 'inv.yaml', { group: 'ctl' }))).toEqual([
      'inv.yaml: --group ctl: this console-doctor inventory has no groups (--group applies to Ansible inventories)',
    ]);
  });
});
