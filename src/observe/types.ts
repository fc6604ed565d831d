import type { ListenerTable } from './listener-table.js';
import type { ConductorSettings } from '../inventory/types.js';

/** One process from /proc on the host. `argv` is already redacted. */
export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly uid: number;
  readonly user: string;
  /** /proc state letter: R, S, D, Z (zombie), T, I, ... */
  readonly state: string;
  /** Start time in clock ticks since boot (field 22 of /proc/PID/stat). */
  readonly startTicks: number;
  readonly argv: readonly string[];
  /**
   * PIDs of this process in nested PID namespaces, outermost first, from the
   * `NSpid:` line of /proc/PID/status (length 1 when not in a container).
   */
  readonly nsPids: readonly number[];
  /** The kernel's command name (/proc/PID/stat field 2); a zombie keeps it but loses its argv. */
  readonly comm?: string;
  /**
   * True when the probe sent this process in brief (probe format 3: it is neither
   * console-like nor a child of one): `argv` is its kernel command name (comm) only (or
   * `[]`; before issue 12's last step, argv0), `uid` is -1 and `user` '?' (unknown),
   * `nsPids` is `[pid]` and `comm` is absent. Enough to name the holder of a port or the
   * process a pid file now points at; never a kill target.
   */
  readonly brief?: true;
}

/** A listening TCP socket. */
export interface ListenSocket {
  readonly family: 'ipv4' | 'ipv6';
  readonly address: string;
  readonly port: number;
  /** Owning processes; empty when they could not be seen (no root). */
  readonly pids: readonly number[];
}

/** A `*.pid` or `*.pw` file in a pid or temp directory. Password content is never read. */
export interface HostFile {
  readonly path: string;
  readonly kind: 'pid' | 'pw';
  /** The node UUID taken from the file name, when it is one. */
  readonly nodeUuid: string | null;
  /** The pid the file names (pid files only), null when empty or not a number. */
  readonly pid: number | null;
  /** Device and inode (lstat): with uid and mtime, the identity a removal re-checks on the host. */
  readonly device: number;
  readonly inode: number;
  /** What the name is (lstat): only a regular file is ever removed; a symlink is never followed. */
  readonly type: 'regular' | 'symlink' | 'other';
  /** Octal mode, e.g. "600". */
  readonly mode: string;
  readonly uid: number;
  readonly owner: string;
  /** Modification time, seconds since the epoch. */
  readonly mtime: number;
}

/** The user the conductor runs as; its consoles' files are the only ones removed. See conductor-user.ts. */
export interface ConductorUser {
  readonly name: string;
  readonly uid: number;
  readonly source: 'ironic-conductor process' | 'console processes' | 'default';
  /** Why an earlier rule gave no answer (processes that disagree), one line each. */
  readonly notes: readonly string[];
}

/** A directory whose pid and password files are looked at, and why it is trusted. See file-dirs.ts. */
export interface FileDir {
  readonly dir: string;
  readonly source: 'inventory' | 'ironic.conf' | 'default' | 'console';
}

/** One console daemon instance for one node, as recognised from argv structure. */
export interface ConsoleDaemon {
  readonly type: 'socat' | 'shellinabox';
  readonly nodeUuid: string;
  /** The `-L` lock file (socat) or `--background=` pid file (shellinaboxd). */
  readonly pidFile: string;
  readonly port: number;
  readonly bindAddress: string | null;
  /** The listener process (socat parent; shellinaboxd's first process). */
  readonly pid: number;
  readonly startTicks: number;
  /** Every process of this instance that is not a session: shellinaboxd's second process. */
  readonly helperPids: readonly number[];
  /** Forked per-connection children and the ipmitool they run. */
  readonly sessionPids: readonly number[];
  /** True when the listener is a zombie (noted, not a live daemon). */
  readonly zombie: boolean;
  /** Whether a socket owned by this instance listens on `port`; null when sockets' owners were not visible. */
  readonly listening: boolean | null;
  /** The host-visible PID and the PID inside the conductor's container, when they differ. */
  readonly containerPid: number | null;
}

/** A session child or `ipmitool ... sol activate` whose listener is gone. */
export interface OrphanSession {
  readonly nodeUuid: string | null;
  readonly pid: number;
  readonly startTicks: number;
  /** The BMC address from ipmitool's `-H`, when visible. */
  readonly bmc: string | null;
  readonly pids: readonly number[];
}

/** A process that looks like a console (socat EXEC ipmitool, shellinaboxd, ipmitool sol) but maps to no node. */
export interface UnmanagedProcess {
  readonly pid: number;
  readonly startTicks: number;
  readonly argv: readonly string[];
  readonly reason: string;
}

