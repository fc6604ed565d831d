/**
 * Reading the audit trail back for `console-doctor history`. Status is derived here,
 * never stored: a run without a finish whose process is gone is "interrupted", and so is
 * an intent without an outcome once its run has ended one way or the other.
 */
import type { SqliteDatabase } from './sqlite.js';
import type { ActionStatus } from '../apply/types.js';
import type {
  ActionRecord, FindingRecord, HistoryQueries, HostResultRecord, NodeTimeline, PruneResult, RunRecord, RunStatus, TimelineEntry,
} from './history-types.js';
import { isProcessGone, type ProcessProbe } from './process-identity.js';
import type { RunCommand } from './types.js';

/** A run on another host cannot be probed: without a finish after this long, it is presumed dead. */
export const FOREIGN_RUN_TTL_MS = 6 * 60 * 60 * 1000;

interface RunRow {
  id: number; command: RunCommand; argv_json: string; user: string; client_host: string; version: string;
  started_at: string; finished_at: string | null; exit_code: number | null; summary: string | null;
  pid: number | null; proc_start_ticks: number | null; boot_id: string | null;
}
interface HostRow {
  host: string; ok: number; error: string | null; error_kind: string | null; duration_ms: number;
  conductor: string | null; consoles: number | null; boot_id: string | null; containers: number | null;
}
interface FindingRow {
  run_id: number; finding_id: string; kind: string; severity: string; host: string | null; node_uuid: string | null;
  node_name: string | null; port: number | null; message: string; evidence_json: string; remedy: string;
  console: 'serial' | 'graphical' | null;
}
interface ActionRow {
  id: number; run_id: number; action_id: string; kind: string; host: string | null; node_uuid: string | null;
  detail_json: string; intent_at: string; outcome_at: string | null; status: ActionStatus | null;
  outcome_detail: string | null; killed_json: string | null;
}

export function runStatus(row: RunRow, probe: ProcessProbe, now: Date): RunStatus {
  if (row.finished_at !== null) return 'finished';
  if (row.client_host !== probe.host) {
    return now.getTime() - Date.parse(row.started_at) > FOREIGN_RUN_TTL_MS ? 'interrupted' : 'running';
  }
  // A run recorded before schema version 2 has no pid: it cannot still be running this code.
  if (row.pid === null) return 'interrupted';
  const gone = isProcessGone(
    { pid: row.pid, host: row.client_host, startTicks: row.proc_start_ticks, bootId: row.boot_id },
    probe,
  );
  return gone ? 'interrupted' : 'running';
}

function toRun(row: RunRow, status: RunStatus): RunRecord {
  return {
    id: row.id, command: row.command, argv: JSON.parse(row.argv_json) as string[], user: row.user,
    clientHost: row.client_host, version: row.version, pid: row.pid, startedAt: row.started_at,
    finishedAt: row.finished_at, exitCode: row.exit_code, summary: row.summary, status,
  };
}

function toHost(row: HostRow): HostResultRecord {
  return {
    host: row.host, ok: row.ok === 1, error: row.error, errorKind: row.error_kind, durationMs: row.duration_ms,
    conductor: row.conductor, consoles: row.consoles, bootId: row.boot_id, containers: row.containers,
  };
}

function toFinding(row: FindingRow): FindingRecord {
  return {
    runId: row.run_id, findingId: row.finding_id, kind: row.kind, severity: row.severity, host: row.host,
    nodeUuid: row.node_uuid, nodeName: row.node_name, port: row.port, message: row.message,
    evidence: JSON.parse(row.evidence_json) as string[], remedy: row.remedy, console: row.console ?? 'serial',
  };
}

function toAction(row: ActionRow, runState: RunStatus): ActionRecord {
  const status = row.status ?? (runState === 'running' ? 'pending' : 'interrupted');
  return {
    id: row.id, runId: row.run_id, actionId: row.action_id, kind: row.kind, host: row.host, nodeUuid: row.node_uuid,
    detail: JSON.parse(row.detail_json) as unknown, intentAt: row.intent_at, outcomeAt: row.outcome_at, status,
    outcomeDetail: row.outcome_detail, killed: row.killed_json === null ? [] : (JSON.parse(row.killed_json) as number[]),
  };
}

