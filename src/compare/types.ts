/** Stable names: part of the JSON output and the audit trail. */
export const FINDING_KINDS = [
  'wrong-host',
  'console-disabled',
  'unknown-node',
  'duplicate',
  'port-mismatch',
  'missing',
  'orphan-session',
  'stale-pidfile',
  'stray-credential',
  'port-conflict',
  'unmanaged',
  'unreachable',
  'owner-unknown',
  'unknown-conductor',
  'host-alias',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export type Severity = 'critical' | 'warning' | 'info';

/**
 * What a finding calls for; `plan` turns these into actions. `stop-container` stops a
 * graphical console the way Ironic's provider would (`rm --force`, after the host checks
 * the container is still the one scanned).
 */
export type Remedy = 'kill' | 'restart' | 'remove-file' | 'stop-container' | 'report';

/** Ironic's console container providers whose consoles run on the conductor host. */
export type ContainerProvider = 'container' | 'systemd';

/** A graphical console's container as the scan saw it: what a stop checks again on the host. */
export interface ContainerRef {
  readonly engine: 'podman' | 'docker';
  /** Full id: the stop removes this container, by id, and nothing else. */
  readonly id: string;
  readonly name: string;
  readonly state: string;
  /** The `org.openstack.ironic.node` label, when it holds a UUID; a container without one is never stopped. */
  readonly nodeLabel: string | null;
  /** The `org.openstack.ironic.conductor` label: the conductor that started it. */
  readonly conductorLabel: string | null;
  /** The user whose rootless podman runs it (the systemd provider's); null for root's engine. */
  readonly user?: string | null;
}

/** The systemd provider's user unit and quadlet file of a node, as scanned. */
export interface QuadletRef {
  /** The conductor's user, whose user manager runs `unit`. */
  readonly user: string;
  readonly uid: number;
  /** `ironic-console-<uuid>.service`. */
  readonly unit: string;
  /** The quadlet file with the identity a removal re-checks; null when it is gone already. */
  readonly file: { readonly path: string; readonly device: number; readonly inode: number; readonly uid: number; readonly mtime: number } | null;
}

/**
 * A finding about a graphical (VNC) console rather than a serial one: Ironic 2025.1+ runs
 * one container per node (`[vnc]container_provider`). Absent on serial findings.
 */
export interface GraphicalConsole {
  /** The host's provider per its ironic.conf, when known. */
  readonly provider: ContainerProvider | null;
  /** The container involved; null for a console that is missing, or a leftover unit or quadlet file without one. */
  readonly container: ContainerRef | null;
  /** systemd provider: the node's unit and quadlet file (stopped and removed as Ironic does). */
  readonly quadlet?: QuadletRef;
}

/**
 * A process a kill may target, with the identity that must still hold on the host: pid,
 * start time, uid and argv. argv stays an array from /proc/PID/cmdline to the kill's check
 * (secrets redacted); joining it for display is the renderers' job, nothing re-splits it.
 */
export interface ProcessRef {
  readonly pid: number;
  readonly startTicks: number;
  /** Real uid of the process (from /proc/PID/status). */
  readonly uid: number;
  /** Redacted argv, one element per cmdline element, as observed. */
  readonly argv: readonly string[];
}

export interface Finding {
  /** Stable within one scan: `${kind}:${host}:${node or pid or path}`. */
  readonly id: string;
  readonly kind: FindingKind;
  readonly severity: Severity;
  /** Inventory host name, or null for findings that belong to no host. */
  readonly host: string | null;
  readonly nodeUuid: string | null;
  readonly nodeName: string | null;
  /** Processes involved: for a kill, the listener first, then helpers and sessions. */
  readonly processes: readonly ProcessRef[];
  readonly port: number | null;
  /** Files involved (pid, lock or credential files). */
  readonly paths: readonly string[];
  readonly expected: string | null;
  readonly actual: string | null;
  /** One-line human summary. */
  readonly message: string;
  /** Facts that led to it, each one line. */
  readonly evidence: readonly string[];
  readonly remedy: Remedy;
  /** Host whose scan the fix depends on besides `host` (e.g. the owner of a wrong-host node). */
  readonly dependsOn: readonly string[];
  /** Set when the console is graphical (a container), absent for serial consoles. */
  readonly graphical?: GraphicalConsole;
}

/** The result of compare for a whole fleet. */
export interface FleetReport {
  readonly findings: readonly Finding[];
  readonly hostsScanned: number;
  readonly hostsUnreachable: number;
  readonly nodesSeen: number;
  readonly consolesSeen: number;
  /** Nodes whose console Ironic says is enabled (optional: reports built without a desired state omit it). */
  readonly nodesConsoleEnabled?: number;
  /**
   * Why Ironic could not be read, when it could not: then no console verdict is given,
   * `findings` hold only what needs no Ironic (unreachable hosts), `nodesSeen` is 0 and
   * `observed` lists the consoles seen.
   */
  readonly ironicError?: string;
  /** The live consoles seen, listed when Ironic could not be read. */
  readonly observed?: readonly ObservedConsole[];
  /**
   * Nodes whose `parent_node` is their own uuid (Debian's 29.0.5-0+deb13u3 does this on
   * every PATCH): Ironic's periodic tasks skip them, so no conductor takes over or restarts
   * their consoles. A fact for the operator; it changes no verdict.
   */
  readonly selfParentedNodes?: readonly NodeRef[];
}

/** A node as the report names it. */
export interface NodeRef {
  readonly uuid: string;
  readonly name: string | null;
}

/** A console daemon seen on a host, without any verdict about it. */
export interface ObservedConsole {
  readonly host: string;
  readonly nodeUuid: string;
  readonly type: 'socat' | 'shellinabox';
  readonly pid: number;
  readonly port: number;
}
