/**
 * The systemd console provider's leftovers (Ironic 2025.1+, quadlets of the conductor's
 * user): a unit or quadlet file with no running container, for a node whose console
 * should not run on the host.
 */
import { hasGraphicalConsole } from '../desire/desired-node.js';
import type { DesiredNode } from '../desire/types.js';
import { QUADLET_USERS_DIR } from '../observe/parse-systemd-consoles.js';
import type { HostObservation } from '../observe/types.js';
import { containerEvidence, isRunning, quadletOf, toRef } from './container-refs.js';
import { type FleetContext, type HostContext, nodeLabel, ownerOf, ownsNode } from './fleet-context.js';
import { makeFinding } from './make-finding.js';
import type { Finding } from './types.js';

/** Whether the node's console should run on this host now. */
function wantedHere(host: HostContext, node: DesiredNode | undefined): boolean {
  return node !== undefined && node.consoleEnabled && hasGraphicalConsole(node) && ownsNode(host, node);
}

/**
 * The systemd provider's leftovers: a quadlet file or unit of a node whose console should
 * not run here, with no running container. The counterpart of a stale pid file, and worse:
 * the unit is wanted by default.target, so the user manager's next start (a reboot, with
 * linger) brings the console back. For a node that should run here, its start through the
 * API rewrites both (a `missing` finding says so).
 */
export function systemdLeftovers(context: FleetContext, host: HostContext, observation: HostObservation): Finding[] {
  const uuids = new Set([...observation.quadlets.map((q) => q.nodeUuid), ...observation.userUnits.map((u) => u.nodeUuid)]);
  const findings: Finding[] = [];
  for (const uuid of uuids) {
    if (observation.containers.some((c) => isRunning(c) && c.provider === 'systemd' && c.nameUuid === uuid)) continue;
    const node = context.nodesByUuid.get(uuid);
    if (wantedHere(host, node) || (node !== undefined && node.conductor === undefined)) continue;
    const quadlet = quadletOf(observation, uuid, null);
    if (quadlet === undefined) continue;
    const idle = observation.containers.find((c) => c.provider === 'systemd' && c.nameUuid === uuid);
    const unit = observation.userUnits.find((u) => u.nodeUuid === uuid && u.uid === quadlet.uid);
    const evidence = [
      quadlet.file === null ? `no quadlet file for the node in ${QUADLET_USERS_DIR}/${quadlet.uid}/` : `quadlet file ${quadlet.file.path} (owner uid ${quadlet.file.uid}, modified ${new Date(quadlet.file.mtime * 1000).toISOString()})`,
      unit === undefined ? `${quadlet.user}'s user manager lists no unit ${quadlet.unit}` : `unit ${quadlet.unit} of ${quadlet.user} is ${unit.load} ${unit.active} ${unit.sub}`,
      ...(idle === undefined ? ['no container for it runs'] : containerEvidence(idle)),
      node === undefined ? `node ${uuid} is not in Ironic's node list` : why(context, host, node),
    ];
    if (quadlet.file !== null) evidence.push('the unit is wanted by default.target: the next start of the user manager (a reboot) starts this console again');
    // Stopped only through the user's manager, as Ironic would: not when it could not be asked.
    const askable = observation.userManagers.includes(quadlet.uid);
    if (!askable) evidence.push(`the user manager of ${quadlet.user} (uid ${quadlet.uid}) could not be asked: nothing is stopped or removed`);
    findings.push(
      makeFinding({
        kind: 'stale-pidfile',
        severity: 'warning',
        host: host.host,
        key: `graphical:${uuid}:${quadlet.unit}`,
        nodeUuid: uuid,
        nodeName: node?.name ?? null,
        paths: quadlet.file === null ? [] : [quadlet.file.path],
        actual: quadlet.file === null ? `unit ${quadlet.unit}` : quadlet.file.path,
        message: `leftover systemd console unit ${quadlet.unit} of node ${nodeLabel(node, uuid)} on ${host.host}: no console runs, ${quadlet.file === null ? 'its unit is still loaded' : 'its quadlet file would start one again'}`,
        evidence,
        remedy: askable ? 'stop-container' : 'report',
        graphical: { provider: 'systemd', container: idle === undefined ? null : toRef(observation, idle), quadlet },
      }),
    );
  }
  return findings;
}

/** Why a node's console should not run on this host, in one line. */
function why(context: FleetContext, host: HostContext, node: DesiredNode): string {
  if (!node.consoleEnabled) return 'Ironic says console_enabled: false';
  if (!hasGraphicalConsole(node)) return `the node's console interface is ${node.consoleInterface ?? 'unknown'}, not a graphical one`;
  const owner = ownerOf(context, node).conductor;
  return owner === host.ironicName ? `this host's conductor ${owner} is dead (alive: false)` : `Ironic maps the node to ${owner ?? 'no alive conductor'}`;
}

