/**
 * Graphical consoles (Ironic 2025.1+): one container per node, started by the conductor
 * that owns the node through `[vnc]container_provider`. The same leak as with socat: a
 * conductor that dies, is drained or loses the node in a takeover leaves its containers
 * running, and the new owner starts another. Judged with the serial kinds where they fit;
 * every finding here carries `graphical`.
 */
import { hasGraphicalConsole } from '../desire/desired-node.js';
import type { DesiredNode } from '../desire/types.js';
import type { ConsoleContainer, HostObservation } from '../observe/types.js';
import { systemdLeftovers } from './compare-quadlets.js';
import { containerDraft, containerEvidence, containerNode, graphical, hostProvider, isRunning, publishedVncPort } from './container-refs.js';
import { type FleetContext, type HostContext, nodeLabel, ownerOf, ownsNode, unlistedEvidence } from './fleet-context.js';
import { endpointText, type FindingDraft, makeFinding } from './make-finding.js';
import type { Finding } from './types.js';

/** Keeper first: publishes the port Ironic recorded (`vnc_port`), then the first listed. */
function rankContainers(node: DesiredNode, containers: readonly ConsoleContainer[]): ConsoleContainer[] {
  const score = (c: ConsoleContainer): number => (node.vncPort !== undefined && node.vncPort !== null && publishedVncPort(c) === node.vncPort ? 1 : 0);
  return [...containers].sort((a, b) => score(b) - score(a));
}

function wrongHost(context: FleetContext, host: HostContext, observation: HostObservation, node: DesiredNode, container: ConsoleContainer): Finding {
  const owner = ownerOf(context, node);
  const label = nodeLabel(node, node.uuid);
  const base = containerDraft(host, observation, container, node.uuid);
  const evidence = containerEvidence(container);
  if (owner.conductor === null || owner.conductor === undefined || owner.conductor === host.ironicName) {
    // Nothing else serves the node: no alive conductor owns it, or Ironic still maps it to
    // this host's dead conductor. Stopping it would leave the node no console at all.
    const why =
      owner.conductor === host.ironicName
        ? `conductor ${owner.conductor} is listed with alive: false, and Ironic still maps the node to it`
        : `Ironic's conductor for the node is null: no alive conductor in group "${node.conductorGroup}"`;
    return makeFinding({
      ...base,
      kind: 'wrong-host',
      severity: 'warning',
      nodeName: node.name,
      message: `graphical console of node ${label} runs on ${host.host}, but no other conductor serves the node: kept`,
      evidence: [...evidence, why],
      remedy: 'report',
    });
  }
  const ownerEvidence = [`Ironic maps the node to conductor ${owner.conductor}`];
  if (host.conductorAlive === false) ownerEvidence.push(`this host's conductor ${host.ironicName ?? host.conductorName} is dead (alive: false)`);
  if (owner.host === null) ownerEvidence.push(`conductor ${owner.conductor} is not in the inventory: whether its console runs cannot be checked`);
  else if (owner.host.observation === null) ownerEvidence.push(`owner host ${owner.host.host} could not be scanned: its console is unknown`);
  else {
    const there = owner.host.observation.containers.filter((c) => isRunning(c) && containerNode(c) === node.uuid);
    ownerEvidence.push(
      there.length === 0
        ? `no container for the node runs on owner host ${owner.host.host}`
        : `owner host ${owner.host.host} runs the node's container ${there.map((c) => c.name).join(', ')}`,
    );
  }
  return makeFinding({
    ...base,
    kind: 'wrong-host',
    severity: 'critical',
    nodeName: node.name,
    expected: `a container on ${owner.host?.host ?? owner.conductor}`,
    message: `graphical console of node ${label} runs on ${host.host}, but Ironic maps the node to ${owner.conductor}`,
    evidence: [...evidence, ...ownerEvidence],
    dependsOn: owner.host === null ? [] : [owner.host.host],
  });
}

