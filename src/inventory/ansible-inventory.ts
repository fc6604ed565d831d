import { chooseGroup, groupDepths, groupMembers, hostVariables } from './ansible-groups.js';
import type { AnsibleModel } from './ansible-model.js';
import { hostSpecFromAnsibleVars } from './ansible-vars.js';
import { problemAt } from './problems.js';
import { DEFAULT_SSH, type HostSpec, type Inventory } from './types.js';

/**
 * From a parsed Ansible inventory (any of its formats) to console-doctor's Inventory:
 * choose the group, resolve each host's variables, build its HostSpec.
 */
export interface AnsibleResolution {
  readonly inventory: Inventory;
  readonly notes: readonly string[];
  readonly problems: readonly string[];
}

export function resolveAnsibleInventory(
  model: AnsibleModel,
  source: string,
  format: 'ansible-yaml' | 'ansible-ini' | 'ansible-json',
  group: string | undefined,
  /** True when reading the file already found problems: then an empty result is their consequence, not news. */
  alreadyFailed = false,
): AnsibleResolution {
  const empty: Inventory = { source, format, hosts: [], ssh: DEFAULT_SSH, ironic: undefined };
  const { depths, cycle } = groupDepths(model);
  if (cycle !== undefined) {
    return { inventory: empty, notes: [], problems: [problemAt(source, `groups are their own children: ${cycle.join(' → ')}`)] };
  }
  if (model.hostOrder.length === 0) {
    return { inventory: empty, notes: [], problems: alreadyFailed ? [] : [problemAt(source, 'empty inventory: no hosts')] };
  }
  const choice = chooseGroup(model, source, group);
  if (!choice.ok) return { inventory: empty, notes: [], problems: [choice.problem] };
  if (choice.hosts.length === 0) {
    return { inventory: empty, notes: [], problems: [problemAt(source, `group ${choice.group} has no hosts`)] };
  }

  const hosts: HostSpec[] = [];
  const problems: string[] = [];
  const members = groupMembers(model);
  for (const name of choice.hosts) {
    const built = hostSpecFromAnsibleVars(name, hostVariables(model, depths, name, members));
    hosts.push(built.host);
    problems.push(...built.problems);
  }
  return { inventory: { ...empty, hosts }, notes: [choice.note], problems };
}