export function createHistoryQueries(
  db: SqliteDatabase,
  probe: ProcessProbe,
  clock: () => Date = () => new Date(),
): HistoryQueries {
  const statusOf = (row: RunRow): RunStatus => runStatus(row, probe, clock());
  const runsById = (ids: readonly number[]): Map<number, RunRow> => {
    const select = db.prepare<[number], RunRow>('SELECT * FROM runs WHERE id = ?');
    return new Map(ids.flatMap((id) => {
      const row = select.get(id);
      return row === undefined ? [] : [[id, row] as const];
    }));
  };

  return {
    listRuns({ limit, command }) {
      const rows = command === undefined
        ? db.prepare<[number], RunRow>('SELECT * FROM runs ORDER BY id DESC LIMIT ?').all(limit)
        : db.prepare<[string, number], RunRow>('SELECT * FROM runs WHERE command = ? ORDER BY id DESC LIMIT ?').all(command, limit);
      return rows.map((row) => toRun(row, statusOf(row)));
    },

    showRun(id) {
      const row = db.prepare<[number], RunRow>('SELECT * FROM runs WHERE id = ?').get(id);
      if (row === undefined) return null;
      const status = statusOf(row);
      return {
        run: toRun(row, status),
        hosts: db.prepare<[number], HostRow>('SELECT * FROM host_results WHERE run_id = ? ORDER BY host, rowid').all(id).map(toHost),
        findings: db.prepare<[number], FindingRow>('SELECT * FROM findings WHERE run_id = ? ORDER BY rowid').all(id).map(toFinding),
        actions: db.prepare<[number], ActionRow>('SELECT * FROM actions WHERE run_id = ? ORDER BY id').all(id)
          .map((action) => toAction(action, status)),
      };
    },

    nodeTimeline(node): NodeTimeline {
      const findings = db
        .prepare<[string, string], FindingRow>('SELECT * FROM findings WHERE node_uuid = ? OR node_name = ? ORDER BY run_id, rowid')
        .all(node, node);
      // Actions carry only the UUID: a name is resolved through the findings that named it.
      const uuids = [...new Set([node, ...findings.flatMap((f) => (f.node_uuid === null ? [] : [f.node_uuid]))])];
      const actions = db
        .prepare<[string], ActionRow>(`SELECT * FROM actions WHERE node_uuid IN (SELECT value FROM json_each(?)) ORDER BY id`)
        .all(JSON.stringify(uuids));
      const runs = runsById([...new Set([...findings.map((f) => f.run_id), ...actions.map((a) => a.run_id)])]);
      const entries: TimelineEntry[] = [];
      for (const f of findings) {
        const run = runs.get(f.run_id);
        if (run) entries.push({ type: 'finding', at: run.started_at, runId: run.id, command: run.command, finding: toFinding(f) });
      }
      for (const a of actions) {
        const run = runs.get(a.run_id);
        if (run) entries.push({ type: 'action', at: a.intent_at, runId: run.id, command: run.command, action: toAction(a, statusOf(run)) });
      }
      return { node, entries: entries.sort(chronological) };
    },

    prune({ olderThanMs, now }) {
      const cutoff = new Date(now.getTime() - olderThanMs).toISOString();
      const prunable = db.transaction((): PruneResult => {
        const ids = db.prepare<[string], RunRow>('SELECT * FROM runs WHERE started_at < ?').all(cutoff)
          .filter((row) => runStatus(row, probe, now) !== 'running')
          .map((row) => row.id);
        const list = JSON.stringify(ids);
        const remove = (table: string, column: string): number =>
          db.prepare(`DELETE FROM ${table} WHERE ${column} IN (SELECT value FROM json_each(?))`).run(list).changes;
        const hostResults = remove('host_results', 'run_id');
        const findingsRemoved = remove('findings', 'run_id');
        const actionsRemoved = remove('actions', 'run_id');
        return { runs: remove('runs', 'id'), hostResults, findings: findingsRemoved, actions: actionsRemoved };
      });
      return prunable.immediate();
    },
  };
}

function chronological(a: TimelineEntry, b: TimelineEntry): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  if (a.runId !== b.runId) return a.runId - b.runId;
  return a.type === b.type ? 0 : a.type === 'finding' ? -1 : 1;
}