/** Findings about the running console containers of one scanned host. */
function runningContainers(context: FleetContext, host: HostContext, observation: HostObservation): Finding[] {
  const byNode = new Map<string, ConsoleContainer[]>();
  const findings: Finding[] = [];
  for (const container of observation.containers.filter(isRunning)) {
    const uuid = containerNode(container);
    if (uuid === null) {
      findings.push(
        makeFinding({
          kind: 'unmanaged',
          severity: 'info',
          host: host.host,
          key: `graphical:${container.id.slice(0, 12)}`,
          actual: `${container.engine} container ${container.name}`,
          message: `console container ${container.name} on ${host.host} names no node: never touched`,
          evidence: [...containerEvidence(container), 'its org.openstack.ironic.node label is missing or not a UUID'],
          remedy: 'report',
          graphical: graphical(observation, container),
        }),
      );
      continue;
    }
    byNode.set(uuid, [...(byNode.get(uuid) ?? []), container]);
  }
  for (const [uuid, containers] of byNode) {
    const node = context.nodesByUuid.get(uuid);
    if (node === undefined) {
      for (const container of containers) {
        findings.push(
          makeFinding({
            ...containerDraft(host, observation, container, uuid),
            kind: 'unknown-node',
            severity: 'warning',
            message: `graphical console container on ${host.host} for node ${uuid}, which Ironic does not know`,
            evidence: [...containerEvidence(container), ...unlistedEvidence(context, uuid)],
          }),
        );
      }
    } else if (!node.consoleEnabled || !hasGraphicalConsole(node)) {
      const why = node.consoleEnabled
        ? `the node's console interface is ${node.consoleInterface ?? 'unknown'}, not a graphical one`
        : 'Ironic says console_enabled: false';
      for (const container of containers) {
        findings.push(
          makeFinding({
            ...containerDraft(host, observation, container, uuid),
            kind: 'console-disabled',
            severity: 'warning',
            nodeName: node.name,
            message: `graphical console container on ${host.host} for node ${nodeLabel(node, uuid)}, whose ${node.consoleEnabled ? 'console is not graphical' : 'console is disabled'}`,
            evidence: [...containerEvidence(container), why],
          }),
        );
      }
    } else if (node.conductor === undefined) {
      continue; // owner unknown: said once for the fleet (owner-unknown)
    } else if (ownsNode(host, node)) {
      const [keeper, ...extras] = rankContainers(node, containers);
      for (const extra of extras) {
        findings.push(
          makeFinding({
            ...containerDraft(host, observation, extra, uuid),
            kind: 'duplicate',
            severity: 'critical',
            nodeName: node.name,
            expected: keeper === undefined ? null : `only ${keeper.name}`,
            message: `extra graphical console container of node ${nodeLabel(node, uuid)} on its owner ${host.host} (${extra.engine} ${extra.name}; keeping ${keeper?.engine} ${keeper?.name})`,
            evidence: [
              ...containerEvidence(extra),
              `${containers.length} running containers for the node on ${host.host}; kept the one publishing vnc_port ${node.vncPort ?? '?'} (else the first listed)`,
            ],
          }),
        );
      }
    } else if (host.ironicName === null && !runsOnOwnerElsewhere(context, host, node)) {
      continue; // said once for the host (unknown-conductor)
    } else {
      for (const container of containers) findings.push(wrongHost(context, host, observation, node, container));
    }
  }
  return findings;
}

/** As for serial consoles: on a host Ironic does not know, a stray only when its owner runs the node's console. */
function runsOnOwnerElsewhere(context: FleetContext, host: HostContext, node: DesiredNode): boolean {
  const owner = ownerOf(context, node).host;
  if (owner === null || owner.host === host.host || owner.observation === null || owner.conductorAlive === false) return false;
  return owner.observation.containers.some((c) => isRunning(c) && containerNode(c) === node.uuid);
}

