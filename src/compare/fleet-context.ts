import type { DesiredNode, DesiredState } from '../desire/types.js';
import type { HostSpec } from '../inventory/types.js';
import type { ConsoleDaemon, HostObservation, HostScan } from '../observe/types.js';
import { findIronicName } from './conductor-names.js';
import { findSameMachines } from './same-machine.js';

/** One inventory host as compare sees it. */
export interface HostContext {
  /** Inventory name. */
  readonly host: string;
  /** The host's own conductor name (inventory override, else ironic.conf `host`, else inventory name). */
  readonly conductorName: string;
  /**
   * The name Ironic knows this conductor by (its own, with Ironic's `:port` suffix, or its
   * FQDN or short form); null when it matches no conductor Ironic lists or maps nodes to.
   */
  readonly ironicName: string | null;
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
  /** By inventory name, in scan order; a second name for an already scanned machine is left out. */
  readonly hosts: ReadonlyMap<string, HostContext>;
  /** Ironic's conductor name → inventory name. */
  readonly hostByConductor: ReadonlyMap<string, string>;
  /** Inventory names that reach a machine already scanned under another name → that name. */
  readonly aliases: ReadonlyMap<string, string>;
}

/** Where Ironic wants a node's console, resolved against the inventory. */
export interface NodeOwner {
  /** Ironic's `conductor`; null when no alive conductor serves the node's group, undefined when unknown. */
  readonly conductor: string | null | undefined;
  /** The owner's inventory host, when it has one. */
  readonly host: HostContext | null;
}

/** The conductor name of an unscanned host, resolved the way the probe would. */
function specConductorName(spec: HostSpec): string {
  return spec.conductorName ?? spec.settings.host ?? spec.name;
}

/** Every name Ironic uses for a conductor: listed ones and those nodes are mapped to. */
function ironicNames(desired: DesiredState): Set<string> {
  const names = new Set(desired.conductors.map((c) => c.hostname));
  for (const node of desired.nodes) if (typeof node.conductor === 'string') names.add(node.conductor);
  return names;
}

export function buildFleetContext(input: { desired: DesiredState; scans: readonly HostScan[]; hosts: readonly HostSpec[] }): FleetContext {
  const names = ironicNames(input.desired);
  const alive = new Map(input.desired.conductors.map((c) => [c.hostname, c.alive]));
  const contextFor = (host: string, conductorName: string, observation: HostObservation | null): HostContext => {
    const ironicName = findIronicName(names, conductorName);
    return { host, conductorName, ironicName, observation, conductorAlive: ironicName === null ? null : (alive.get(ironicName) ?? null) };
  };
  const specs = new Map(input.hosts.map((h) => [h.name, h]));
  const all = input.scans.map((scan) => {
    const observation = scan.ok ? scan.observation : null;
    const spec = specs.get(scan.host);
    return contextFor(scan.host, observation?.conductorName ?? (spec ? specConductorName(spec) : scan.host), observation);
  });
  const aliases = findSameMachines(all);
  const hosts = new Map(all.filter((h) => !aliases.has(h.host)).map((h) => [h.host, h]));
  const hostByConductor = new Map<string, string>();
  for (const spec of input.hosts) {
    if (hosts.has(spec.name) || aliases.has(spec.name)) continue;
    const unscanned = contextFor(spec.name, specConductorName(spec), null);
    if (unscanned.ironicName !== null) hostByConductor.set(unscanned.ironicName, spec.name);
  }
  for (const context of hosts.values()) if (context.ironicName !== null) hostByConductor.set(context.ironicName, context.host);
  return {
    desired: input.desired,
    nodesByUuid: new Map(input.desired.nodes.map((n) => [n.uuid, n])),
    nodesByConductor: groupByConductor(input.desired.nodes),
    hosts,
    hostByConductor,
    aliases,
  };
}

function groupByConductor(nodes: readonly DesiredNode[]): Map<string, DesiredNode[]> {
  const groups = new Map<string, DesiredNode[]>();
  for (const node of nodes) {
    if (typeof node.conductor !== 'string') continue;
    const group = groups.get(node.conductor);
    if (group === undefined) groups.set(node.conductor, [node]);
    else group.push(node);
  }
  return groups;
}

export function ownerOf(context: FleetContext, node: DesiredNode): NodeOwner {
  if (typeof node.conductor !== 'string') return { conductor: node.conductor, host: null };
  const hostName = context.hostByConductor.get(node.conductor);
  const host = hostName === undefined ? null : (context.hosts.get(hostName) ?? notScanned(hostName, node.conductor));
  return { conductor: node.conductor, host };
}

/** An inventory host that has no scan at all (e.g. filtered out before scanning). */
function notScanned(host: string, conductorName: string): HostContext {
  return { host, conductorName, ironicName: conductorName, observation: null, conductorAlive: null };
}

/** Whether this host is where Ironic wants the node's console, and its conductor is not dead. */
export function ownsNode(host: HostContext, node: DesiredNode): boolean {
  return typeof node.conductor === 'string' && node.conductor === host.ironicName && host.conductorAlive !== false;
}

/** Daemons that count as running: zombies are noted elsewhere, never counted. */
export function liveDaemons(observation: HostObservation): readonly ConsoleDaemon[] {
  return observation.consoles.filter((d) => !d.zombie);
}

/** A node as people name it. */
export function nodeLabel(node: DesiredNode | undefined, uuid: string): string {
  return node?.name ?? uuid;
}

/** Why a node is called unknown: not listed, and (when the scan asked) a 404 for the node itself. */
export function unlistedEvidence(context: FleetContext, uuid: string): string[] {
  const lines = [`node ${uuid} is not in Ironic's node list (deleted?)`];
  if (context.desired.nodesGoneByGet?.includes(uuid) === true) lines.push(`GET /v1/nodes/${uuid} answered 404`);
  return lines;
}
