/**
 * `applyPlan` for the fix command, so that when it stops for any reason (the audit disk
 * full, a bug, a lost connection) the operator learns which actions had already run.
 * An audit write that fails stops every action not yet begun: nothing runs without its
 * intent on disk.
 */
import { applyPlan, type ApplyDeps } from '../apply/apply-plan.js';
import type { ActionOutcome } from '../apply/types.js';
import type { Action, Plan } from '../plan/types.js';
import type { AuditStore } from '../record/types.js';
import { renderOutcome } from '../report/render-plan.js';
import type { Terminal } from './context.js';

type ActionAudit = Pick<AuditStore, 'recordIntent' | 'recordOutcome'>;

/** Remembers the first audit failure; after it no intent is accepted, and a lost outcome does not stop the journal. */
class LatchingAudit implements ActionAudit {
  failure: unknown = undefined;
  readonly lostOutcomes: string[] = [];
  constructor(private readonly inner: ActionAudit) {}

  recordIntent(runId: number, action: Action): number {
    if (this.failure !== undefined) throw this.failure;
    try {
      return this.inner.recordIntent(runId, action);
    } catch (error) {
      this.failure = error;
      throw error;
    }
  }

  recordOutcome(intentId: number, outcome: ActionOutcome): void {
    try {
      this.inner.recordOutcome(intentId, outcome);
    } catch (error) {
      this.failure ??= error;
      this.lostOutcomes.push(outcome.actionId);
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** Waits for actions that had begun when apply stopped (they answer or hit their own deadline). */
async function settle(running: ReadonlySet<string>, limitMs: number): Promise<void> {
  const until = Date.now() + limitMs;
  while (running.size > 0 && Date.now() < until) await sleep(50);
}

/**
 * Applies the plan; on any failure, waits for the actions already begun, prints what had
 * run (and any outcome the audit trail could not keep), then rethrows. `settleMs` bounds
 * the wait (the host timeout of the apply stage).
 */
export async function applyWithReport(plan: Plan, deps: ApplyDeps, terminal: Terminal, settleMs: number): Promise<ActionOutcome[]> {
  const audit = deps.audit === undefined ? undefined : new LatchingAudit(deps.audit);
  const running = new Set<string>();
  const done: { action: Action; outcome: ActionOutcome }[] = [];
  const onEvent: ApplyDeps['onEvent'] = (event) => {
    if (event.type === 'action-start') running.add(event.action.id);
    else {
      running.delete(event.action.id);
      done.push({ action: event.action, outcome: event.outcome });
    }
    deps.onEvent?.(event);
  };
  let outcomes: ActionOutcome[];
  try {
    outcomes = await applyPlan(plan, { ...deps, audit, onEvent });
  } catch (error) {
    await settle(running, settleMs);
    reportStop(plan, done, running, audit, terminal);
    throw error;
  }
  if (audit?.failure !== undefined) {
    reportStop(plan, done, running, audit, terminal);
    throw audit.failure;
  }
  return outcomes;
}

function reportStop(
  plan: Plan,
  done: readonly { action: Action; outcome: ActionOutcome }[],
  running: ReadonlySet<string>,
  audit: LatchingAudit | undefined,
  terminal: Terminal,
): void {
  const acting = plan.actions.filter((a) => a.kind !== 'report');
  const ran = done.filter((d) => d.action.kind !== 'report');
  terminal.err(`console-doctor: fix stopped: ${ran.length} of ${acting.length} actions had run:`);
  for (const { action, outcome } of ran) terminal.err(`  ${renderOutcome(action, outcome, terminal.style)}`);
  const unfinished = acting.filter((a) => running.has(a.id)).length;
  if (unfinished > 0) terminal.err(`console-doctor: ${unfinished} begun actions did not answer: scan again to see their effect`);
  const notStarted = acting.length - ran.length - unfinished;
  if (notStarted > 0) terminal.err(`console-doctor: ${notStarted} actions were not started`);
  if (audit !== undefined && audit.lostOutcomes.length > 0) {
    terminal.err(`console-doctor: the audit trail could not record the outcome of ${audit.lostOutcomes.length} of them (their intents are recorded)`);
  }
}