/**
 * A container that is not running (created, exited, paused, …) is no console: a leftover
 * record, the graphical counterpart of a stale pid file. Ironic's own start removes one by
 * name; one whose labels name a node is removed, anything else only reported.
 */
function idleContainers(context: FleetContext, host: HostContext, observation: HostObservation): Finding[] {
  return observation.containers
    .filter((c) => !isRunning(c) && containerNode(c) !== null && c.provider !== 'systemd')
    .map((container) => {
      const uuid = containerNode(container) as string;
      const node = context.nodesByUuid.get(uuid);
      return makeFinding({
        ...containerDraft(host, observation, container, uuid),
        kind: 'stale-pidfile',
        severity: 'warning',
        nodeName: node?.name ?? null,
        expected: null,
        message: `${container.state} console container ${container.name} for node ${nodeLabel(node, uuid)} on ${host.host} serves nothing`,
        evidence: containerEvidence(container),
      });
    });
}

/**
 * Whether a missing container can be told from an unseen one on this host: the host's
 * ironic.conf enables graphical consoles with a provider that runs them on the host, and
 * that provider's engine was listed.
 */
function canJudgeMissing(observation: HostObservation): boolean {
  const settings = observation.settings;
  if (!/^(true|yes|on|1)$/i.test(settings.vncEnabled?.trim() ?? '')) return false;
  // systemd: the conductor's user's units were listed (the provider runs them as that user).
  if (hostProvider(observation) === 'systemd') return observation.userManagers.includes(observation.conductorUser.uid);
  if (hostProvider(observation) !== 'container' || settings.containerHost !== undefined) return false;
  const executable = (settings.containerExecutable?.trim() || 'docker').split('/').pop();
  // The engine runs as the conductor's user: root's, or that user's rootless podman.
  const user = observation.conductorUser;
  if (user.source === 'default') return false;
  if (user.uid !== 0) return executable === 'podman' && observation.podmanUsers.includes(user.uid);
  return observation.containerEngines.some((engine) => engine === executable);
}

/** Graphical consoles the host owns that no running container serves. */
function missingContainers(context: FleetContext, host: HostContext, observation: HostObservation): Finding[] {
  if (host.ironicName === null || !canJudgeMissing(observation)) return [];
  const findings: Finding[] = [];
  for (const node of context.nodesByConductor.get(host.ironicName) ?? []) {
    if (!node.consoleEnabled || !hasGraphicalConsole(node) || !ownsNode(host, node)) continue;
    if (observation.containers.some((c) => isRunning(c) && containerNode(c) === node.uuid)) continue;
    const active = node.provisionState === 'active';
    const draft: FindingDraft = {
      kind: 'missing',
      severity: active && !node.maintenance ? 'critical' : 'warning',
      host: host.host,
      key: `graphical:${node.uuid}`,
      nodeUuid: node.uuid,
      nodeName: node.name,
      port: node.vncPort ?? null,
      expected: `a console container on ${endpointText(host.host, node.vncPort ?? null)}`,
      actual: 'no container',
      message: `no graphical console container for node ${nodeLabel(node, node.uuid)} on its owner ${host.host}`,
      evidence: [
        `console_enabled is true, the console interface is ${node.consoleInterface}, and Ironic maps the node to ${host.ironicName}, which is alive`,
        `no running container labelled for node ${node.uuid} among ${observation.containerEngines.join(' and ')}'s containers on ${host.host}`,
      ],
      remedy: 'restart',
      graphical: graphical(observation, null),
    };
    findings.push(makeFinding(draft));
  }
  return findings;
}

/** Every graphical-console finding of one scanned host. */
export function compareHostContainers(context: FleetContext, host: HostContext, observation: HostObservation): Finding[] {
  return [
    ...runningContainers(context, host, observation),
    ...idleContainers(context, host, observation),
    ...systemdLeftovers(context, host, observation),
    ...missingContainers(context, host, observation),
  ];
}
