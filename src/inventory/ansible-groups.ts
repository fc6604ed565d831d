import type { AnsibleModel } from './ansible-model.js';
import type { Located } from './problems.js';

/**
 * Group structure of an Ansible inventory: which hosts a group holds, and the variables
 * a host ends up with. Precedence follows Ansible: `all` < parent groups < child groups
 * (by depth below `all`, then by name) < host variables.
 */

/** Depth of every group below `all` (the longest path, as Ansible counts it), or the cycle found. */
export function groupDepths(model: AnsibleModel): { depths: ReadonlyMap<string, number>; cycle?: readonly string[] } {
  const depths = new Map<string, number>();
  let cycle: string[] | undefined;
  const visit = (name: string, depth: number, path: readonly string[]): void => {
    if (path.includes(name)) {
      cycle ??= [...path.slice(path.indexOf(name)), name];
      return;
    }
    if ((depths.get(name) ?? -1) >= depth && depth > 0) return;
    depths.set(name, Math.max(depths.get(name) ?? 0, depth));
    for (const child of model.groups.get(name)?.children ?? []) visit(child, depth + 1, [...path, name]);
  };
  visit('all', 0, []);
  cycle ??= findCycle(model);
  return cycle === undefined ? { depths } : { depths, cycle };
}

/** A cycle of groups that `all` does not reach (groups that are each other's children). */
function findCycle(model: AnsibleModel): string[] | undefined {
  const done = new Set<string>();
  const walk = (name: string, path: readonly string[]): string[] | undefined => {
    if (path.includes(name)) return [...path.slice(path.indexOf(name)), name];
    if (done.has(name)) return undefined;
    for (const child of model.groups.get(name)?.children ?? []) {
      const found = walk(child, [...path, name]);
      if (found !== undefined) return found;
    }
    done.add(name);
    return undefined;
  };
  for (const name of model.groups.keys()) {
    const found = walk(name, []);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Hosts of a group and of all its descendants, in inventory order. */
export function hostsOfGroup(model: AnsibleModel, group: string): readonly string[] {
  const members = new Set<string>();
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const g = model.groups.get(name);
    for (const host of g?.hosts ?? []) members.add(host);
    for (const child of g?.children ?? []) visit(child);
  };
  visit(group);
  if (group === 'all') return model.hostOrder;
  return model.hostOrder.filter((host) => members.has(host));
}

/** Every group's hosts, children included, for membership tests over many hosts. */
export function groupMembers(model: AnsibleModel): ReadonlyMap<string, ReadonlySet<string>> {
  return new Map([...model.groups.keys()].map((name) => [name, new Set(hostsOfGroup(model, name))]));
}

/** The variables of one host after Ansible's precedence rules. */
export function hostVariables(
  model: AnsibleModel,
  depths: ReadonlyMap<string, number>,
  host: string,
  members: ReadonlyMap<string, ReadonlySet<string>> = groupMembers(model),
): ReadonlyMap<string, Located> {
  const groups = [...model.groups.values()]
    .filter((g) => g.name === 'all' || members.get(g.name)?.has(host) === true)
    .sort((a, b) => (depths.get(a.name) ?? 0) - (depths.get(b.name) ?? 0) || a.name.localeCompare(b.name));
  const merged = new Map<string, Located>();
  for (const group of groups) for (const [key, value] of group.vars) merged.set(key, value);
  for (const [key, value] of model.hostVars.get(host) ?? []) merged.set(key, value);
  return merged;
}

export const DEFAULT_GROUPS = ['ironic-conductor', 'ironic_conductor'] as const;

export type GroupChoice =
  | { readonly ok: true; readonly group: string; readonly hosts: readonly string[]; readonly note: string }
  | { readonly ok: false; readonly problem: string };

/**
 * The group to check: the one asked for, else `ironic-conductor`, else
 * `ironic_conductor`, else every host.
 */
export function chooseGroup(model: AnsibleModel, source: string, requested: string | undefined): GroupChoice {
  const existing = [...model.groups.keys()].filter((name) => name !== 'ungrouped' || model.groups.get(name)?.hosts.length);
  if (requested !== undefined) {
    if (!model.groups.has(requested)) {
      return { ok: false, problem: `${source}: no group "${requested}"; groups: ${existing.sort().join(', ')}` };
    }
    const hosts = hostsOfGroup(model, requested);
    return { ok: true, group: requested, hosts, note: `using group ${requested} (${countHosts(hosts.length)})` };
  }
  const found = DEFAULT_GROUPS.find((name) => model.groups.has(name));
  if (found !== undefined) {
    const hosts = hostsOfGroup(model, found);
    return { ok: true, group: found, hosts, note: `using group ${found} (${countHosts(hosts.length)})` };
  }
  const hosts = hostsOfGroup(model, 'all');
  return {
    ok: true,
    group: 'all',
    hosts,
    note: `no group ironic-conductor or ironic_conductor; using all hosts (${countHosts(hosts.length)}); choose one with --group`,
  };
}

function countHosts(n: number): string {
  return n === 1 ? '1 host' : `${n} hosts`;
}
