import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { parseInventory } from '../../src/inventory/parse-inventory.js';
import { DEFAULT_IRONIC_CONF, DEFAULT_SSH, type HostSpec, type JumpHost } from '../../src/inventory/types.js';
import { problemsOf, resolvedHost as host } from '../helpers/inventory-builders.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/inventory/${name}`, import.meta.url), 'utf8');

const jump = (address: string, port = 22, user?: string): JumpHost => ({ address, port, user });

describe('the issue example', () => {
  it('reads one conductor from an [ironic-conductor] INI group', () => {
    const text = '[ironic-conductor]\nconductor-a ansible_host=127.0.0.11 ansible_user=root ansible_ssh_private_key_file=KEY\n';
    expect(parseInventory(text, 'inv.ini')).toEqual({
      inventory: {
        source: 'inv.ini',
        format: 'ansible-ini',
        hosts: [host('conductor-a', { address: '127.0.0.11', user: 'root', identityFiles: ['KEY'] })],
        ssh: DEFAULT_SSH,
        ironic: undefined,
      },
      notes: ['using group ironic-conductor (1 host)'],
    });
  });
});

// kolla-multinode.ini: [ironic-conductor:children] → control; control:vars beats
// ironic:vars (control is the deeper group); all:vars apply to every host.
const kollaShared = {
  jumpHosts: [jump('bastion.example.com', 2222, 'admin')],
  container: { runtime: 'docker', name: 'ironic_conductor' },
  ironicConf: '/etc/kolla/ironic-conductor/ironic.conf',
  settings: { tempdir: '/var/lib/ironic/tmp', terminalPidDir: '/var/lib/ironic/pids' },
} as const;
const kollaRange = { ...kollaShared, user: 'kolla', sudo: true, identityFiles: ['/home/kolla/.ssh/id_rsa'] };
const kollaConductors = [
  host('control01', kollaRange),
  host('control02', { ...kollaRange, address: '192.0.2.12' }),
  host('control03', kollaRange),
  host('control04', { ...kollaShared, address: '192.0.2.14', port: 2204 }),
];

// nested.yml: all.vars < openstack.vars < ironic_conductor.vars < host vars.
const nestedRange = {
  port: 2222,
  user: 'stack',
  sudo: true,
  sudoUser: 'ironic',
  jumpHosts: [jump('198.51.100.7', 2222, 'admin'), jump('10.1.0.1')],
  settings: { tempdir: '/var/lib/ironic/tmp' },
};
const nestedConductors = [
  host('cond-a', nestedRange),
  host('cond-b', nestedRange),
  host('cond-c', nestedRange),
  host('cond-d', {
    ...nestedRange,
    port: 22,
    address: 'fd00::d',
    user: 'root',
    jumpHosts: [jump('fd00::1', 2200, 'jump')],
    conductorName: 'cond-d.cloud.example.com',
  }),
];

describe.each([
  ['kolla-multinode.ini', 'ansible-ini', kollaConductors, 'ironic-conductor'],
  ['kolla-multinode.list.json', 'ansible-json', kollaConductors, 'ironic-conductor'],
  ['kolla-multinode.export.json', 'ansible-json', kollaConductors, 'ironic-conductor'],
  ['nested.yml', 'ansible-yaml', nestedConductors, 'ironic_conductor'],
  ['nested.list.json', 'ansible-json', nestedConductors, 'ironic_conductor'],
  ['nested.export.json', 'ansible-json', nestedConductors, 'ironic_conductor'],
] as const)('%s', (file, format, hosts, group) => {
  it(`is read as ${format} and resolves the ${group} hosts`, () => {
    const { inventory, notes } = parseInventory(fixture(file), file);
    expect(inventory.format).toBe(format);
    expect(inventory.hosts).toEqual(hosts);
    expect(notes).toEqual([`using group ${group} (${hosts.length} hosts)`]);
  });
});

