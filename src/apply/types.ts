import type { Action } from '../plan/types.js';

/** How one action ended. `skipped` means a safety check said no (e.g. the pid was reused). */
export type ActionStatus = 'done' | 'skipped' | 'failed';

export interface ActionOutcome {
  readonly actionId: string;
  readonly status: ActionStatus;
  /** One line: what happened, or why it was skipped or failed. */
  readonly detail: string;
  /** Pids confirmed gone (kills). */
  readonly killed: readonly number[];
  readonly durationMs: number;
}

/** Progress of `applyPlan`, for the UI and the audit trail. */
export type ApplyEvent =
  | { readonly type: 'action-start'; readonly action: Action }
  | { readonly type: 'action-done'; readonly action: Action; readonly outcome: ActionOutcome };
