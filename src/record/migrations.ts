/**
 * The audit database's schema as an ordered list of steps; `PRAGMA user_version` says
 * how many have run. Steps are only ever appended: a released step is never edited.
 */
import type { SqliteDatabase } from './sqlite.js';
import { ConfigError } from '../errors.js';

export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'initial schema: runs, host results, findings, actions',
    sql: `
      CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        command TEXT NOT NULL CHECK (command IN ('scan', 'fix')),
        argv_json TEXT NOT NULL,
        user TEXT NOT NULL,
        client_host TEXT NOT NULL,
        version TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        exit_code INTEGER,
        summary TEXT
      );
      CREATE TABLE host_results (
        run_id INTEGER NOT NULL REFERENCES runs (id),
        host TEXT NOT NULL,
        ok INTEGER NOT NULL CHECK (ok IN (0, 1)),
        error TEXT,
        error_kind TEXT,
        duration_ms INTEGER NOT NULL,
        conductor TEXT,
        consoles INTEGER,
        boot_id TEXT
      );
      CREATE INDEX host_results_run ON host_results (run_id);
      CREATE TABLE findings (
        run_id INTEGER NOT NULL REFERENCES runs (id),
        finding_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        severity TEXT NOT NULL,
        host TEXT,
        node_uuid TEXT,
        node_name TEXT,
        port INTEGER,
        message TEXT NOT NULL,
        evidence_json TEXT NOT NULL,
        remedy TEXT NOT NULL
      );
      CREATE INDEX findings_run ON findings (run_id);
      CREATE TABLE actions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER NOT NULL REFERENCES runs (id),
        action_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        host TEXT,
        node_uuid TEXT,
        detail_json TEXT NOT NULL,
        intent_at TEXT NOT NULL,
        outcome_at TEXT,
        status TEXT CHECK (status IN ('done', 'skipped', 'failed')),
        outcome_detail TEXT,
        killed_json TEXT
      );
      CREATE INDEX actions_run ON actions (run_id);

      -- Append-only, enforced by the database itself: a run is finished once, an
      -- action gets its outcome once, nothing else ever changes.
      CREATE TRIGGER runs_finish_once BEFORE UPDATE ON runs
      WHEN OLD.finished_at IS NOT NULL
        OR NEW.id IS NOT OLD.id OR NEW.command IS NOT OLD.command OR NEW.argv_json IS NOT OLD.argv_json
        OR NEW.user IS NOT OLD.user OR NEW.client_host IS NOT OLD.client_host
        OR NEW.version IS NOT OLD.version OR NEW.started_at IS NOT OLD.started_at
      BEGIN SELECT RAISE(ABORT, 'audit trail is append-only: a run is finished once'); END;
      CREATE TRIGGER actions_outcome_once BEFORE UPDATE ON actions
      WHEN OLD.outcome_at IS NOT NULL
        OR NEW.id IS NOT OLD.id OR NEW.run_id IS NOT OLD.run_id OR NEW.action_id IS NOT OLD.action_id
        OR NEW.kind IS NOT OLD.kind OR NEW.host IS NOT OLD.host OR NEW.node_uuid IS NOT OLD.node_uuid
        OR NEW.detail_json IS NOT OLD.detail_json OR NEW.intent_at IS NOT OLD.intent_at
      BEGIN SELECT RAISE(ABORT, 'audit trail is append-only: an action gets its outcome once'); END;
      CREATE TRIGGER host_results_append_only BEFORE UPDATE ON host_results
      BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;
      CREATE TRIGGER findings_append_only BEFORE UPDATE ON findings
      BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;
    `,
  },
  {
    version: 2,
    description: 'who ran each run (pid, process start, boot id) and per-node indexes for the timeline',
    sql: `
      -- An unfinished run whose process is gone is "interrupted"; the pid alone could be reused.
      ALTER TABLE runs ADD COLUMN pid INTEGER;
      ALTER TABLE runs ADD COLUMN proc_start_ticks INTEGER;
      ALTER TABLE runs ADD COLUMN boot_id TEXT;
      CREATE INDEX runs_started_at ON runs (started_at);
      CREATE INDEX findings_node_uuid ON findings (node_uuid);
      CREATE INDEX findings_node_name ON findings (node_name);
      CREATE INDEX actions_node_uuid ON actions (node_uuid);
    `,
  },
  {
    version: 3,
    description: 'graphical consoles: which console a finding is about, and the console containers each host ran',
    sql: `
      -- NULL on rows written before: those were all serial consoles.
      ALTER TABLE findings ADD COLUMN console TEXT CHECK (console IN ('serial', 'graphical'));
      ALTER TABLE host_results ADD COLUMN containers INTEGER;
    `,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersion(db: SqliteDatabase): number {
  return Number(db.pragma('user_version', { simple: true }));
}

/**
 * Runs the steps after the database's version up to `target`, each in its own
 * IMMEDIATE transaction so two processes opening a fresh database do not both migrate.
 * Returns the versions before and after.
 */
export function migrate(
  db: SqliteDatabase,
  where: string,
  target: number = LATEST_SCHEMA_VERSION,
): { readonly from: number; readonly to: number } {
  const from = schemaVersion(db);
  if (from > LATEST_SCHEMA_VERSION) {
    throw new ConfigError(
      `${where}: audit database has schema version ${from}, newer than this console-doctor knows (${LATEST_SCHEMA_VERSION}); upgrade console-doctor`,
    );
  }
  for (const migration of MIGRATIONS) {
    if (migration.version > target) break;
    const step = db.transaction(() => {
      if (schemaVersion(db) >= migration.version) return;
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    });
    step.immediate();
  }
  return { from, to: schemaVersion(db) };
}