describe('group selection', () => {
  const both = '[ironic_conductor]\nb1\n[ironic-conductor]\na1\na2\n[other]\nc1\n';
  it.each([
    ['ironic-conductor wins over ironic_conductor', both, undefined, ['a1', 'a2'], 'using group ironic-conductor (2 hosts)'],
    ['ironic_conductor when it is the only one', '[ironic_conductor]\nb1\n[other]\nc1\n', undefined, ['b1'], 'using group ironic_conductor (1 host)'],
    ['--group picks any group', both, 'other', ['c1'], 'using group other (1 host)'],
    ['--group all picks every host', both, 'all', ['b1', 'a1', 'a2', 'c1'], 'using group all (4 hosts)'],
    ['--group ungrouped', 'lone\n[other]\nc1\n', 'ungrouped', ['lone'], 'using group ungrouped (1 host)'],
    [
      'every host when neither default group exists',
      'lone\n[control]\nctl[1:2]\n',
      undefined,
      ['lone', 'ctl1', 'ctl2'],
      'no group ironic-conductor or ironic_conductor; using all hosts (3 hosts); choose one with --group',
    ],
  ])('%s', (_, text, group, names, note) => {
    const { inventory, notes } = parseInventory(text, 'inv.ini', { group });
    expect(inventory.hosts.map((h) => h.name)).toEqual(names);
    expect(notes).toEqual([note]);
  });

  it('refuses a group that does not exist, listing those that do', () => {
    expect(problemsOf(() => parseInventory(both, 'inv.ini', { group: 'conductors' }))).toEqual([
      'inv.ini: no group "conductors"; groups: all, ironic-conductor, ironic_conductor, other',
    ]);
  });

  it('refuses a group without hosts', () => {
    expect(problemsOf(() => parseInventory('[ironic-conductor]\n[other]\nc1\n', 'inv.ini'))).toEqual([
      'inv.ini: group ironic-conductor has no hosts',
    ]);
  });
});

describe('host variables', () => {
  const one = (vars: string): HostSpec => {
    const { inventory } = parseInventory(`[ironic-conductor]\nctl ${vars}\n`, 'inv.ini');
    expect(inventory.hosts).toHaveLength(1);
    return inventory.hosts[0] as HostSpec;
  };

  it.each<[string, Partial<HostSpec>]>([
    ['ansible_ssh_host=10.0.0.1 ansible_ssh_port=2200 ansible_ssh_user=ops', { address: '10.0.0.1', port: 2200, user: 'ops' }],
    ['ansible_host=10.0.0.1 ansible_ssh_host=10.0.0.2', { address: '10.0.0.1' }],
    ['ansible_become=yes', { sudo: true }],
    ['ansible_become=True ansible_become_user=ironic ansible_become_method=sudo', { sudo: true, sudoUser: 'ironic' }],
    ['ansible_become=false ansible_become_user=ironic ansible_become_method=su', { sudo: false }],
    ['ansible_become_user=ironic', { sudo: false }],
    ['ansible_become=true console_doctor_sudo=false', { sudo: false }],
    ['ansible_connection=local', { connection: 'local' }],
    ['ansible_connection=smart', { connection: 'ssh' }],
    ['ansible_ssh_extra_args="-J bastion"', { jumpHosts: [jump('bastion')] }],
    ['ansible_ssh_common_args="-o ProxyJump=a" ansible_ssh_extra_args="-J b"', { jumpHosts: [jump('a')] }],
    ['ansible_ssh_common_args="-J a" console_doctor_jump=b', { jumpHosts: [jump('b')] }],
    ['ansible_ssh_common_args="-o StrictHostKeyChecking=no"', {}],
    ['console_doctor_container=podman:ironic_conductor', { container: { runtime: 'podman', name: 'ironic_conductor' } }],
    ['console_doctor_ironic_conf=/etc/kolla/ironic-conductor/ironic.conf', { ironicConf: '/etc/kolla/ironic-conductor/ironic.conf' }],
    [
      'console_doctor_host=ctl.example console_doctor_socat_address=192.0.2.1 console_doctor_port_range=10000:10100',
      { settings: { host: 'ctl.example', socatAddress: '192.0.2.1', portRange: '10000:10100' } },
    ],
    ['console_doctor_conductor_name=ctl.cloud', { conductorName: 'ctl.cloud' }],
    ['some_app_url="{{ vip }}/v1"', {}],
  ])('%s', (vars, expected) => {
    expect(one(vars)).toEqual(host('ctl', expected));
  });
});

