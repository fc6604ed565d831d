/**
 * The audit trail in SQLite: the only module (with its siblings in src/record) that
 * imports better-sqlite3. Writes are synchronous and each is committed before the call
 * returns, so an intent is on disk before its action runs.
 */
import { Database, type SqliteDatabase } from './sqlite.js';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type { ActionOutcome } from '../apply/types.js';
import type { Finding } from '../compare/types.js';
import { ConfigError, InternalError, LockError, describeError } from '../errors.js';
import type { HostScan } from '../observe/types.js';
import type { Action } from '../plan/types.js';
import { createHistoryQueries } from './history-queries.js';
import type { HistoryQueries } from './history-types.js';
import { migrate } from './migrations.js';
import { currentProcessIdentity, localProcessProbe, type ProcessProbe } from './process-identity.js';
import { redactArgv, redactText } from '../redact-secrets.js';
import type { AuditStore, RunStart } from './types.js';

export { defaultAuditPath } from './default-audit-path.js';

export interface AuditStoreOptions {
  readonly now?: () => Date;
  /** How to tell whether a run's process still runs; the local /proc by default. */
  readonly probe?: ProcessProbe;
  /** How long to wait for another writer, in ms (SQLite busy_timeout). */
  readonly busyTimeoutMs?: number;
}

export class SqliteAuditStore implements AuditStore {
  readonly path: string;
  private readonly db: SqliteDatabase;
  private readonly now: () => Date;
  private readonly probe: ProcessProbe;

  constructor(db: SqliteDatabase, path: string, options: AuditStoreOptions = {}) {
    this.db = db;
    this.path = path;
    this.now = options.now ?? (() => new Date());
    this.probe = options.probe ?? localProcessProbe();
  }

  startRun(run: RunStart): number {
    const self = currentProcessIdentity(this.probe);
    const result = this.write('start a run', () =>
      this.db
        .prepare(
          `INSERT INTO runs (command, argv_json, user, client_host, version, started_at, pid, proc_start_ticks, boot_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(run.command, JSON.stringify(redactArgv(run.argv)), run.user, run.clientHost, run.version,
          isoTimestamp(run.startedAt, 'startedAt'), self.pid, self.startTicks, self.bootId),
    );
    return Number(result.lastInsertRowid);
  }

  recordHostScans(runId: number, scans: readonly HostScan[]): void {
    const insert = this.db.prepare(
      `INSERT INTO host_results (run_id, host, ok, error, error_kind, duration_ms, conductor, consoles, boot_id, containers)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertAll = this.db.transaction((rows: readonly HostScan[]) => {
      for (const scan of rows) {
        if (scan.ok) {
          const o = scan.observation;
          const containers = o.containers.filter((c) => c.state === 'running').length;
          insert.run(runId, scan.host, 1, null, null, Math.round(scan.durationMs), o.conductorName, o.consoles.length, o.bootId, containers);
        } else {
          insert.run(runId, scan.host, 0, redactText(scan.error), scan.errorKind, Math.round(scan.durationMs), null, null, null, null);
        }
      }
    });
    this.write('record host results', () => insertAll(scans));
  }

  recordFindings(runId: number, findings: readonly Finding[]): void {
    const insert = this.db.prepare(
      `INSERT INTO findings (run_id, finding_id, kind, severity, host, node_uuid, node_name, port, message, evidence_json, remedy, console)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertAll = this.db.transaction((rows: readonly Finding[]) => {
      for (const f of rows) {
        insert.run(runId, f.id, f.kind, f.severity, f.host, f.nodeUuid, f.nodeName, f.port,
          redactText(f.message), JSON.stringify(f.evidence.map(redactText)), f.remedy, f.graphical === undefined ? 'serial' : 'graphical');
      }
    });
    this.write('record findings', () => insertAll(findings));
  }

  recordIntent(runId: number, action: Action): number {
    const result = this.write('record an intended action', () =>
      this.db
        .prepare(
          `INSERT INTO actions (run_id, action_id, kind, host, node_uuid, detail_json, intent_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(runId, action.id, action.kind, action.host, action.nodeUuid,
          JSON.stringify(redactStrings(action)), this.now().toISOString()),
    );
    return Number(result.lastInsertRowid);
  }

  recordOutcome(intentId: number, outcome: ActionOutcome): void {
    const result = this.write('record an action outcome', () =>
      this.db
        .prepare(
          `UPDATE actions SET outcome_at = ?, status = ?, outcome_detail = ?, killed_json = ?
           WHERE id = ? AND outcome_at IS NULL`,
        )
        .run(this.now().toISOString(), outcome.status, redactText(outcome.detail),
          JSON.stringify(outcome.killed), intentId),
    );
    if (result.changes !== 1) {
      throw new InternalError(`audit database ${this.path}: no open intent ${intentId} for action ${outcome.actionId}`);
    }
  }

  finishRun(runId: number, exitCode: number, summary: string): void {
    const result = this.write('finish a run', () =>
      this.db
        .prepare('UPDATE runs SET finished_at = ?, exit_code = ?, summary = ? WHERE id = ? AND finished_at IS NULL')
        .run(this.now().toISOString(), exitCode, redactText(summary), runId),
    );
    if (result.changes !== 1) {
      throw new InternalError(`audit database ${this.path}: run ${runId} does not exist or is already finished`);
    }
  }

  /** Read side for `console-doctor history`, on the same connection. */
  history(): HistoryQueries {
    return createHistoryQueries(this.db, this.probe);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** One clear line naming the database and the step; a busy database is a lock problem. */
  private write<T>(what: string, work: () => T): T {
    try {
      return work();
    } catch (error) {
      if (error instanceof InternalError) throw error;
      const code = (error as { code?: unknown }).code;
      const message = `audit database ${this.path}: cannot ${what}: ${describeError(error)}`;
      if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') throw new LockError(message, { cause: error });
      throw new InternalError(message, { cause: error });
    }
  }
}

/**
 * Opens (creating if needed) the audit database at `path`: parent directories 0700,
 * the file 0600 (SQLite gives the -wal and -shm files the same mode), WAL journal,
 * a busy timeout so a concurrent `scan` waits instead of failing, foreign keys on,
 * and the schema migrated to the latest version.
 */
export function openAuditStore(path: string, options: AuditStoreOptions = {}): SqliteAuditStore {
  let db: SqliteDatabase | undefined;
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // 'a' creates without truncating; the mode applies only when the file is new.
    closeSync(openSync(path, 'a', 0o600));
    db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
    db.pragma('foreign_keys = ON');
    // FULL: an intent must survive a power cut too, not only a crash of this process.
    db.pragma('synchronous = FULL');
    migrate(db, path);
    return new SqliteAuditStore(db, path, options);
  } catch (error) {
    db?.close();
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`audit database ${path}: cannot open: ${describeError(error)}`, { cause: error });
  }
}

function isoTimestamp(value: string, field: string): string {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new InternalError(`run ${field} is not a timestamp: ${JSON.stringify(value)}`);
  return time.toISOString();
}

/** A copy of a JSON-like value with every string passed through the command-line redaction. */
function redactStrings(value: unknown): unknown {
  if (typeof value === 'string') return redactText(value);
  if (Array.isArray(value)) return value.map(redactStrings);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, redactStrings(inner)]));
  }
  return value;
}
