import { AnsibleModelBuilder, type AnsibleModel } from './ansible-model.js';
import { parseHostPattern } from './host-pattern.js';
import { parseIniValue } from './ini-value.js';
import { problemAt, type Located } from './problems.js';
import { splitShellWords } from './shell-words.js';

/**
 * Ansible's INI inventory, read as ansible's ini plugin reads it: `[group]` host lines
 * with `key=value` variables, `[group:vars]`, `[group:children]`, `#` and `;` comments,
 * host ranges, `host:port`, and hosts before any section in `ungrouped`. Every problem
 * is `SOURCE:LINE: message`.
 */
const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:[#;].*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:[#;].*)?$/;

type State = 'hosts' | 'vars' | 'children';

export function parseAnsibleIni(text: string, source: string): { model: AnsibleModel; problems: readonly string[] } {
  const builder = new AnsibleModelBuilder();
  const problems: string[] = [];
  const declared = new Set<string>(['all', 'ungrouped']);
  const references: { group: string; line: number; what: string }[] = [];
  /** `group host` → where it was listed and what it set there: a conflicting repeat is a problem, as a duplicate key is in YAML. */
  const listed = new Map<string, { line: number; vars: Map<string, unknown> }>();
  let group = 'ungrouped';
  let state: State = 'hosts';

  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    const lineNo = index + 1;
    const at = `${source}:${lineNo}`;
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;

    const section = SECTION.exec(line);
    if (section !== null) {
      group = section[1] ?? '';
      const tag = section[2] ?? 'hosts';
      if (tag !== 'hosts' && tag !== 'vars' && tag !== 'children') {
        problems.push(problemAt(at, `section [${group}:${tag}] has unknown type "${tag}" (expected children or vars)`));
        state = 'hosts';
        return;
      }
      state = tag;
      builder.addGroup(group);
      if (tag === 'vars') references.push({ group, line: lineNo, what: `[${group}:vars] is for` });
      else declared.add(group);
      return;
    }
    if (line.startsWith('[')) {
      problems.push(problemAt(at, `invalid section header ${JSON.stringify(line)}: write [group], [group:vars] or [group:children] without spaces`));
      return;
    }

    if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) {
        problems.push(problemAt(at, `expected key=value in [${group}:vars], got ${JSON.stringify(line)}`));
        return;
      }
      const key = line.slice(0, eq).trim();
      builder.setGroupVar(group, key, { value: parseIniValue(line.slice(eq + 1)), where: `${at}: ${key}` });
    } else if (state === 'children') {
      const child = GROUP_NAME.exec(line)?.[1];
      if (child === undefined) {
        problems.push(problemAt(at, `expected a group name in [${group}:children], got ${JSON.stringify(line)}`));
        return;
      }
      builder.addChild(group, child);
      references.push({ group: child, line: lineNo, what: `[${group}:children] names` });
    } else {
      const hosts = hostLine(line, at);
      problems.push(...hosts.problems);
      for (const name of hosts.names) {
        problems.push(...repeatProblems(listed, `${group} ${name}`, lineNo, hosts.vars).map((p) => problemAt(at, `host "${name}" listed again in [${group}]: ${p}`)));
        builder.addHost(group, name, hosts.vars, hosts.port);
      }
    }
  });

  for (const ref of references) {
    if (!declared.has(ref.group)) {
      problems.push(problemAt(`${source}:${ref.line}`, `${ref.what} group "${ref.group}", which has no [${ref.group}] or [${ref.group}:children] section`));
    }
  }
  return { model: builder.build(), problems };
}

/**
 * Ansible merges a host listed twice (a section may be reopened to add variables), but
 * silently keeps the last value of a variable set twice: that is reported instead.
 */
function repeatProblems(
  listed: Map<string, { line: number; vars: Map<string, unknown> }>,
  key: string,
  line: number,
  vars: readonly (readonly [string, Located])[],
): string[] {
  const earlier = listed.get(key);
  const problems: string[] = [];
  for (const [name, located] of vars) {
    const before = earlier?.vars.get(name);
    if (earlier !== undefined && earlier.vars.has(name) && before !== located.value) {
      problems.push(`${name} set to ${JSON.stringify(located.value)}, but line ${earlier.line} set it to ${JSON.stringify(before)}: keep one`);
    }
  }
  const merged = new Map([...(earlier?.vars ?? []), ...vars.map(([name, located]) => [name, located.value] as const)]);
  listed.set(key, { line: earlier?.line ?? line, vars: merged });
  return problems;
}

interface HostLine {
  readonly names: readonly string[];
  readonly vars: readonly (readonly [string, Located])[];
  readonly port?: Located;
  readonly problems: readonly string[];
}

/** One host line: the hosts it names (a range names several), their variables, its problems. */
function hostLine(line: string, at: string): HostLine {
  const split = splitShellWords(line, { comments: true });
  if (!split.ok) return { names: [], vars: [], problems: [problemAt(at, `cannot read host line: ${split.error}`)] };
  const [pattern, ...assignments] = split.words;
  if (pattern === undefined) return { names: [], vars: [], problems: [] };
  const problems: string[] = [];
  const vars: [string, Located][] = [];
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) {
      problems.push(problemAt(at, `expected key=value after the host name, got ${JSON.stringify(assignment)}`));
      continue;
    }
    const key = assignment.slice(0, eq);
    vars.push([key, { value: parseIniValue(assignment.slice(eq + 1)), where: `${at}: ${key}` }]);
  }
  const parsed = parseHostPattern(pattern);
  if (!parsed.ok) return { names: [], vars, problems: [...problems, problemAt(at, parsed.error)] };
  if (parsed.port === undefined) return { names: parsed.names, vars, problems };
  return { names: parsed.names, vars, port: { value: parsed.port, where: `${at}: ${pattern}` }, problems };
}
