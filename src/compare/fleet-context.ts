import type { DesiredNode, DesiredState } from '../desire/types.js';
import type { HostSpec } from '../inventory/types.js';
import type { ConsoleDaemon, HostObservation, HostScan } from '../observe/types.js';

/** One inventory host as compare sees it. */
export interface HostContext {
  /** Inventory name. */
  readonly host: string;
  /** The conductor name Ironic knows this host by. */
  readonly conductorName: string;
  /** Null when the host could not be scanned. */
  readonly observation: HostObservation | null;
  /** From /v1/conductors; null when the conductor is not listed at all. */
  readonly conductorAlive: boolean | null;
}

/** Lookups shared by every compare rule, built once per fleet. */
export interface FleetContext {
  readonly desired: DesiredState;
  readonly nodesByUuid: ReadonlyMap<string, DesiredNode>;
  /** Nodes by Ironic's `conductor`, so each host looks at its own nodes, not all of them. */
  readonly nodesByConductor: ReadonlyMap<string, readonly DesiredNode[]>;
  /** By inventory name, in scan order. */
  readonly hosts: ReadonlyMap<string, HostContext>;
  /** Conductor name → inventory name. */
  readonly hostByConductor: ReadonlyMap<string, string>;
}

/** Where Ironic wants a node's console, resolved against the inventory. */
export interface NodeOwner {
  /** Ironic's `conductor`; null when no alive conductor serves the node's group. */
  readonly conductor: string | null;
  /** The owner's inventory host, when it has one. */
  readonly host: HostContext | null;
}

/** The conductor name of an unscanned host, resolved the way the probe would. */
function specConductorName(spec: HostSpec): string {
  return spec.conductorName ?? spec.settings.host ?? spec.name;
}

export function buildFleetContext(input: {
  desired: DesiredState;
  scans: readonly HostScan[];
  hosts: readonly HostSpec[];
}): FleetContext {
  const specs = new Map(input.hosts.map((h) => [h.name, h]));
  const alive = new Map(input.desired.conductors.map((c) => [c.hostname, c.alive]));
  const hosts = new Map<string, HostContext>();
  for (const scan of input.scans) {
    const observation = scan.ok ? scan.observation : null;
    const spec = specs.get(scan.host);
    const conductorName = observation?.conductorName ?? (spec ? specConductorName(spec) : scan.host);
    hosts.set(scan.host, { host: scan.host, conductorName, observation, conductorAlive: alive.get(conductorName) ?? null });
  }
  const hostByConductor = new Map<string, string>();
  for (const spec of input.hosts) {
    const known = hosts.get(spec.name);
    hostByConductor.set(known?.conductorName ?? specConductorName(spec), spec.name);
  }
  for (const context of hosts.values()) hostByConductor.set(context.conductorName, context.host);
  return {
    desired: input.desired,
    nodesByUuid: new Map(input.desired.nodes.map((n) => [n.uuid, n])),
    nodesByConductor: groupByConductor(input.desired.nodes),
    hosts,
    hostByConductor,
  };
}

function groupByConductor(nodes: readonly DesiredNode[]): Map<string, DesiredNode[]> {
  const groups = new Map<string, DesiredNode[]>();
  for (const node of nodes) {
    if (node.conductor === null) continue;
    const group = groups.get(node.conductor);
    if (group === undefined) groups.set(node.conductor, [node]);
    else group.push(node);
  }
  return groups;
}

export function ownerOf(context: FleetContext, node: DesiredNode): NodeOwner {
  if (node.conductor === null) return { conductor: null, host: null };
  const hostName = context.hostByConductor.get(node.conductor);
  const host = hostName === undefined ? null : (context.hosts.get(hostName) ?? notScanned(hostName, node.conductor));
  return { conductor: node.conductor, host };
}

/** An inventory host that has no scan at all (e.g. filtered out before scanning). */
function notScanned(host: string, conductorName: string): HostContext {
  return { host, conductorName, observation: null, conductorAlive: null };
}

/** Whether this host is where Ironic wants the node's console, and its conductor is not dead. */
export function ownsNode(host: HostContext, node: DesiredNode): boolean {
  return node.conductor === host.conductorName && host.conductorAlive !== false;
}

/** Daemons that count as running: zombies are noted elsewhere, never counted. */
export function liveDaemons(observation: HostObservation): readonly ConsoleDaemon[] {
  return observation.consoles.filter((d) => !d.zombie);
}

/** A node as people name it. */
export function nodeLabel(node: DesiredNode | undefined, uuid: string): string {
  return node?.name ?? uuid;
}
