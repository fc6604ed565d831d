/**
 * plan: a pure function from findings and policy to a Plan, a plain value that can be
 * printed, saved and applied later. Decides what to do and in which order; runs nothing.
 */
import type { Finding, FleetReport } from '../compare/types.js';
import type { DesiredState } from '../desire/types.js';
import type { HostScan } from '../observe/types.js';
import { actionForFinding } from './finding-to-action.js';
import { unmetDependency } from './host-dependencies.js';
import type { Action, ActionKind, Plan, PlanPolicy, Refusal } from './types.js';

/** @2: processes carry argv as an array and a uid, kills a `runAs`, the plan its Ironic endpoint. */
export const PLAN_SCHEMA = 'console-doctor/plan@2';

export const DEFAULT_POLICY: PlanPolicy = {
  force: false,
  maxKillShare: 0.5,
  minKillsForShareCheck: 2,
  maxKills: undefined,
};

export interface PlanContext {
  readonly scans: readonly HostScan[];
  readonly desired: DesiredState;
  /** False when the node or conductor list could not be read whole: then nothing is planned. */
  readonly desiredComplete: boolean;
  /** The plan's createdAt (ISO 8601); defaults to when the desired state was read, keeping this pure. */
  readonly now?: string;
}

/**
 * Kills and container stops first (they free the port and the BMC's console session),
 * then file removals (a leftover lock file stops a new socat), then restarts, then reports.
 */
const KIND_ORDER: Record<ActionKind, number> = { kill: 0, 'stop-container': 0, 'remove-file': 1, restart: 2, report: 3 };

export function planFixes(report: FleetReport, context: PlanContext, policy: PlanPolicy = DEFAULT_POLICY): Plan {
  const createdAt = context.now ?? context.desired.readAt;
  if (!context.desiredComplete) {
    const refusal: Refusal = {
      reason: 'incomplete-desired-state',
      message: 'Ironic could not be read whole: no fix is planned on partial knowledge',
    };
    return { schema: PLAN_SCHEMA, createdAt, endpoint: context.desired.endpoint, actions: [], skipped: [], refusal };
  }

  const built: Action[] = [];
  const skipped: { findingId: string; reason: string }[] = [];
  const killedListeners = new Map<string, string>();
  const conflicts = portConflictsByNode(report);
  for (const finding of report.findings) {
    const unmet = unmetDependency(finding, context);
    if (unmet !== null) {
      skipped.push({ findingId: finding.id, reason: unmet });
      continue;
    }
    const result = actionForFinding(finding, context);
    if ('skip' in result) {
      skipped.push({ findingId: finding.id, reason: result.skip });
      continue;
    }
    const conflict = result.action.kind === 'restart' ? conflicts.get(result.action.nodeUuid) : undefined;
    if (conflict !== undefined) {
      // The new daemon could not bind, and Ironic answers a failed start by disabling the console.
      skipped.push({ findingId: finding.id, reason: `not restarted: ${conflict.message} (${conflict.id}); a restart would fail and Ironic would disable the console` });
      continue;
    }
    if (result.action.kind === 'stop-container') {
      const key = `${result.action.host}:${result.action.container?.id ?? result.action.quadlet?.unit ?? ''}`;
      const first = killedListeners.get(key);
      if (first !== undefined) {
        skipped.push({ findingId: finding.id, reason: `same container as ${first}` });
        continue;
      }
      killedListeners.set(key, finding.id);
    }
    if (result.action.kind === 'kill') {
      // Two findings about one daemon (e.g. duplicate and wrong-host) make one kill.
      const key = `${result.action.host}:${result.action.processes[0]?.pid ?? ''}`;
      const first = killedListeners.get(key);
      if (first !== undefined) {
        skipped.push({ findingId: finding.id, reason: `same process as ${first}` });
        continue;
      }
      killedListeners.set(key, finding.id);
    }
    built.push(result.action);
  }

  const actions = [...built].sort(compareActions).map((action, index) => ({ ...action, id: `a${index + 1}` }));
  const refusal = refusalFor(actions, context.scans, policy);
  return { schema: PLAN_SCHEMA, createdAt, endpoint: context.desired.endpoint, actions, skipped, refusal };
}

/** Nodes whose expected port is held by something that is not their console. */
function portConflictsByNode(report: FleetReport): Map<string, Finding> {
  return new Map(
    report.findings.flatMap((f) => (f.kind === 'port-conflict' && f.nodeUuid !== null ? [[f.nodeUuid, f] as const] : [])),
  );
}

function compareActions(a: Action, b: Action): number {
  return (
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    compareText(a.host ?? '', b.host ?? '') ||
    compareText(a.nodeUuid ?? '', b.nodeUuid ?? '') ||
    compareText(a.findingId, b.findingId)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Consoles seen across every host scanned whole: daemon instances and running console containers. */
function countDaemons(scans: readonly HostScan[]): number {
  return scans.reduce(
    (sum, scan) => sum + (scan.ok ? scan.observation.consoles.length + scan.observation.containers.filter((c) => c.state === 'running').length : 0),
    0,
  );
}

/**
 * A tool pointed at the wrong cloud sees every daemon as unknown: a plan that would end
 * an implausible share of what it saw is refused unless forced. Orphan sessions are
 * not daemons, so they count towards `maxKills` only. Applied to every plan that is
 * about to run: a fresh one, and what is kept of a saved one.
 */
export function refusalFor(actions: readonly Action[], scans: readonly HostScan[], policy: PlanPolicy): Refusal | null {
  return refuse(actions, countDaemons(scans), policy);
}

function refuse(actions: readonly Action[], daemonsSeen: number, policy: PlanPolicy): Refusal | null {
  // Stopping a console container ends a console as a kill does: both count.
  const kills = actions.filter((a) => a.kind === 'kill' || a.kind === 'stop-container');
  const daemonKills = kills.filter((a) => a.findingKind !== 'orphan-session').length;
  if (!policy.force && daemonKills > policy.minKillsForShareCheck && daemonKills > policy.maxKillShare * daemonsSeen) {
    const percent = Math.round(policy.maxKillShare * 100);
    return {
      reason: 'implausible-kill-share',
      message: `the plan would end ${daemonKills} of ${daemonsSeen} consoles seen (more than ${percent}%): is this the right cloud? --force overrides`,
    };
  }
  if (policy.maxKills !== undefined && kills.length > policy.maxKills) {
    return {
      reason: 'max-kills',
      message: `the plan would end ${kills.length} consoles (process trees and containers), more than the limit of ${policy.maxKills}`,
    };
  }
  return null;
}
