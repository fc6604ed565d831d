import { hasGraphicalConsole } from '../desire/desired-node.js';
import type { DesiredNode } from '../desire/types.js';
import type { ConsoleDaemon, HostObservation } from '../observe/types.js';
import { type FleetContext, type HostContext, liveDaemons, nodeLabel, ownerOf, ownsNode, unlistedEvidence } from './fleet-context.js';
import { endpointText, makeFinding, pidList } from './make-finding.js';
import { daemonMatchesPid, daemonProcesses } from './process-refs.js';
import { inPortRanges, parsePortRanges } from '../port-range.js';
import type { Finding } from './types.js';

/** Facts about one daemon every finding about it repeats. */
function daemonEvidence(observation: HostObservation, daemon: ConsoleDaemon): string[] {
  const lines = [`${daemon.type} pid ${daemon.pid} listens on port ${daemon.port} with pid file ${daemon.pidFile}`];
  if (daemon.containerPid !== null) lines.push(`pid ${daemon.pid} is pid ${daemon.containerPid} inside the conductor's container`);
  if (daemon.listening === false) lines.push(`no socket of pid ${daemon.pid} listens on port ${daemon.port}`);
  if (daemon.sessionPids.length > 0) lines.push(`session pids ${pidList(daemon.sessionPids)} (a client is connected)`);
  const { unseen } = daemonProcesses(observation, daemon);
  if (unseen.length > 0) lines.push(`pids ${pidList(unseen)} were not in the process list`);
  return lines;
}

/** The kill-shaped part of a finding about one daemon instance. */
function daemonFields(host: HostContext, observation: HostObservation, daemon: ConsoleDaemon) {
  return {
    host: host.host,
    nodeUuid: daemon.nodeUuid,
    processes: daemonProcesses(observation, daemon).refs,
    port: daemon.port,
    paths: [daemon.pidFile],
    actual: endpointText(host.host, daemon.port),
  };
}

function wrongHost(context: FleetContext, host: HostContext, observation: HostObservation, node: DesiredNode, daemon: ConsoleDaemon): Finding {
  const owner = ownerOf(context, node);
  const label = nodeLabel(node, node.uuid);
  const base = daemonFields(host, observation, daemon);
  const evidence = daemonEvidence(observation, daemon);
  // A daemon nothing manages: no alive conductor owns the node, or Ironic still maps it to
  // this host's dead conductor. A warning: no live copy elsewhere competes for the BMC.
  const unmanaged = (message: string, why: string, remedy: 'kill' | 'report' = 'kill'): Finding =>
    makeFinding({
      ...base,
      kind: 'wrong-host',
      severity: 'warning',
      key: node.uuid,
      nodeName: node.name,
      expected: null,
      message: `console of node ${label} runs on ${host.host}, ${message}`,
      evidence: [...evidence, why],
      remedy,
    });
  if (owner.conductor === null || owner.conductor === undefined) {
    // Nothing else can serve the node: killing this console would leave it none.
    return unmanaged(
      `but no alive conductor of group "${node.conductorGroup}" owns the node: its only console is kept`,
      `Ironic's conductor for the node is null: no alive conductor in group "${node.conductorGroup}"`,
      'report',
    );
  }
  if (owner.conductor === host.ironicName) {
    // Listed dead yet still the node's conductor: Ironic's hash ring has not moved the node
    // (a 29.0 conductor deregisters at SIGTERM and lingers, consoles running). Nothing else
    // runs or restarts this console meanwhile; once the node moves, it is a stray as below.
    return unmanaged(
      `whose conductor is listed dead (alive: false) while Ironic still maps the node to it: kept until Ironic maps the node elsewhere`,
      `conductor ${owner.conductor} is listed with alive: false, and Ironic still maps the node to it: no other conductor runs or restarts this console until its hash ring moves the node`,
      'report',
    );
  }
  const ownerName = owner.host?.host ?? owner.conductor;
  const ownerEvidence: string[] = [`Ironic maps the node to conductor ${owner.conductor}`];
  if (host.conductorAlive === false) ownerEvidence.push(`this host's conductor ${host.ironicName ?? host.conductorName} is dead (alive: false)`);
  if (host.ironicName === null) ownerEvidence.push(`this host's conductor ${host.conductorName} is not known to Ironic, but the owner runs the node's console`);
  if (owner.host === null) ownerEvidence.push(`conductor ${owner.conductor} is not in the inventory: whether its console runs cannot be checked`);
  else if (owner.host.observation === null) ownerEvidence.push(`owner host ${owner.host.host} could not be scanned: its console is unknown`);
  else {
    const there = liveDaemons(owner.host.observation).filter((d) => d.nodeUuid === node.uuid);
    ownerEvidence.push(
      there.length === 0
        ? `no console for the node runs on owner host ${owner.host.host}`
        : `owner host ${owner.host.host} runs the console (pid ${pidList(there.map((d) => d.pid))})`,
    );
  }
  return makeFinding({
    ...base,
    kind: 'wrong-host',
    severity: 'critical',
    key: node.uuid,
    nodeName: node.name,
    expected: endpointText(ownerName, node.consolePort),
    message: `console of node ${label} runs on ${host.host}, but Ironic maps the node to ${owner.conductor}`,
    evidence: [...evidence, ...ownerEvidence],
    remedy: 'kill',
    dependsOn: owner.host === null ? [] : [owner.host.host],
  });
}

