/**
 * A saved plan is re-checked against a fresh scan before anything is done (a controller
 * is level-based): an action stays only while the finding that called for it still holds.
 */
import type { Finding, FleetReport } from '../compare/types.js';
import { assertNever } from '../errors.js';
import type { Action, KillAction, Plan } from './types.js';

export interface DroppedAction {
  readonly action: Action;
  readonly reason: string;
}

export function revalidatePlan(plan: Plan, freshReport: FleetReport): { plan: Plan; dropped: DroppedAction[] } {
  const kept: Action[] = [];
  const dropped: DroppedAction[] = [];
  for (const action of plan.actions) {
    const reason = whyStale(action, freshReport.findings);
    if (reason === null) kept.push(action);
    else dropped.push({ action, reason });
  }
  return { plan: { ...plan, actions: kept }, dropped };
}

/** Null when a fresh finding still calls for the action, else why it no longer does. */
function whyStale(action: Action, findings: readonly Finding[]): string | null {
  const same = findings.filter(
    (f) => f.kind === action.findingKind && f.host === action.host && f.nodeUuid === action.nodeUuid,
  );
  if (same.length === 0) return `the ${action.findingKind} finding is gone from a fresh scan`;
  switch (action.kind) {
    case 'kill':
      return killStale(action, same);
    case 'remove-file':
      return same.some((f) => f.paths.includes(action.path)) ? null : `${action.path} is no longer reported`;
    case 'restart':
    case 'report':
      return null;
    default:
      return assertNever(action, 'action');
  }
}

/**
 * The listener must be the very same process (pid and start time), and no pid the action
 * targets may have been reused. Sessions that ended or began since are fine: the kill
 * re-checks each pid and re-lists the listener's children on the host.
 */
function killStale(action: KillAction, findings: readonly Finding[]): string | null {
  const listener = action.processes[0];
  if (listener === undefined) return 'the kill names no process';
  let reason = `listener ${listener.pid} is no longer reported`;
  for (const finding of findings) {
    const fresh = finding.processes.find((p) => p.pid === listener.pid);
    if (fresh === undefined) continue;
    if (fresh.startTicks !== listener.startTicks) {
      reason = `pid ${listener.pid} was reused (start time ${listener.startTicks} → ${fresh.startTicks})`;
      continue;
    }
    const reused = action.processes.find((p) =>
      finding.processes.some((q) => q.pid === p.pid && q.startTicks !== p.startTicks),
    );
    if (reused !== undefined) {
      reason = `pid ${reused.pid} was reused`;
      continue;
    }
    return null;
  }
  return reason;
}
