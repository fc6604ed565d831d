import { AnsibleModelBuilder, type AnsibleModel } from './ansible-model.js';
import { describeValue, didYouMean, isMapping, problemAt, type Located } from './problems.js';

/**
 * The JSON of `ansible-inventory --list` (and of dynamic inventory scripts): groups
 * with `hosts`, `children` and `vars` (or just a list of hosts), and
 * `_meta.hostvars` host → variables. `--list` folds group variables into hostvars;
 * `--list --export` keeps them in the groups: both resolve to the same hosts.
 */
const GROUP_KEYS = ['hosts', 'children', 'vars'] as const;

export function parseAnsibleJson(value: unknown, source: string): { model: AnsibleModel; problems: readonly string[] } {
  const builder = new AnsibleModelBuilder();
  const problems: string[] = [];
  const where = (path: readonly string[]): string => `${source}:${path.join('.')}`;
  const names = (list: unknown, path: readonly string[]): readonly string[] => {
    if (list === undefined || list === null) return [];
    if (Array.isArray(list) && list.every((item): item is string => typeof item === 'string')) return list;
    problems.push(problemAt(where(path), `must be a list of names, got ${describeValue(list)}`));
    return [];
  };
  const vars = (mapping: unknown, path: readonly string[]): (readonly [string, Located])[] => {
    if (mapping === undefined || mapping === null) return [];
    if (!isMapping(mapping)) {
      problems.push(problemAt(where(path), `must be a mapping of variables, got ${describeValue(mapping)}`));
      return [];
    }
    return Object.entries(mapping).map(([key, v]) => [key, { value: v, where: where([...path, key]) }] as const);
  };

  if (!isMapping(value)) {
    return { model: builder.build(), problems: [`${source}: must be a JSON object of groups, got ${describeValue(value)}`] };
  }
  for (const [name, definition] of Object.entries(value)) {
    if (name === '_meta') continue;
    builder.addGroup(name);
    if (Array.isArray(definition)) {
      for (const host of names(definition, [name])) builder.addHost(name, host);
      continue;
    }
    if (!isMapping(definition)) {
      problems.push(problemAt(where([name]), `group must be an object with hosts, children or vars, got ${describeValue(definition)}`));
      continue;
    }
    for (const key of Object.keys(definition).filter((k) => !(GROUP_KEYS as readonly string[]).includes(k))) {
      problems.push(problemAt(where([name, key]), `unknown key "${key}"${didYouMean(key, GROUP_KEYS)} (expected hosts, children or vars)`));
    }
    for (const host of names(definition['hosts'], [name, 'hosts'])) builder.addHost(name, host);
    for (const child of names(definition['children'], [name, 'children'])) builder.addChild(name, child);
    for (const [key, v] of vars(definition['vars'], [name, 'vars'])) builder.setGroupVar(name, key, v);
  }

  const meta = value['_meta'];
  const hostvars = isMapping(meta) ? meta['hostvars'] : undefined;
  if (meta !== undefined && !isMapping(hostvars) && hostvars !== undefined) {
    problems.push(problemAt(where(['_meta', 'hostvars']), `must be an object of host → variables, got ${describeValue(hostvars)}`));
  }
  for (const [host, hv] of Object.entries(isMapping(hostvars) ? hostvars : {})) {
    // A host only in hostvars is still a host of the inventory (then in `ungrouped`).
    builder.addHostVars(host, vars(hv, ['_meta', 'hostvars', host]));
  }
  return { model: builder.build(), problems };
}
