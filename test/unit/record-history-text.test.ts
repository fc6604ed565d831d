import { describe, expect, it } from 'vitest';
import type { ActionRecord, FindingRecord, RunDetail, RunRecord } from '../../src/record/history-types.js';
import { renderHistoryJson, renderNodeTimeline, renderRunDetail, renderRunList } from '../../src/report/history-text.js';
import { NODE_NAME, NODE_UUID } from '../helpers/record-builders.js';

function run(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    id: 7, command: 'fix', argv: ['fix', '--yes', '--os-password', '***'], user: 'ops', clientHost: 'bastion1', version: '0.1.0',
    pid: 4100, startedAt: '2026-11-25T09:00:00.000Z', finishedAt: '2026-11-25T09:01:05.000Z', exitCode: 2,
    summary: '1 killed, 1 interrupted', status: 'finished', ...overrides,
  };
}

function findingRecord(overrides: Partial<FindingRecord> = {}): FindingRecord {
  return {
    runId: 7, findingId: `wrong-host:conductor-b:${NODE_UUID}`, kind: 'wrong-host', severity: 'critical', host: 'conductor-b',
    nodeUuid: NODE_UUID, nodeName: NODE_NAME, port: 10017, message: 'socat runs on conductor-b, Ironic maps it to conductor-a',
    evidence: ['node.conductor = conductor-a'], remedy: 'kill', console: 'serial', ...overrides,
  };
}

function actionRecord(overrides: Partial<ActionRecord> = {}): ActionRecord {
  return {
    id: 1, runId: 7, actionId: `kill:conductor-b:${NODE_UUID}`, kind: 'kill', host: 'conductor-b', nodeUuid: NODE_UUID,
    detail: { kind: 'kill', pidFile: '/tmp/x.pid' }, intentAt: '2026-11-25T09:00:30.000Z', outcomeAt: '2026-11-25T09:00:31.000Z',
    status: 'done', outcomeDetail: 'killed 4242 (TERM)', killed: [4242], ...overrides,
  };
}

const detail: RunDetail = {
  run: run(),
  hosts: [
    { host: 'conductor-a', ok: true, error: null, errorKind: null, durationMs: 212, conductor: 'conductor-a', consoles: 3, bootId: 'b', containers: 0 },
    { host: 'conductor-c', ok: false, error: 'connect timed out after 10s', errorKind: 'unreachable', durationMs: 10000, conductor: null, consoles: null, bootId: null, containers: null },
  ],
  findings: [findingRecord()],
  actions: [actionRecord(), actionRecord({ id: 2, host: 'conductor-c', status: 'interrupted', outcomeAt: null, outcomeDetail: null, killed: [] })],
};

describe('renderRunList', () => {
  it('prints one aligned row per run', () => {
    expect(renderRunList([run(), run({ id: 6, command: 'scan', finishedAt: null, exitCode: null, summary: null, status: 'interrupted', startedAt: '2026-11-24T09:00:00.000Z' })])).toBe([
      'ID  COMMAND  STARTED                   TOOK   STATUS       EXIT  BY            SUMMARY',
      '7   fix      2026-11-25T09:00:00.000Z  1m05s  finished     2     ops@bastion1  1 killed, 1 interrupted',
      '6   scan     2026-11-24T09:00:00.000Z  -      interrupted  -     ops@bastion1',
      '',
    ].join('\n'));
  });

  it('says so when there is nothing', () => {
    expect(renderRunList([])).toBe('no runs recorded\n');
  });

  it('applies the style without breaking alignment', () => {
    const style = { dim: (s: string) => s, bold: (s: string) => s, ok: (s: string) => `\u001b[32m${s}\u001b[39m`, critical: (s: string) => `\u001b[31m${s}\u001b[39m` };
    const lines = renderRunList([run(), run({ id: 8, status: 'interrupted', finishedAt: null, exitCode: null })], style).split('\n');
    expect(lines[1]).toContain('\u001b[31mfinished\u001b[39m     2');
    expect(lines[2]).toContain('\u001b[31minterrupted\u001b[39m  -');
  });
});

