import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { groupDepths, hostsOfGroup, hostVariables } from '../../src/inventory/ansible-groups.js';
import { parseAnsibleIni } from '../../src/inventory/ansible-ini.js';
import type { AnsibleModel } from '../../src/inventory/ansible-model.js';
import { parseAnsibleYaml } from '../../src/inventory/ansible-yaml.js';
import { isMapping } from '../../src/inventory/problems.js';
import { parseYamlText } from '../../src/inventory/yaml-document.js';

// The *.list.json fixtures were captured with `ansible-inventory -i FILE --list`
// (ansible-core 2.14): the hosts, groups and variables Ansible itself resolves.
const fixture = (name: string): string => readFileSync(new URL(`../fixtures/inventory/${name}`, import.meta.url), 'utf8');

function iniModel(name: string): AnsibleModel {
  const { model, problems } = parseAnsibleIni(fixture(name), name);
  expect(problems).toEqual([]);
  return model;
}

function yamlModel(name: string): AnsibleModel {
  const parsed = parseYamlText(fixture(name), name, '1.1');
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  const { model, problems } = parseAnsibleYaml(parsed.document, name);
  expect(problems).toEqual([]);
  return model;
}

type AnsibleList = Record<string, { hosts?: string[]; children?: string[] }> & {
  _meta: { hostvars: Record<string, Record<string, unknown>> };
};

/** Every host of a group in ansible-inventory's output, children included. */
function ansibleHostsOf(list: AnsibleList, group: string): string[] {
  const g = list[group];
  if (!isMapping(g)) return [];
  return [...new Set([...(g.hosts ?? []), ...(g.children ?? []).flatMap((child) => ansibleHostsOf(list, child))])];
}

describe.each([
  ['kolla-multinode.ini', 'kolla-multinode.list.json', iniModel],
  ['nested.yml', 'nested.list.json', yamlModel],
])('%s resolves as ansible-inventory --list does', (source, captured, read) => {
  const model = read(source);
  const list = JSON.parse(fixture(captured)) as AnsibleList;
  const { depths, cycle } = groupDepths(model);

  it('has the same hosts', () => {
    expect(cycle).toBeUndefined();
    expect([...model.hostOrder].sort()).toEqual(Object.keys(list._meta.hostvars).sort());
  });

  it('puts the same hosts in every group', () => {
    for (const group of Object.keys(list).filter((key) => key !== '_meta')) {
      expect([...hostsOfGroup(model, group)].sort(), group).toEqual(ansibleHostsOf(list, group).sort());
    }
  });

  it('gives every host the same variables (all < parent < child group < host)', () => {
    for (const [host, expected] of Object.entries(list._meta.hostvars)) {
      const resolved = Object.fromEntries([...hostVariables(model, depths, host)].map(([key, v]) => [key, v.value]));
      expect(resolved, host).toEqual(expected);
    }
  });
});
