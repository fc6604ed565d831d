/**
 * What `console-doctor history` reads back from the audit trail. Plain values:
 * the renderers in src/report/history-text.ts need no database.
 */
import type { ActionStatus } from '../apply/types.js';
import type { RunCommand } from './types.js';

/** `running`: no finish yet and its process may still run; `interrupted`: no finish and its process is gone. */
export type RunStatus = 'running' | 'finished' | 'interrupted';

export interface RunRecord {
  readonly id: number;
  readonly command: RunCommand;
  readonly argv: readonly string[];
  readonly user: string;
  readonly clientHost: string;
  readonly version: string;
  readonly pid: number | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly exitCode: number | null;
  readonly summary: string | null;
  readonly status: RunStatus;
}

export interface HostResultRecord {
  readonly host: string;
  readonly ok: boolean;
  readonly error: string | null;
  readonly errorKind: string | null;
  readonly durationMs: number;
  readonly conductor: string | null;
  readonly consoles: number | null;
  readonly bootId: string | null;
  /** Running console containers (graphical consoles); null before schema version 3 and for hosts not scanned. */
  readonly containers: number | null;
}

export interface FindingRecord {
  readonly runId: number;
  readonly findingId: string;
  readonly kind: string;
  readonly severity: string;
  readonly host: string | null;
  readonly nodeUuid: string | null;
  readonly nodeName: string | null;
  readonly port: number | null;
  readonly message: string;
  readonly evidence: readonly string[];
  readonly remedy: string;
  /** Which console the finding is about (rows before schema version 3: serial). */
  readonly console: 'serial' | 'graphical';
}

/**
 * `pending`: intent recorded, the run still going; `interrupted`: intent recorded but the
 * run finished or died without an outcome, so nobody knows whether it happened.
 */
export type ActionRecordStatus = ActionStatus | 'pending' | 'interrupted';

export interface ActionRecord {
  readonly id: number;
  readonly runId: number;
  readonly actionId: string;
  readonly kind: string;
  readonly host: string | null;
  readonly nodeUuid: string | null;
  /** The planned action as recorded (JSON). */
  readonly detail: unknown;
  readonly intentAt: string;
  readonly outcomeAt: string | null;
  readonly status: ActionRecordStatus;
  readonly outcomeDetail: string | null;
  readonly killed: readonly number[];
}

export interface RunDetail {
  readonly run: RunRecord;
  readonly hosts: readonly HostResultRecord[];
  readonly findings: readonly FindingRecord[];
  readonly actions: readonly ActionRecord[];
}

export type TimelineEntry =
  | { readonly type: 'finding'; readonly at: string; readonly runId: number; readonly command: RunCommand; readonly finding: FindingRecord }
  | { readonly type: 'action'; readonly at: string; readonly runId: number; readonly command: RunCommand; readonly action: ActionRecord };

export interface NodeTimeline {
  /** What the operator asked for: a UUID or a name. */
  readonly node: string;
  readonly entries: readonly TimelineEntry[];
}

export interface PruneResult {
  readonly runs: number;
  readonly hostResults: number;
  readonly findings: number;
  readonly actions: number;
}

export interface HistoryQueries {
  listRuns(options: { readonly limit: number; readonly command?: RunCommand }): RunRecord[];
  /** Null when there is no run with this id. */
  showRun(id: number): RunDetail | null;
  nodeTimeline(uuidOrName: string): NodeTimeline;
  /** Deletes runs started before `now - olderThanMs` that are not running, with their rows. */
  prune(options: { readonly olderThanMs: number; readonly now: Date }): PruneResult;
}