describe('renderRunDetail', () => {
  it('shows the run, its hosts, findings and actions, with interrupted intents called out', () => {
    const text = renderRunDetail(detail);
    expect(text).toContain('run 7: fix finished');
    expect(text).toContain('  command:  console-doctor fix --yes --os-password ***');
    expect(text).toContain('  finished: 2026-11-25T09:01:05.000Z (1m05s)');
    expect(text).toMatch(/conductor-a\s+ok\s+212ms\s+conductor-a\s+3\s+0\n/);
    expect(text).toMatch(/conductor-c\s+unreachable\s+10000ms\s+-\s+-\s+-\s+connect timed out after 10s/);
    expect(text).toMatch(/critical\s+wrong-host\s+conductor-b\s+compute-17\s+10017\s+socat runs on conductor-b/);
    expect(text).toMatch(/1\s+kill\s+conductor-b\s+\S+\s+done\s+2026-11-25T09:00:30.000Z\s+killed 4242 \(TERM\) \(killed 4242\)/);
    expect(text).toMatch(/2\s+kill\s+conductor-c\s+\S+\s+interrupted\s+\S+\s+intent recorded, no outcome: check the host/);
  });

  it('marks a finding about a graphical console', () => {
    const graphical = findingRecord({ kind: 'console-disabled', severity: 'warning', console: 'graphical', message: 'graphical console container on conductor-b' });
    expect(renderRunDetail({ ...detail, findings: [graphical] })).toMatch(/warning\s+console-disabled \(graphical\)\s+conductor-b/);
  });

  it('says none for empty sections', () => {
    expect(renderRunDetail({ ...detail, actions: [] })).toContain('actions (0)\n  none\n');
  });
});

describe('renderNodeTimeline', () => {
  it('lists findings and actions in order', () => {
    const text = renderNodeTimeline({
      node: NODE_NAME,
      entries: [
        { type: 'finding', at: '2026-11-25T09:00:00.000Z', runId: 7, command: 'fix', finding: findingRecord() },
        { type: 'action', at: '2026-11-25T09:00:30.000Z', runId: 7, command: 'fix', action: actionRecord() },
      ],
    });
    expect(text.split('\n').slice(0, 4)).toEqual([
      `node ${NODE_NAME}`,
      'AT                        RUN    WHAT        HOST         STATUS    DETAIL',
      '2026-11-25T09:00:00.000Z  7 fix  wrong-host  conductor-b  critical  socat runs on conductor-b, Ironic maps it to conductor-a',
      '2026-11-25T09:00:30.000Z  7 fix  kill        conductor-b  done      killed 4242 (TERM) (killed 4242)',
    ]);
  });

  it('says so when the node was never seen', () => {
    expect(renderNodeTimeline({ node: 'ghost', entries: [] })).toBe('nothing recorded for node ghost\n');
  });
});

describe('renderHistoryJson', () => {
  it('writes runs as snake_case with a schema tag', () => {
    const parsed = JSON.parse(renderHistoryJson([run()])) as Record<string, unknown>;
    expect(parsed['schema']).toBe('console-doctor/history@1');
    expect(parsed['runs']).toEqual([expect.objectContaining({ id: 7, client_host: 'bastion1', started_at: '2026-11-25T09:00:00.000Z', exit_code: 2, status: 'finished' })]);
  });

  it('keeps the recorded action detail as it was stored', () => {
    const parsed = JSON.parse(renderHistoryJson(detail)) as { actions: Record<string, unknown>[]; hosts: Record<string, unknown>[] };
    expect(parsed.actions[0]).toMatchObject({ action_id: `kill:conductor-b:${NODE_UUID}`, intent_at: '2026-11-25T09:00:30.000Z', detail: { kind: 'kill', pidFile: '/tmp/x.pid' } });
    expect(parsed.hosts[1]).toMatchObject({ error_kind: 'unreachable', duration_ms: 10000 });
  });
});
