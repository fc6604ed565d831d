/** The audit trail on real SQLite files in temporary directories. */
import Database from 'better-sqlite3';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, InternalError } from '../../src/errors.js';
import { LATEST_SCHEMA_VERSION } from '../../src/record/migrations.js';
import { openAuditStore, type SqliteAuditStore } from '../../src/record/sqlite-audit-store.js';
import { makeTempDir } from '../helpers/console-daemons.js';
import {
  NODE_NAME, NODE_UUID, failedScan, finding, killAction, okScan, outcome, restartAction, runStart,
} from '../helpers/record-builders.js';

const dirs: string[] = [];
const stores: SqliteAuditStore[] = [];
function freshStore(sub = 'audit.db'): SqliteAuditStore {
  const dir = makeTempDir('cd-record-');
  dirs.push(dir);
  const store = openAuditStore(join(dir, 'state', 'console-doctor', sub), { now: () => new Date('2026-11-25T09:00:05.000Z') });
  stores.push(store);
  return store;
}
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('a scan run', () => {
  it('is read back with its hosts and findings', () => {
    const store = freshStore();
    const runId = store.startRun(runStart({ clientHost: hostname() }));
    store.recordHostScans(runId, [
      okScan('conductor-a', { consoles: [] }),
      failedScan('conductor-c', 'conductor-c (10.0.0.13:22): connect timed out after 10s'),
    ]);
    store.recordFindings(runId, [finding(), finding({ id: 'unreachable:conductor-c', kind: 'unreachable', severity: 'warning', host: 'conductor-c', nodeUuid: null, nodeName: null, port: null, remedy: 'report', message: 'conductor-c could not be scanned' })]);
    store.finishRun(runId, 2, '2 findings');

    const detail = store.history().showRun(runId);
    expect(detail?.run).toMatchObject({ id: runId, command: 'scan', argv: ['scan', '--inventory', 'inventory.yaml'], status: 'finished', exitCode: 2, summary: '2 findings', finishedAt: '2026-11-25T09:00:05.000Z', pid: process.pid });
    expect(detail?.hosts).toEqual([
      { host: 'conductor-a', ok: true, error: null, errorKind: null, durationMs: 212, conductor: 'conductor-a.example.net', consoles: 0, bootId: '0d9e6b1e-3c52-4f0a-a8f7-2b9b9f1f6a11', containers: 0 },
      { host: 'conductor-c', ok: false, error: 'conductor-c (10.0.0.13:22): connect timed out after 10s', errorKind: 'unreachable', durationMs: 10_000, conductor: null, consoles: null, bootId: null, containers: null },
    ]);
    expect(detail?.findings.map((f) => [f.kind, f.host, f.nodeName, f.port])).toEqual([
      ['wrong-host', 'conductor-b', NODE_NAME, 10017],
      ['unreachable', 'conductor-c', null, null],
    ]);
    expect(detail?.findings[0]?.evidence).toEqual(finding().evidence);
    expect(store.history().listRuns({ limit: 10 }).map((r) => [r.id, r.status])).toEqual([[runId, 'finished']]);
  });

  it('lists runs newest first, filtered by command and limited', () => {
    const store = freshStore();
    const ids = ['scan', 'fix', 'scan', 'scan'].map((command) => store.startRun(runStart({ command: command as 'scan' | 'fix', clientHost: hostname() })));
    expect(store.history().listRuns({ limit: 2, command: 'scan' }).map((r) => r.id)).toEqual([ids[3], ids[2]]);
    expect(store.history().listRuns({ limit: 10, command: 'fix' }).map((r) => r.id)).toEqual([ids[1]]);
    expect(store.history().showRun(9999)).toBeNull();
  });
});

describe('a fix run', () => {
  it('keeps every intent with its outcome', () => {
    const store = freshStore();
    const runId = store.startRun(runStart({ command: 'fix', argv: ['fix', '--yes'], clientHost: hostname() }));
    const kill = store.recordIntent(runId, killAction());
    const restart = store.recordIntent(runId, restartAction());
    const pending = store.history().showRun(runId);
    expect(pending?.actions.map((a) => a.status)).toEqual(['pending', 'pending']);

    store.recordOutcome(kill, outcome());
    store.recordOutcome(restart, outcome({ actionId: restartAction().id, status: 'failed', detail: 'node is locked (409) after 3 tries', killed: [] }));
    store.finishRun(runId, 2, '1 killed, 1 failed');

    const actions = store.history().showRun(runId)?.actions ?? [];
    expect(actions.map((a) => [a.kind, a.host, a.status, a.outcomeDetail, a.killed])).toEqual([
      ['kill', 'conductor-b', 'done', 'killed 4242 (TERM)', [4242]],
      ['restart', 'conductor-a', 'failed', 'node is locked (409) after 3 tries', []],
    ]);
    expect(actions[0]?.detail).toMatchObject({ kind: 'kill', pidFile: `/tmp/${NODE_UUID}.pid` });
    expect(actions[0]?.intentAt).toBe('2026-11-25T09:00:05.000Z');
  });

  it('shows an intent without an outcome in a finished run as interrupted', () => {
    const store = freshStore();
    const runId = store.startRun(runStart({ command: 'fix', clientHost: hostname() }));
    store.recordIntent(runId, killAction());
    store.finishRun(runId, 2, 'aborted');
    expect(store.history().showRun(runId)?.actions.map((a) => a.status)).toEqual(['interrupted']);
  });

  it('refuses a second outcome for an intent and a second finish for a run', () => {
    const store = freshStore();
    const runId = store.startRun(runStart({ command: 'fix', clientHost: hostname() }));
    const intent = store.recordIntent(runId, killAction());
    store.recordOutcome(intent, outcome());
    expect(() => store.recordOutcome(intent, outcome({ status: 'failed' }))).toThrow(InternalError);
    expect(() => store.recordOutcome(9999, outcome())).toThrow(/no open intent 9999/);
    store.finishRun(runId, 0, 'ok');
    expect(() => store.finishRun(runId, 2, 'again')).toThrow(/already finished/);
  });
});

