import { AnsibleModelBuilder, type AnsibleModel } from './ansible-model.js';
import { parseHostPattern } from './host-pattern.js';
import { describeValue, didYouMean, isMapping, problemAt, type Located } from './problems.js';
import { yamlWhere, type YamlInventoryText, type YamlPath } from './yaml-document.js';

/**
 * Ansible's YAML inventory: top-level groups (usually just `all`), each with `hosts`
 * (name or range → variables), `vars` and nested `children` groups. A group may be
 * defined under several parents; its definitions merge, as in Ansible.
 */
const GROUP_KEYS = ['hosts', 'vars', 'children'] as const;

export function parseAnsibleYaml(doc: YamlInventoryText, source: string): { model: AnsibleModel; problems: readonly string[] } {
  const builder = new AnsibleModelBuilder();
  const problems: string[] = [];
  const problemFor = (path: YamlPath, message: string): string => problemAt(yamlWhere(source, path), message, doc.lineOf(path));
  const located = (path: YamlPath, value: unknown): Located => ({ value, where: yamlWhere(source, path), line: doc.lineOf(path) });

  const vars = (value: unknown, path: YamlPath): (readonly [string, Located])[] => {
    if (value === null || value === undefined) return [];
    if (!isMapping(value)) {
      problems.push(problemFor(path, `must be a mapping of variables, got ${describeValue(value)}`));
      return [];
    }
    return Object.entries(value).map(([key, v]) => [key, located([...path, key], v)] as const);
  };

  const group = (name: string, definition: unknown, path: YamlPath): void => {
    builder.addGroup(name);
    if (definition === null || definition === undefined) return;
    if (!isMapping(definition)) {
      problems.push(problemFor(path, `group must be a mapping with hosts, vars or children, got ${describeValue(definition)}`));
      return;
    }
    for (const key of Object.keys(definition).filter((k) => !(GROUP_KEYS as readonly string[]).includes(k))) {
      problems.push(problemFor([...path, key], `unknown key "${key}" in group ${name}${didYouMean(key, GROUP_KEYS)} (expected hosts, vars or children)`));
    }
    const hosts = definition['hosts'];
    if (hosts !== null && hosts !== undefined && !isMapping(hosts)) {
      problems.push(problemFor([...path, 'hosts'], `must be a mapping of host names to variables, got ${describeValue(hosts)}`));
    }
    for (const [pattern, hostVars] of Object.entries(isMapping(hosts) ? hosts : {})) {
      const hostPath = [...path, 'hosts', pattern];
      const parsed = parseHostPattern(pattern);
      if (!parsed.ok) {
        problems.push(problemFor(hostPath, parsed.error));
        continue;
      }
      const port = parsed.port === undefined ? undefined : located(hostPath, parsed.port);
      const own = vars(hostVars, hostPath);
      for (const host of parsed.names) builder.addHost(name, host, own, port);
    }
    for (const [key, value] of vars(definition['vars'], [...path, 'vars'])) builder.setGroupVar(name, key, value);
    const children = definition['children'];
    if (children !== null && children !== undefined && !isMapping(children)) {
      problems.push(problemFor([...path, 'children'], `must be a mapping of group names to groups, got ${describeValue(children)}`));
    }
    for (const [child, childDefinition] of Object.entries(isMapping(children) ? children : {})) {
      builder.addChild(name, child);
      group(child, childDefinition, [...path, 'children', child]);
    }
  };

  const root = isMapping(doc.value) ? doc.value : {};
  for (const [name, definition] of Object.entries(root)) group(name, definition, [name]);
  return { model: builder.build(), problems };
}

const OWN_FORMAT_KEYS = ['hosts', 'defaults', 'ssh', 'ironic'];

/**
 * True when a YAML mapping reads as an Ansible inventory: `all:`, or top-level groups
 * with hosts/vars/children only. Top-level `hosts:`, `defaults:`, `ssh:` or `ironic:`
 * mean console-doctor's own format (a group named "hosts" is not worth the confusion).
 */
export function looksLikeAnsibleYaml(value: Readonly<Record<string, unknown>>): boolean {
  if ('all' in value) return true;
  if (OWN_FORMAT_KEYS.some((key) => key in value)) return false;
  const entries = Object.values(value);
  return (
    entries.length > 0 &&
    entries.every(
      (definition) =>
        definition === null ||
        (isMapping(definition) && Object.keys(definition).every((k) => (GROUP_KEYS as readonly string[]).includes(k))),
    )
  );
}