/** Everything one probe of one host saw. */
export interface HostObservation {
  /** Inventory name. */
  readonly host: string;
  /** The conductor name Ironic knows this host by (inventory override, else ironic.conf host, else inventory name). */
  readonly conductorName: string;
  /** /proc/sys/kernel/random/boot_id: start ticks are only comparable within one boot. */
  readonly bootId: string;
  /** Effective conductor settings (ironic.conf merged with inventory overrides). */
  readonly settings: ConductorSettings & { readonly pidDir: string; readonly tempdir: string };
  readonly processes: readonly ProcessInfo[];
  /** Listening sockets, compact: look them up by port. */
  readonly listeners: ListenerTable;
  /** Pid and password files in `fileDirs` only; files elsewhere are ignored (a warning counts them). */
  readonly files: readonly HostFile[];
  /** The directories files were taken from: configuration, defaults and the conductor user's consoles. */
  readonly fileDirs: readonly FileDir[];
  /** Who the conductor runs as: only files it owns are ever removed. */
  readonly conductorUser: ConductorUser;
  /** Where files were stat'ed: on the host, or inside the conductor's container (paths and owners as it sees them). */
  readonly filesSeenIn: 'host' | 'container';
  readonly consoles: readonly ConsoleDaemon[];
  readonly orphans: readonly OrphanSession[];
  readonly unmanaged: readonly UnmanagedProcess[];
  /** Graphical consoles: Ironic's console containers (podman, docker) on this host. */
  readonly containers: readonly ConsoleContainer[];
  /**
   * The engines whose containers were listed. A console is called missing only where the
   * engine Ironic's provider uses was listed; an engine not installed, or one that failed,
   * lists nothing, and that is not "no containers".
   */
  readonly containerEngines: readonly ContainerEngine[];
  /** The systemd provider's quadlet files (`/etc/containers/systemd/users/<uid>/…`), stat'ed, never read (they hold BMC credentials). */
  readonly quadlets: readonly QuadletFile[];
  /** The `ironic-console-*` units of each user with a quadlet directory. */
  readonly userUnits: readonly UserUnit[];
  /** Users whose units were listed whole (uids): only there is a unit called absent. */
  readonly userManagers: readonly number[];
  /** Users whose rootless podman was listed (uids): only there is a rootless container called absent. */
  readonly podmanUsers: readonly number[];
  /** Whether the probe ran with root privileges (sockets' owners and others' files visible). */
  readonly privileged: boolean;
  /** Things the probe could not do, each one line (e.g. "ss missing: used /proc/net/tcp"). */
  readonly warnings: readonly string[];
}

export const CONTAINER_ENGINES = ['podman', 'docker'] as const;
export type ContainerEngine = (typeof CONTAINER_ENGINES)[number];

/** One published port: `127.0.0.1:43615->5900/tcp`. */
export interface PublishedPort {
  readonly address: string;
  readonly hostPort: number;
  readonly containerPort: number;
}

/** A container of Ironic's console provider (parse-containers.ts), by its labels or, failing them, its name. */
export interface ConsoleContainer {
  readonly engine: ContainerEngine;
  /** The user whose rootless engine runs it (the systemd provider's), null for root's engine. */
  readonly uid: number | null;
  /** `systemd` for a quadlet's `systemd-ironic-console-<uuid>`, else `container`. */
  readonly provider: 'container' | 'systemd';
  /** The full id (`--no-trunc`): what a removal re-checks before `rm --force`. */
  readonly id: string;
  readonly name: string;
  /** running, exited, created, paused, …: as the engine says. */
  readonly state: string;
  /** `org.openstack.ironic.console=true`. */
  readonly labelled: boolean;
  /** `org.openstack.ironic.conductor`: the `[DEFAULT]host` of the conductor that started it. */
  readonly conductor: string | null;
  /** `org.openstack.ironic.node`, when it is a UUID. Only such a container is ever stopped. */
  readonly nodeUuid: string | null;
  /** The UUID in an `ironic-console-<uuid>` name, for a container whose labels are missing. */
  readonly nameUuid: string | null;
  readonly ports: readonly PublishedPort[];
}

/** A quadlet file of Ironic's systemd provider: `ironic-console-<uuid>.container`. */
export interface QuadletFile {
  readonly path: string;
  /** The uid of the directory it is in (`users/<uid>/`): whose user manager runs it. */
  readonly dirUid: number;
  readonly nodeUuid: string;
  readonly device: number;
  readonly inode: number;
  readonly type: 'regular' | 'symlink' | 'other';
  readonly uid: number;
  readonly owner: string;
  readonly mtime: number;
}

/** A user unit `ironic-console-<uuid>.service`, from `systemctl --user -M <user>@ list-units --all`. */
export interface UserUnit {
  readonly uid: number;
  readonly user: string;
  readonly name: string;
  readonly nodeUuid: string;
  /** loaded, not-found (its quadlet file is gone), … */
  readonly load: string;
  /** active, inactive, failed, … */
  readonly active: string;
  readonly sub: string;
}

/** The outcome of observing one host. */
export type HostScan =
  | { readonly host: string; readonly ok: true; readonly observation: HostObservation; readonly durationMs: number }
  | { readonly host: string; readonly ok: false; readonly error: string; readonly errorKind: 'auth' | 'unreachable' | 'config' | 'internal'; readonly durationMs: number };
