import type { FileIdentity } from '../compare/removable-file.js';
import type { ContainerRef, FindingKind, ProcessRef, QuadletRef } from '../compare/types.js';

/** Kill a console tree on one host, after checking each pid's start time and argv still match. */
export interface KillAction {
  readonly kind: 'kill';
  readonly id: string;
  readonly host: string;
  readonly nodeUuid: string | null;
  /** Listener first, then helpers, sessions and their ipmitool. */
  readonly processes: readonly ProcessRef[];
  /** Pid/lock file to remove afterwards, only if it still names the listener's pid. */
  readonly pidFile: string | null;
  /**
   * The user the kill runs as (`sudo -n -u`): the listener's owner as the scan saw it.
   * Every process in `processes` has the listener's uid; others are left out at plan time.
   */
  readonly runAs: string;
  readonly findingId: string;
  readonly findingKind: FindingKind;
}

/** Remove a stale pid/lock file or a stray credential file. */
export interface RemoveFileAction {
  readonly kind: 'remove-file';
  readonly id: string;
  readonly host: string;
  readonly nodeUuid: string | null;
  readonly path: string;
  /** For pid files: remove only if it still names this pid (null: only if empty/garbage). */
  readonly expectPid: number | null;
  readonly fileKind: 'pid' | 'pw';
  /** The user that owns the file; the removal runs as that user (null or 'root': as root). */
  readonly runAs: string | null;
  /** The file as scanned: the host-side check keeps the file unless it is still this one. */
  readonly expect: FileIdentity;
  readonly findingId: string;
  readonly findingKind: FindingKind;
}

/**
 * Stop a graphical console the way Ironic's provider would. `container` provider: `rm
 * --force` by the id the scan saw, after the host finds that id still carrying the scanned
 * name and Ironic's labels for this node. `systemd` provider (`quadlet` set): stop the
 * user unit, remove the quadlet file if it is still the one scanned, reload the user
 * manager, and remove the container if podman still lists it.
 */
export interface StopContainerAction {
  readonly kind: 'stop-container';
  readonly id: string;
  readonly host: string;
  readonly nodeUuid: string;
  /** The container as scanned; null for a systemd leftover without one. */
  readonly container: ContainerRef | null;
  /** systemd provider only (absent for the `container` provider). */
  readonly quadlet?: QuadletRef;
  readonly findingId: string;
  readonly findingKind: FindingKind;
}

/** Restart a node's console through the Ironic API (disable, wait, enable, wait). */
export interface RestartAction {
  readonly kind: 'restart';
  readonly id: string;
  /** The owner host that should run the console afterwards. */
  readonly host: string;
  readonly nodeUuid: string;
  readonly expectedPort: number | null;
  /** A graphical console: confirmed by its container, not by a listening daemon. Absent for serial consoles. */
  readonly graphical?: true;
  readonly findingId: string;
  readonly findingKind: FindingKind;
}

/** Nothing to do but tell the operator. */
export interface ReportAction {
  readonly kind: 'report';
  readonly id: string;
  readonly host: string | null;
  readonly nodeUuid: string | null;
  readonly reason: string;
  readonly findingId: string;
  readonly findingKind: FindingKind;
}

export type Action = KillAction | RemoveFileAction | StopContainerAction | RestartAction | ReportAction;
export type ActionKind = Action['kind'];

/** Why a plan was refused as a whole. */
export interface Refusal {
  readonly reason: 'incomplete-desired-state' | 'implausible-kill-share' | 'max-kills';
  readonly message: string;
}

/** A plan: a plain value that can be printed, saved as JSON and applied later. */
export interface Plan {
  readonly schema: 'console-doctor/plan@2';
  readonly createdAt: string;
  /** The Ironic endpoint whose answer the plan was made from; a plan is applied only against it. */
  readonly endpoint: string;
  readonly actions: readonly Action[];
  /** Actions left out because they depend on hosts that could not be scanned. */
  readonly skipped: readonly { readonly findingId: string; readonly reason: string }[];
  readonly refusal: Refusal | null;
}

export interface PlanPolicy {
  /** Allow a plan that kills more than `maxKillShare` of the daemons seen. */
  readonly force: boolean;
  /** Refuse when kills / daemons seen exceeds this (default 0.5) and more than `minKillsForShareCheck`. */
  readonly maxKillShare: number;
  readonly minKillsForShareCheck: number;
  /** Refuse a plan with more kills than this (undefined: no cap). */
  readonly maxKills: number | undefined;
}
