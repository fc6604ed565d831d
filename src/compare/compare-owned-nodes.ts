import { hasGraphicalConsole } from '../desire/desired-node.js';
import type { DesiredNode } from '../desire/types.js';
import type { ConsoleDaemon, HostObservation, ListenSocket } from '../observe/types.js';
import { type FleetContext, type HostContext, liveDaemons, nodeLabel, ownsNode } from './fleet-context.js';
import { endpointText, makeFinding, pidList } from './make-finding.js';
import { daemonPidSet, refsForPids } from './process-refs.js';
import type { Finding } from './types.js';

function missing(host: HostContext, node: DesiredNode): Finding {
  const active = node.provisionState === 'active';
  const evidence = [
    `console_enabled is true and Ironic maps the node to ${host.ironicName ?? host.conductorName}, which is alive`,
    `no live console daemon for node ${node.uuid} on ${host.host}`,
  ];
  if (node.maintenance) evidence.push('the node is in maintenance: reported as a warning');
  if (!active) {
    evidence.push(
      `provision state is ${node.provisionState ?? 'unknown'}: Ironic restarts consoles on takeover only for active nodes`,
    );
  }
  return makeFinding({
    kind: 'missing',
    severity: active && !node.maintenance ? 'critical' : 'warning',
    host: host.host,
    key: node.uuid,
    nodeUuid: node.uuid,
    nodeName: node.name,
    port: node.consolePort,
    expected: endpointText(host.host, node.consolePort),
    actual: 'no daemon',
    message: `no console daemon for node ${nodeLabel(node, node.uuid)} on its owner ${host.host}`,
    evidence,
    remedy: 'restart',
  });
}

/** A socket on the node's expected port that belongs to something other than the node's console. */
function foreignSockets(
  observation: HostObservation,
  port: number,
  own: readonly ConsoleDaemon[],
): { sockets: readonly ListenSocket[]; invisible: boolean } {
  const ownPids = new Set(own.flatMap((d) => [...daemonPidSet(d)]));
  const onPort = observation.listeners.onPort(port);
  const sockets = onPort.filter((l) => l.pids.length > 0 && l.pids.every((pid) => !ownPids.has(pid)));
  return { sockets, invisible: onPort.some((l) => l.pids.length === 0) };
}

function portConflict(host: HostContext, observation: HostObservation, node: DesiredNode, own: readonly ConsoleDaemon[]): Finding | null {
  // Only a fixed port can conflict: an allocated one is re-allocated (to a free port) on the
  // next start. Seen in the lab: after a takeover two nodes' allocated ports coincide.
  if (node.consolePort === null || !node.consolePortFixed) return null;
  const { sockets } = foreignSockets(observation, node.consolePort, own);
  if (sockets.length === 0) return null;
  const holders = [...new Set(sockets.flatMap((s) => s.pids))];
  const { refs, unseen } = refsForPids(observation, holders);
  const consoles = observation.consoles.filter((d) => holders.includes(d.pid));
  const evidence = sockets.map((s) => `${s.family} ${s.address}:${s.port} is held by pid ${pidList(s.pids)}`);
  for (const other of consoles) evidence.push(`pid ${other.pid} is the console of node ${other.nodeUuid}`);
  if (consoles.length === 0) evidence.push('the holder is not a console daemon: it is never killed');
  if (unseen.length > 0) evidence.push(`pids ${pidList(unseen)} were not in the process list`);
  const first = refs[0];
  return makeFinding({
    kind: 'port-conflict',
    severity: 'critical',
    host: host.host,
    key: node.uuid,
    nodeUuid: node.uuid,
    nodeName: node.name,
    processes: refs,
    port: node.consolePort,
    expected: `${endpointText(host.host, node.consolePort)} for node ${nodeLabel(node, node.uuid)}`,
    actual: `held by pid ${pidList(holders)}${first ? ` (${first.argv.join(' ')})` : ''}`,
    message: `port ${node.consolePort} of node ${nodeLabel(node, node.uuid)} on ${host.host} is held by pid ${pidList(holders)}`,
    evidence,
    remedy: 'report',
  });
}

/**
 * Findings for the nodes a scanned host owns: a console that should run there and does
 * not, and an expected port someone else holds.
 */
export function compareOwnedNodes(context: FleetContext, host: HostContext, observation: HostObservation): Finding[] {
  const live = liveDaemons(observation);
  const findings: Finding[] = [];
  if (host.ironicName === null) return findings;
  for (const node of context.nodesByConductor.get(host.ironicName) ?? []) {
    // A graphical console is a container, judged in compare-containers.ts.
    if (!node.consoleEnabled || hasGraphicalConsole(node) || !ownsNode(host, node)) continue;
    const own = live.filter((d) => d.nodeUuid === node.uuid);
    if (own.length === 0) findings.push(missing(host, node));
    const conflict = portConflict(host, observation, node, own);
    if (conflict !== null) findings.push(conflict);
  }
  return findings;
}