/** Keeper first: matches the pid file, then the expected port, then the newest start. */
function rankInstances(observation: HostObservation, node: DesiredNode, daemons: readonly ConsoleDaemon[]): ConsoleDaemon[] {
  const pidFilePids = observation.files
    .filter((f) => f.kind === 'pid' && f.nodeUuid === node.uuid && f.pid !== null)
    .map((f) => f.pid as number);
  const score = (d: ConsoleDaemon): number =>
    (pidFilePids.some((pid) => daemonMatchesPid(observation, d, pid)) ? 2 : 0) + (d.port === node.consolePort ? 1 : 0);
  return [...daemons].sort((a, b) => score(b) - score(a) || b.startTicks - a.startTicks || b.pid - a.pid);
}

/**
 * Whether an allocated port could have come from this host's `[console]port_range` (one
 * range or several): a console outside it was started before the range changed or by
 * hand. Said only when the range is readable; a malformed one is a host warning already.
 */
function portRangeEvidence(observation: HostObservation, node: DesiredNode, daemon: ConsoleDaemon): string[] {
  const value = observation.settings.portRange;
  if (node.consolePortFixed || value === undefined) return [];
  const parsed = parsePortRanges(value);
  if (!parsed.ok) return [];
  const where = inPortRanges(daemon.port, parsed.ranges) ? 'is in' : 'is outside';
  return [`port ${daemon.port} ${where} [console]port_range ${value} of ${observation.host}`];
}

function ownedDaemons(host: HostContext, observation: HostObservation, node: DesiredNode, daemons: readonly ConsoleDaemon[]): Finding[] {
  const [keeper, ...extras] = rankInstances(observation, node, daemons);
  if (keeper === undefined) return [];
  const label = nodeLabel(node, node.uuid);
  const findings = extras.map((extra) =>
    makeFinding({
      ...daemonFields(host, observation, extra),
      kind: 'duplicate',
      severity: 'critical',
      key: String(extra.pid),
      nodeName: node.name,
      expected: endpointText(host.host, keeper.port),
      message: `extra console of node ${label} on its owner ${host.host} (pid ${extra.pid}, port ${extra.port}; keeping pid ${keeper.pid})`,
      evidence: [
        ...daemonEvidence(observation, extra),
        `${daemons.length} live console instances for the node on ${host.host}; kept pid ${keeper.pid} on port ${keeper.port} (pid file and port match first, then the newest)`,
      ],
      remedy: 'kill',
    }),
  );
  if (node.consolePort !== null && keeper.port !== node.consolePort) {
    findings.push(
      makeFinding({
        ...daemonFields(host, observation, keeper),
        kind: 'port-mismatch',
        severity: 'warning',
        key: node.uuid,
        nodeName: node.name,
        expected: endpointText(host.host, node.consolePort),
        message: `console of node ${label} on ${host.host} listens on port ${keeper.port}, Ironic expects ${node.consolePort}`,
        evidence: [...daemonEvidence(observation, keeper), `Ironic's console port for the node is ${node.consolePort}`, ...portRangeEvidence(observation, node, keeper)],
        remedy: 'restart',
      }),
    );
  }
  return findings;
}

/**
 * On a host whose conductor Ironic does not know, a console is only called a stray when
 * its owner, another machine, is seen running the node's console: otherwise the host may
 * be the owner under a name that was not matched.
 */
function runsOnOwnerElsewhere(context: FleetContext, host: HostContext, node: DesiredNode): boolean {
  const owner = ownerOf(context, node).host;
  if (owner === null || owner.host === host.host || owner.observation === null || owner.conductorAlive === false) return false;
  return liveDaemons(owner.observation).some((d) => d.nodeUuid === node.uuid);
}

/** Findings about the live daemons of one scanned host: whose are they, and are they right. */
export function compareHostDaemons(context: FleetContext, host: HostContext, observation: HostObservation): Finding[] {
  const byNode = new Map<string, ConsoleDaemon[]>();
  for (const daemon of liveDaemons(observation)) byNode.set(daemon.nodeUuid, [...(byNode.get(daemon.nodeUuid) ?? []), daemon]);
  const findings: Finding[] = [];
  for (const [uuid, daemons] of byNode) {
    const node = context.nodesByUuid.get(uuid);
    if (node === undefined) {
      for (const daemon of daemons) {
        findings.push(
          makeFinding({
            ...daemonFields(host, observation, daemon),
            kind: 'unknown-node',
            severity: 'warning',
            key: uuid,
            message: `console daemon on ${host.host} for node ${uuid}, which Ironic does not know`,
            evidence: [...daemonEvidence(observation, daemon), ...unlistedEvidence(context, uuid)],
            remedy: 'kill',
          }),
        );
      }
    } else if (!node.consoleEnabled || hasGraphicalConsole(node)) {
      // A graphical console runs in a container: a serial daemon is no console of the node.
      const why = node.consoleEnabled ? `the node's console interface is ${node.consoleInterface}: its console is a container` : 'Ironic says console_enabled: false';
      for (const daemon of daemons) {
        findings.push(
          makeFinding({
            ...daemonFields(host, observation, daemon),
            kind: 'console-disabled',
            severity: 'warning',
            key: uuid,
            nodeName: node.name,
            message: `console daemon on ${host.host} for node ${nodeLabel(node, uuid)}, whose ${node.consoleEnabled ? 'console is graphical' : 'console is disabled'}`,
            evidence: [...daemonEvidence(observation, daemon), why],
            remedy: 'kill',
          }),
        );
      }
    } else if (node.conductor === undefined) {
      continue; // owner unknown: said once for the fleet (owner-unknown), no verdict here
    } else if (ownsNode(host, node)) {
      findings.push(...ownedDaemons(host, observation, node, daemons));
    } else if (host.ironicName === null && !runsOnOwnerElsewhere(context, host, node)) {
      continue; // said once for the host (unknown-conductor)
    } else {
      for (const daemon of daemons) findings.push(wrongHost(context, host, observation, node, daemon));
    }
  }
  return findings;
}
