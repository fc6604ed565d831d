/** Schema upgrades, a fix killed mid-run, and pruning, on real SQLite files and real processes. */
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, migrate, schemaVersion } from '../../src/record/migrations.js';
import { openAuditStore } from '../../src/record/sqlite-audit-store.js';
import { makeTempDir } from '../helpers/console-daemons.js';
import { finding, killAction, okScan, outcome, runStart } from '../helpers/record-builders.js';
import { compiledRecordModule, startRecordChild } from '../helpers/record-child.js';

let dir: string;
let compiled: string;
beforeAll(() => {
  dir = makeTempDir('cd-record-');
  compiled = compiledRecordModule();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('migrations', () => {
  it('are numbered 1..n in order', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: LATEST_SCHEMA_VERSION }, (_, i) => i + 1));
  });

  it('upgrade a version-1 database and keep its rows', () => {
    const path = join(dir, 'v1.db');
    const old = new Database(path);
    expect(migrate(old, path, 1)).toEqual({ from: 0, to: 1 });
    old.prepare(`INSERT INTO runs (command, argv_json, user, client_host, version, started_at, finished_at, exit_code, summary)
                 VALUES ('fix', '["fix","--yes"]', 'ops', 'bastion1', '0.0.9', '2026-01-02T03:04:05.000Z', '2026-01-02T03:04:09.000Z', 0, '1 killed')`).run();
    old.prepare(`INSERT INTO findings (run_id, finding_id, kind, severity, host, node_uuid, node_name, port, message, evidence_json, remedy)
                 VALUES (1, 'duplicate:c1:n1', 'duplicate', 'critical', 'c1', 'n1', 'node-1', 10001, 'two socats', '[]', 'kill')`).run();
    old.prepare(`INSERT INTO actions (run_id, action_id, kind, host, node_uuid, detail_json, intent_at, outcome_at, status, outcome_detail, killed_json)
                 VALUES (1, 'kill:c1:n1', 'kill', 'c1', 'n1', '{}', '2026-01-02T03:04:06.000Z', '2026-01-02T03:04:07.000Z', 'done', 'killed 99', '[99]')`).run();
    old.prepare(`INSERT INTO runs (command, argv_json, user, client_host, version, started_at)
                 VALUES ('fix', '["fix"]', 'ops', ?, '0.0.9', '2026-01-03T00:00:00.000Z')`).run(hostname());
    old.close();

    const store = openAuditStore(path);
    const raw = new Database(path, { readonly: true });
    expect(schemaVersion(raw)).toBe(LATEST_SCHEMA_VERSION);
    expect(raw.prepare("SELECT name FROM pragma_table_info('runs') WHERE name IN ('pid', 'proc_start_ticks', 'boot_id')").all()).toHaveLength(3);
    raw.close();
    const detail = store.history().showRun(1);
    expect(detail?.run).toMatchObject({ command: 'fix', argv: ['fix', '--yes'], version: '0.0.9', pid: null, status: 'finished', summary: '1 killed' });
    expect(detail?.findings.map((f) => f.findingId)).toEqual(['duplicate:c1:n1']);
    expect(detail?.actions.map((a) => [a.status, a.killed])).toEqual([['done', [99]]]);
    // A run left unfinished by the old version cannot still be running.
    expect(store.history().showRun(2)?.run.status).toBe('interrupted');
    expect(store.history().nodeTimeline('node-1').entries.map((e) => e.type)).toEqual(['finding', 'action']);
    store.close();
  });
});

describe('a fix killed mid-run', () => {
  it('leaves a true record: the run and its unanswered intent are interrupted', async () => {
    const path = join(dir, 'crash.db');
    const child = startRecordChild(compiled, 'crash-mid-fix', path, hostname());
    const { runId } = await child.firstLine;
    expect(await child.exited).toEqual({ code: null, signal: 'SIGKILL' });

    const store = openAuditStore(path);
    const detail = store.history().showRun(Number(runId));
    expect(detail?.run).toMatchObject({ status: 'interrupted', finishedAt: null, pid: child.pid, argv: ['fix', '--yes', '--os-password', '***'] });
    expect(detail?.actions.map((a) => [a.host, a.status])).toEqual([['conductor-b', 'done'], ['conductor-c', 'interrupted']]);
    store.close();
  });

  it('shows a run of this live process as running, its open intent as pending', () => {
    const store = openAuditStore(join(dir, 'live.db'));
    const runId = store.startRun(runStart({ command: 'fix', clientHost: hostname() }));
    store.recordIntent(runId, killAction());
    const detail = store.history().showRun(runId);
    expect([detail?.run.status, detail?.actions[0]?.status]).toEqual(['running', 'pending']);
    store.close();
  });
});

describe('prune', () => {
  it('deletes runs older than the cutoff with all their rows and keeps the rest', () => {
    const store = openAuditStore(join(dir, 'prune.db'));
    const record = (startedAt: string): number => {
      const runId = store.startRun(runStart({ command: 'fix', startedAt, clientHost: hostname() }));
      store.recordHostScans(runId, [okScan('conductor-a'), okScan('conductor-b')]);
      store.recordFindings(runId, [finding()]);
      store.recordOutcome(store.recordIntent(runId, killAction()), outcome());
      store.finishRun(runId, 0, 'ok');
      return runId;
    };
    const old = [record('2026-01-01T00:00:00Z'), record('2026-02-01T00:00:00Z')];
    const recent = record('2026-11-20T00:00:00Z');
    const result = store.history().prune({ olderThanMs: 90 * 24 * 3600_000, now: new Date('2026-11-25T00:00:00Z') });
    expect(result).toEqual({ runs: 2, hostResults: 4, findings: 2, actions: 2 });
    expect(store.history().listRuns({ limit: 10 }).map((r) => r.id)).toEqual([recent]);
    expect(old.map((id) => store.history().showRun(id))).toEqual([null, null]);
    expect(store.history().showRun(recent)?.hosts).toHaveLength(2);
    store.close();
  });

  it('never deletes a run that is still running, however old', () => {
    const store = openAuditStore(join(dir, 'prune-running.db'));
    const runId = store.startRun(runStart({ startedAt: '2020-01-01T00:00:00Z', clientHost: hostname() }));
    expect(store.history().prune({ olderThanMs: 1000, now: new Date('2026-11-25T00:00:00Z') }).runs).toBe(0);
    expect(store.history().showRun(runId)?.run.status).toBe('running');
    store.close();
  });
});
