import type { ActionOutcome } from '../apply/types.js';
import type { Finding } from '../compare/types.js';
import type { HostScan } from '../observe/types.js';
import type { Action } from '../plan/types.js';

export type RunCommand = 'scan' | 'fix';

export interface RunStart {
  readonly command: RunCommand;
  /** Argv with secrets already redacted. */
  readonly argv: readonly string[];
  readonly user: string;
  readonly clientHost: string;
  readonly version: string;
  readonly startedAt: string;
}

/**
 * The append-only audit trail. Only src/record imports better-sqlite3; everything
 * else sees this interface. Intents are written before an action runs and outcomes
 * after, so a crash leaves intents without outcomes (shown as "interrupted").
 */
export interface AuditStore {
  startRun(run: RunStart): number;
  recordHostScans(runId: number, scans: readonly HostScan[]): void;
  recordFindings(runId: number, findings: readonly Finding[]): void;
  /** Returns the intent's id. */
  recordIntent(runId: number, action: Action): number;
  recordOutcome(intentId: number, outcome: ActionOutcome): void;
  finishRun(runId: number, exitCode: number, summary: string): void;
  close(): void;
}

/** Who holds the fix lock. */
export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: string;
}
