/**
 * Writes each action's intent before it runs and its outcome after, to the audit store
 * and as events, exactly once per action, even when a host timed out and its hung
 * command answers later.
 */
import type { AuditStore } from '../record/types.js';
import type { Action } from '../plan/types.js';
import type { ActionOutcome, ApplyEvent } from './types.js';

export type OutcomeBody = Omit<ActionOutcome, 'actionId' | 'durationMs'>;

export class ActionJournal {
  private readonly outcomes = new Map<string, ActionOutcome>();
  private readonly started = new Map<string, { intentId: number | undefined; at: number }>();

  constructor(
    private readonly audit: Pick<AuditStore, 'recordIntent' | 'recordOutcome'> | undefined,
    private readonly runId: number | undefined,
    private readonly onEvent: ((event: ApplyEvent) => void) | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records the intent; call before anything is done. */
  begin(action: Action): void {
    const intentId = this.audit?.recordIntent(this.runId ?? 0, action);
    this.started.set(action.id, { intentId, at: this.now() });
    this.onEvent?.({ type: 'action-start', action });
  }

  /** Records the outcome; the first one wins. An action never begun gets its intent first. */
  finish(action: Action, body: OutcomeBody): void {
    if (this.outcomes.has(action.id)) return;
    if (!this.started.has(action.id)) this.begin(action);
    const start = this.started.get(action.id);
    const outcome: ActionOutcome = { actionId: action.id, ...body, durationMs: this.now() - (start?.at ?? this.now()) };
    this.outcomes.set(action.id, outcome);
    if (start?.intentId !== undefined) this.audit?.recordOutcome(start.intentId, outcome);
    this.onEvent?.({ type: 'action-done', action, outcome });
  }

  isBegun(actionId: string): boolean {
    return this.started.has(actionId);
  }

  has(actionId: string): boolean {
    return this.outcomes.has(actionId);
  }

  outcome(actionId: string): ActionOutcome | undefined {
    return this.outcomes.get(actionId);
  }
}