describe('a node timeline', () => {
  it('gathers one node\'s findings and actions across runs, by UUID or by name, in order', () => {
    const store = freshStore();
    const scan = store.startRun(runStart({ startedAt: '2026-11-24T08:00:00Z', clientHost: hostname() }));
    store.recordFindings(scan, [finding(), finding({ id: 'missing:conductor-a:other', kind: 'missing', nodeUuid: 'other', nodeName: 'compute-2' })]);
    store.finishRun(scan, 2, '2 findings');
    const fix = store.startRun(runStart({ command: 'fix', startedAt: '2026-11-25T09:00:00Z', clientHost: hostname() }));
    store.recordFindings(fix, [finding()]);
    store.recordOutcome(store.recordIntent(fix, killAction()), outcome());
    store.finishRun(fix, 0, '1 killed');

    for (const node of [NODE_UUID, NODE_NAME]) {
      const timeline = store.history().nodeTimeline(node);
      expect(timeline.entries.map((e) => [e.runId, e.type, e.at])).toEqual([
        [scan, 'finding', '2026-11-24T08:00:00.000Z'],
        [fix, 'finding', '2026-11-25T09:00:00.000Z'],
        [fix, 'action', '2026-11-25T09:00:05.000Z'],
      ]);
    }
    expect(store.history().nodeTimeline('never-seen').entries).toEqual([]);
  });
});

describe('the database file', () => {
  it('is created with a 0700 directory and 0600 files in WAL mode at the latest schema', () => {
    const store = freshStore();
    store.startRun(runStart());
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(statSync(`${store.path}-wal`).mode & 0o777).toBe(0o600);
    expect(statSync(join(store.path, '..')).mode & 0o777).toBe(0o700);
    const raw = new Database(store.path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    raw.close();
  });

  it('is append-only even for a writer that bypasses the store', () => {
    const store = freshStore();
    const runId = store.startRun(runStart());
    store.recordFindings(runId, [finding()]);
    store.finishRun(runId, 0, 'ok');
    const raw = new Database(store.path);
    expect(() => raw.prepare('UPDATE runs SET exit_code = 0 WHERE id = ?').run(runId)).toThrow(/append-only/);
    expect(() => raw.prepare('UPDATE runs SET user = ? WHERE id = ?').run('mallory', runId)).toThrow(/append-only/);
    expect(() => raw.prepare('UPDATE findings SET message = ?').run('nothing to see')).toThrow(/append-only/);
    raw.close();
  });

  it('never holds a secret, in the database or its WAL', () => {
    const store = freshStore();
    const runId = store.startRun(runStart({ command: 'fix', argv: ['fix', '--os-password', 'hunter2', '--os-token=gAAAAsecrettoken', '-y', '0a0b0c0d0e0f'] }));
    store.recordFindings(runId, [finding({ message: 'socat EXEC:"ipmitool -H 10.0.0.5 -y 0a0b0c0d0e0f sol activate"', evidence: ['argv: ipmitool -P hunter2 sol activate'] })]);
    const intent = store.recordIntent(runId, killAction({ processes: [{ pid: 1, startTicks: 2, uid: 0, argv: ['ipmitool -I lanplus -y 0a0b0c0d0e0f sol activate'] }] }));
    store.recordOutcome(intent, outcome({ detail: 'kill failed: ipmitool -P hunter2 still running' }));
    store.finishRun(runId, 0, 'done');
    const bytes = Buffer.concat([store.path, `${store.path}-wal`].filter(existsSync).map((p) => readFileSync(p)));
    for (const secret of ['hunter2', 'gAAAAsecrettoken', '0a0b0c0d0e0f']) expect(bytes.includes(secret)).toBe(false);
    expect(store.history().showRun(runId)?.run.argv).toEqual(['fix', '--os-password', '***', '--os-token=***', '-y', '***']);
  });

  it('refuses a database from a newer console-doctor with one line', () => {
    const dir = makeTempDir('cd-record-');
    dirs.push(dir);
    const path = join(dir, 'audit.db');
    const raw = new Database(path);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    raw.close();
    expect(() => openAuditStore(path)).toThrow(ConfigError);
    expect(() => openAuditStore(path)).toThrow(`${path}: audit database has schema version ${LATEST_SCHEMA_VERSION + 1}, newer than this console-doctor knows (${LATEST_SCHEMA_VERSION}); upgrade console-doctor`);
  });

  it('names the path when it cannot be opened', () => {
    const dir = makeTempDir('cd-record-');
    dirs.push(dir);
    expect(() => openAuditStore(join(dir))).toThrow(new RegExp(`^audit database ${dir}: cannot open: `));
  });
});