describe('a broken INI inventory', () => {
  it('reports every problem at once, each with file, line and variable', () => {
    expect(problemsOf(() => parseInventory(fixture('bad.ini'), 'bad.ini'))).toEqual([
      'bad.ini:3: ansible_port: must be an integer 1-65535, got "abc"',
      'bad.ini:4: ansible_become_method: must be sudo (console-doctor runs its probe with sudo -n), got "su"',
      `bad.ini:5: ansible_host: host ctl03: "{{ lookup('env', 'CTL03') }}" is a Jinja template, which console-doctor cannot evaluate; set a literal value`,
      'bad.ini:6: ansible_ssh_common_args: ProxyCommand is not supported (console-doctor opens jump connections itself); write the jump host as -o ProxyJump=user@bastion:port or -J user@bastion:port',
      'bad.ini:7: ansible_connection: connection "docker" is not supported (use ssh or local)',
      'bad.ini:8: console_doctor_contianer: unknown console-doctor variable (did you mean "console_doctor_container"?)',
      'bad.ini:9: console_doctor_container: must be "docker:NAME", "podman:NAME" or {runtime, name}, got "ironic_conductor"',
      'bad.ini:10: host range "ctl[3:1]": begin must not come after end',
      'bad.ini:11: expected key=value after the host name, got "novalue"',
      'bad.ini:12: invalid section header "[broken section]": write [group], [group:vars] or [group:children] without spaces',
      'bad.ini:15: [ironic-conductor:children] names group "conductors-rack2", which has no [conductors-rack2] or [conductors-rack2:children] section',
    ]);
  });

  it('names each host whose variable is a template, even when a group sets it', () => {
    const text = '[ironic-conductor]\nctl1\nctl2\n[ironic-conductor:vars]\nansible_user={{ deploy_user }}\n';
    expect(problemsOf(() => parseInventory(text, 'inv.ini'))).toEqual([
      'inv.ini:5: ansible_user: host ctl1: "{{ deploy_user }}" is a Jinja template, which console-doctor cannot evaluate; set a literal value',
      'inv.ini:5: ansible_user: host ctl2: "{{ deploy_user }}" is a Jinja template, which console-doctor cannot evaluate; set a literal value',
    ]);
  });

  it.each([
    ['[ironic-conductor]\nctl1\n[ghost:vars]\nx=1\n', 'inv.ini:3: [ghost:vars] is for group "ghost", which has no [ghost] or [ghost:children] section'],
    ['[ironic-conductor:hostz]\nctl1\n', 'inv.ini:1: section [ironic-conductor:hostz] has unknown type "hostz" (expected children or vars)'],
    ['[ironic-conductor]\nctl1 ansible_user="ops\n', 'inv.ini:2: cannot read host line: no closing quotation (")'],
    ['[a:children]\nb\n[b:children]\na\n[a]\nh1\n', 'inv.ini: groups are their own children: a → b → a'],
  ])('%j', (text, problem) => {
    expect(problemsOf(() => parseInventory(text, 'inv.ini'))).toEqual([problem]);
  });
});

describe('a broken Ansible YAML or JSON inventory', () => {
  it.each([
    ['all:\n  children:\n    ironic_conductor:\n      host:\n        ctl1:\n', [
      'inv.yml:all.children.ironic_conductor.host: unknown key "host" in group ironic_conductor (did you mean "hosts"?) (expected hosts, vars or children) (line 4)',
    ]],
    ['all:\n  hosts:\n    - ctl1\n    - ctl2\n', [
      'inv.yml:all.hosts: must be a mapping of host names to variables, got a list (line 2)',
    ]],
    ['all:\n  children:\n    ironic_conductor:\n      hosts:\n        ctl1:\n          ansible_port: 70000\n', [
      'inv.yml:all.children.ironic_conductor.hosts.ctl1.ansible_port: must be an integer 1-65535, got 70000 (line 6)',
    ]],
  ])('%j', (text, problems) => {
    expect(problemsOf(() => parseInventory(text, 'inv.yml'))).toEqual(problems);
  });

  it.each([
    ['{"ironic-conductor": {"hosts": "ctl1"}, "_meta": {"hostvars": {}}}', [
      'inv.json:ironic-conductor.hosts: must be a list of names, got "ctl1"',
    ]],
    ['{"ironic-conductor": ["ctl1"], "_meta": {"hostvars": {"ctl1": {"ansible_port": "x"}}}}', [
      'inv.json:_meta.hostvars.ctl1.ansible_port: must be an integer 1-65535, got "x"',
    ]],
    ['{"ironic-conductor": {"hosts": ["ctl1"],\n "vars": {"a": 1},\n}}', ['inv.json:3: invalid JSON: Expected double-quoted property name']],
  ])('%j', (text, problems) => {
    expect(problemsOf(() => parseInventory(text, 'inv.json'))).toEqual(problems);
  });
});
