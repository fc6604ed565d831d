/**
 * A saved plan is a proposal, not an order (a controller is level-based): applying it
 * re-plans from a fresh scan, keeps a saved action only where the fresh plan holds the
 * same action, and applies every policy again to what is kept. Pure.
 */
import type { ProcessRef } from '../compare/types.js';
import { ConfigError, assertNever } from '../errors.js';
import type { HostScan } from '../observe/types.js';
import { refusalFor } from './plan-fixes.js';
import type { Action, KillAction, Plan, PlanPolicy } from './types.js';

export interface DroppedAction {
  readonly action: Action;
  readonly reason: string;
}

export interface SavedPlanCheck {
  /** The plan made now from the fresh scan (planFixes on the fresh report). */
  readonly fresh: Plan;
  readonly scans: readonly HostScan[];
  readonly policy: PlanPolicy;
}

const endpointKey = (url: string): string => url.replace(/\/+$/, '');

/**
 * The saved actions the fresh plan confirms, with the policy (`--max-kills`, the half-fleet
 * guard, `--force`) applied again; the rest dropped, each with why. A plan made against
 * another Ironic endpoint is refused as a whole (ConfigError), and so is one whose fresh
 * plan could not be made on whole knowledge.
 */
export function revalidatePlan(saved: Plan, check: SavedPlanCheck): { plan: Plan; dropped: DroppedAction[] } {
  if (endpointKey(saved.endpoint) !== endpointKey(check.fresh.endpoint)) {
    throw new ConfigError(`saved plan was made against Ironic ${saved.endpoint}, but this run reads ${check.fresh.endpoint}; nothing was changed`);
  }
  const kept: Action[] = [];
  const dropped: DroppedAction[] = [];
  for (const action of saved.actions) {
    const reason = whyNotConfirmed(action, check.fresh.actions);
    if (reason === null) kept.push(action);
    else dropped.push({ action, reason });
  }
  const freshRefusal = check.fresh.refusal?.reason === 'incomplete-desired-state' ? check.fresh.refusal : null;
  const refusal = freshRefusal ?? refusalFor(kept, check.scans, check.policy);
  return { plan: { ...saved, actions: kept, skipped: [], refusal }, dropped };
}

/** Null when the fresh plan holds the same action, else why it does not. */
function whyNotConfirmed(action: Action, fresh: readonly Action[]): string | null {
  const candidates = fresh.filter(
    (f) => f.kind === action.kind && f.host === action.host && f.nodeUuid === action.nodeUuid && f.findingKind === action.findingKind,
  );
  if (candidates.length === 0) return `a fresh scan calls for no ${action.kind} (${action.findingKind}) of this node on ${action.host ?? 'any host'}`;
  const reasons = candidates.map((candidate) => difference(action, candidate));
  return reasons.includes(null) ? null : (reasons[0] ?? null);
}

/** Null when `fresh` is the same action as `saved`; else the first difference. */
function difference(saved: Action, fresh: Action): string | null {
  switch (saved.kind) {
    case 'kill':
      return fresh.kind === 'kill' ? killDifference(saved, fresh) : 'another kind of action';
    case 'remove-file':
    case 'stop-container':
    case 'restart':
    case 'report':
      // Every field but the ids must match (for removals: the same file, as the fresh scan saw it).
      return canonical(saved) === canonical(fresh) ? null : `the fresh plan's ${saved.kind} differs (${changedFields(saved, fresh).join(', ')})`;
    default:
      return assertNever(saved, 'action');
  }
}

/**
 * The same kill: the same listener (pid, start time, uid, argv), the same pid file and
 * user, and every other process the saved action names present in the fresh one with the
 * same identity. Sessions that began since are fine: the kill re-lists the listener's
 * children on the host; a process the fresh scan does not tie to this console is not.
 */
function killDifference(saved: KillAction, fresh: KillAction): string | null {
  if (saved.pidFile !== fresh.pidFile) return `pid file ${saved.pidFile ?? 'none'} is now ${fresh.pidFile ?? 'none'}`;
  if (saved.runAs !== fresh.runAs) return `it would run as ${saved.runAs}, the console is now ${fresh.runAs}'s`;
  const [listener] = saved.processes;
  const [freshListener] = fresh.processes;
  if (listener === undefined) return 'the kill names no process';
  if (freshListener === undefined || !sameProcess(listener, freshListener)) return `listener ${listener.pid} is not the listener a fresh scan sees`;
  const foreign = saved.processes.find((p) => !fresh.processes.some((q) => sameProcess(p, q)));
  if (foreign !== undefined) return `pid ${foreign.pid} is not part of this console in a fresh scan (or is another process now)`;
  return null;
}

function sameProcess(a: ProcessRef, b: ProcessRef): boolean {
  return a.pid === b.pid && a.startTicks === b.startTicks && a.uid === b.uid && a.argv.length === b.argv.length && a.argv.every((arg, i) => arg === b.argv[i]);
}

type Fields = Readonly<Record<string, unknown>>;
const IGNORED = new Set(['id', 'findingId']);

function canonical(action: Action): string {
  const fields = action as unknown as Fields;
  return JSON.stringify(Object.keys(fields).filter((k) => !IGNORED.has(k)).sort().map((k) => [k, fields[k]]));
}

function changedFields(saved: Action, fresh: Action): string[] {
  const a = saved as unknown as Fields;
  const b = fresh as unknown as Fields;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !IGNORED.has(k));
  return keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
}
