import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/report/render-json.js';
import { buildReport, buildSampleRun as sampleRun } from '../helpers/builders.js';

const SNAKE = /^[a-z]+(_[a-z]+)*$/;

/** Every key at every depth, except the values of `by_kind` (finding kinds are kebab-case by design). */
function keys(value: unknown, parent = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => keys(v, parent));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [...(parent === 'by_kind' ? [] : [k]), ...keys(v, k)]);
}

describe('renderJson', () => {
  const { report, meta } = sampleRun();
  const doc = JSON.parse(renderJson(report, meta));

  it('is versioned and carries the run', () => {
    expect(doc).toMatchObject({
      schema: 'console-doctor/scan@1',
      version: '0.1.0',
      started_at: '2025-01-01T00:00:00.000Z',
      finished_at: '2025-01-01T00:00:12.500Z',
      duration_ms: 12_500,
      ironic: { endpoint: 'http://127.0.0.1:6385', api_version: '1.82', error: null },
      exit_code: 3,
    });
  });

  it('uses snake_case keys only', () => {
    expect(keys(doc).filter((k) => !SNAKE.test(k))).toEqual([]);
  });

  it('describes each finding with every field, null where there is no node', () => {
    const wrong = doc.findings.find((f: { kind: string }) => f.kind === 'wrong-host');
    expect(Object.keys(wrong)).toEqual([
      'id', 'kind', 'severity', 'host', 'node_uuid', 'node_name', 'port', 'pids', 'processes',
      'paths', 'expected', 'actual', 'message', 'evidence', 'remedy', 'depends_on', 'console', 'container',
    ]);
    expect(wrong).toMatchObject({ host: 'conductor-a', node_name: 'web-01', port: 10001, pids: [3100], remedy: 'kill', depends_on: ['conductor-b'] });
    expect(wrong.processes[0]).toEqual({ pid: 3100, start_ticks: expect.any(Number), uid: expect.any(Number), argv: expect.arrayContaining(['socat']), command: expect.stringMatching(/^socat /) });
    const unreachable = doc.findings.find((f: { kind: string }) => f.kind === 'unreachable');
    expect(unreachable).toMatchObject({ node_uuid: null, node_name: null, port: null, pids: [], host: 'conductor-c' });
  });

  it('summarises counts and every kind, and every host', () => {
    expect(doc.summary).toMatchObject({ hosts_scanned: 2, hosts_unreachable: 1, nodes: 2, nodes_console_enabled: 2, consoles: 2, findings: 5, critical: 2, warning: 2, info: 1 });
    expect(Object.keys(doc.summary.by_kind)).toHaveLength(15); // the 12 of DESIGN.md, owner-unknown, unknown-conductor, host-alias
    expect(doc.summary.by_kind).toMatchObject({ 'wrong-host': 1, missing: 1, duplicate: 0 });
    expect(doc.hosts).toEqual([
      { name: 'conductor-a', ok: true, error: null, duration_ms: 140, conductor: 'conductor-a', warnings: [] },
      { name: 'conductor-b', ok: true, error: null, duration_ms: 95, conductor: 'conductor-b', warnings: [] },
      { name: 'conductor-c', ok: false, error: 'conductor-c: connect ETIMEDOUT 127.0.0.3:22', duration_ms: 10_000, conductor: null, warnings: [] },
    ]);
  });

  it("lists each host's probe warnings (dropped hostile records), without the host prefix", () => {
    const [first, ...rest] = meta.hosts;
    if (first === undefined || !first.ok) throw new Error('sample run starts with a scanned host');
    const warned = { ...first, observation: { ...first.observation, warnings: [`${first.host}: dropped an unreadable cmdline record: "x\\n"`, 'ss missing: used /proc/net/tcp'] } };
    const withWarnings = JSON.parse(renderJson(report, { ...meta, hosts: [warned, ...rest] }));
    expect(withWarnings.hosts[0].warnings).toEqual(['dropped an unreadable cmdline record: "x\\n"', 'ss missing: used /proc/net/tcp']);
  });

  it.each([
    { name: 'from the findings when meta has none', meta: { ...meta, hosts: [] }, report: buildReport(), code: 0 },
    { name: 'from meta when Ironic could not be read', meta: { ...meta, hosts: [], error: 'HTTP 500 from /v1/nodes', exitCode: 3 as const }, report: buildReport(), code: 3 },
  ])('exit code $name', ({ meta: m, report: r, code }) => {
    expect(JSON.parse(renderJson(r, m)).exit_code).toBe(code);
  });
});
