/**
 * A graphical console's container as findings name it: which node it is for, what it
 * publishes, whether console-doctor may stop it, and the reference a stop re-checks
 * (compare-containers.ts, compare-quadlets.ts).
 */
import type { ConsoleContainer, HostObservation } from '../observe/types.js';
import { UNIT_PREFIX } from '../observe/parse-systemd-consoles.js';
import type { HostContext } from './fleet-context.js';
import { endpointText } from './make-finding.js';
import type { ContainerProvider, ContainerRef, GraphicalConsole, QuadletRef } from './types.js';

/** The VNC port a container publishes (5900 inside), else its first published port. */
export function publishedVncPort(container: ConsoleContainer): number | null {
  const vnc = container.ports.find((p) => p.containerPort === 5900) ?? container.ports[0];
  return vnc?.hostPort ?? null;
}

export function isRunning(container: ConsoleContainer): boolean {
  return container.state === 'running';
}

/** The node a container is for: its node label; for a container without Ironic's labels, the uuid in its name. */
export function containerNode(container: ConsoleContainer): string | null {
  return container.labelled ? container.nodeUuid : container.nameUuid;
}

/** The host's provider per ironic.conf, when it is one whose containers run on the host. */
export function hostProvider(observation: HostObservation): ContainerProvider | null {
  const provider = observation.settings.containerProvider?.trim().toLowerCase();
  return provider === 'container' || provider === 'systemd' ? provider : null;
}

export function toRef(observation: HostObservation, container: ConsoleContainer): ContainerRef {
  const ref = {
    engine: container.engine,
    id: container.id,
    name: container.name,
    state: container.state,
    nodeLabel: container.labelled ? container.nodeUuid : null,
    conductorLabel: container.conductor,
  };
  return container.uid === null ? ref : { ...ref, user: userOf(observation, container.uid) };
}

/** The name of a user whose units were listed (the probe lists only users it could name). */
function userOf(observation: HostObservation, uid: number): string {
  return observation.userUnits.find((u) => u.uid === uid)?.user ?? observation.processes.find((p) => p.uid === uid)?.user ?? `#${uid}`;
}

/**
 * The systemd provider's unit and quadlet file for a node on this host: what its stop
 * stops and removes. From the file's directory or the container's user.
 */
export function quadletOf(observation: HostObservation, uuid: string, uid: number | null): QuadletRef | undefined {
  const file = observation.quadlets.find((q) => q.nodeUuid === uuid && (uid === null || q.dirUid === uid));
  const unit = observation.userUnits.find((u) => u.nodeUuid === uuid && (uid === null || u.uid === uid));
  const owner = uid ?? file?.dirUid ?? unit?.uid;
  if (owner === undefined) return undefined;
  const user = unit?.user ?? userOf(observation, owner);
  const identity = file === undefined ? null : { path: file.path, device: file.device, inode: file.inode, uid: file.uid, mtime: file.mtime };
  return { user, uid: owner, unit: `${UNIT_PREFIX}${uuid}.service`, file: identity };
}

export function graphical(observation: HostObservation, container: ConsoleContainer | null, uuid: string | null = null): GraphicalConsole {
  const base = { provider: container?.provider ?? hostProvider(observation), container: container === null ? null : toRef(observation, container) };
  if (uuid === null || (container !== null && container.provider !== 'systemd')) return base;
  const quadlet = quadletOf(observation, uuid, container?.uid ?? null);
  return quadlet === undefined ? base : { ...base, quadlet };
}

export function containerEvidence(container: ConsoleContainer): string[] {
  const port = publishedVncPort(container);
  const whose = container.uid === null ? '' : ` (rootless, uid ${container.uid})`;
  const lines = [
    `${container.engine}${whose} container ${container.name} (${container.id.slice(0, 12)}) is ${container.state}${port === null ? ', publishing no port' : `, publishing port ${port}`}`,
  ];
  if (container.conductor !== null) lines.push(`it was started by conductor ${container.conductor} (label org.openstack.ironic.conductor)`);
  if (container.provider === 'systemd') lines.push(`it is the systemd provider's quadlet container of unit ${UNIT_PREFIX}${container.nameUuid}.service`);
  else if (!container.labelled) lines.push('it has no org.openstack.ironic.console label (a custom template?): never stopped by console-doctor');
  return lines;
}

/** A container console-doctor may stop: Ironic's labels name the node, or it is the systemd provider's unit's. */
function stoppable(container: ConsoleContainer, uuid: string): boolean {
  return container.provider === 'systemd' ? container.nameUuid === uuid : container.labelled && container.nodeUuid === uuid;
}

/**
 * The fields every finding about one container shares. A container is stopped only when
 * its labels name the node: one found by its name alone is reported, never touched.
 */
export function containerDraft(host: HostContext, observation: HostObservation, container: ConsoleContainer, uuid: string) {
  const port = publishedVncPort(container);
  return {
    host: host.host,
    key: `graphical:${uuid}:${container.id.slice(0, 12)}`,
    nodeUuid: uuid,
    port,
    actual: `${container.engine} container ${container.name} on ${endpointText(host.host, port)}`,
    graphical: graphical(observation, container, uuid),
    remedy: stoppable(container, uuid) ? ('stop-container' as const) : ('report' as const),
  };
}

