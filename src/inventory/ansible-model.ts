import type { Located } from './problems.js';

/**
 * An Ansible inventory as its three file formats (INI, YAML, `ansible-inventory --list`
 * JSON) all describe it: groups with hosts, child groups and variables, and host
 * variables. Every variable keeps where it was set, for problem messages.
 */
export interface AnsibleGroup {
  readonly name: string;
  readonly hosts: readonly string[];
  readonly children: readonly string[];
  readonly vars: ReadonlyMap<string, Located>;
}

export interface AnsibleModel {
  /** Every group, `all` and `ungrouped` included. */
  readonly groups: ReadonlyMap<string, AnsibleGroup>;
  readonly hostVars: ReadonlyMap<string, ReadonlyMap<string, Located>>;
  /** Host names in the order they first appear. */
  readonly hostOrder: readonly string[];
}

interface MutableGroup {
  hosts: string[];
  children: string[];
  vars: Map<string, Located>;
}

/** Collects groups, hosts and variables while a parser walks a file; `build()` ends it. */
export class AnsibleModelBuilder {
  private readonly groups = new Map<string, MutableGroup>();
  private readonly hostVars = new Map<string, Map<string, Located>>();

  hasGroup(name: string): boolean {
    return this.groups.has(name);
  }

  addGroup(name: string): void {
    if (!this.groups.has(name)) this.groups.set(name, { hosts: [], children: [], vars: new Map() });
  }

  /**
   * Adds a host to a group; later variables of the same host win, as in Ansible. A
   * `host:port` port counts only where the host is first named, as in Ansible.
   */
  addHost(group: string, host: string, vars: readonly (readonly [string, Located])[] = [], port?: Located): void {
    this.addGroup(group);
    if (port !== undefined && !this.hostVars.has(host)) this.addHostVars(host, [['ansible_port', port]]);
    const members = this.groups.get(group)?.hosts;
    if (members !== undefined && !members.includes(host)) members.push(host);
    this.addHostVars(host, vars);
  }

  /** Sets variables of a host without naming a group (JSON `_meta.hostvars`). */
  addHostVars(host: string, vars: readonly (readonly [string, Located])[]): void {
    const own = this.hostVars.get(host) ?? new Map<string, Located>();
    for (const [key, value] of vars) own.set(key, value);
    this.hostVars.set(host, own);
  }

  addChild(parent: string, child: string): void {
    this.addGroup(parent);
    this.addGroup(child);
    const children = this.groups.get(parent)?.children;
    if (children !== undefined && !children.includes(child)) children.push(child);
  }

  setGroupVar(group: string, key: string, value: Located): void {
    this.addGroup(group);
    this.groups.get(group)?.vars.set(key, value);
  }

  /**
   * The finished model, with Ansible's implicit groups: a group that is nobody's child
   * is a child of `all`, and a host in no group but `all` is in `ungrouped`.
   */
  build(): AnsibleModel {
    this.addGroup('all');
    this.addGroup('ungrouped');
    const childNames = new Set([...this.groups.values()].flatMap((g) => g.children));
    for (const name of this.groups.keys()) {
      if (name !== 'all' && !childNames.has(name)) this.addChild('all', name);
    }
    const grouped = new Set(
      [...this.groups.entries()].filter(([name]) => name !== 'all' && name !== 'ungrouped').flatMap(([, g]) => g.hosts),
    );
    const hostOrder = [...this.hostVars.keys()];
    const ungrouped = hostOrder.filter((host) => !grouped.has(host));
    const groups = new Map<string, AnsibleGroup>(
      [...this.groups.entries()].map(([name, g]) => [
        name,
        {
          name,
          hosts: name === 'ungrouped' ? [...new Set([...g.hosts, ...ungrouped])] : [...g.hosts],
          children: [...g.children],
          vars: new Map(g.vars),
        },
      ]),
    );
    return { groups, hostVars: new Map([...this.hostVars].map(([h, v]) => [h, new Map(v)])), hostOrder };
  }
}
