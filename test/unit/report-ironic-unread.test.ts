/** Every output when Ironic could not be read: it says so and gives no verdict (issue 10, item 7). */
import { describe, expect, it } from 'vitest';
import { compareWithoutDesired } from '../../src/compare/compare-fleet.js';
import { renderJson } from '../../src/report/render-json.js';
import { renderJunit } from '../../src/report/render-junit.js';
import { renderMetrics } from '../../src/report/render-metrics.js';
import type { RenderMeta } from '../../src/report/render-meta.js';
import { renderText } from '../../src/report/render-text.js';
import { plainStyle } from '../../src/report/style.js';
import { buildDaemon, buildFailedScan, buildObservation, buildScan, uuidFor } from '../helpers/builders.js';

const error = 'Ironic API http://ironic:6385: GET /v1/nodes?detail=True&limit=1000: 503 Service Unavailable (after 4 tries)';
const scans = [
  buildScan(buildObservation({ host: 'conductor-a', consoles: [buildDaemon({ nodeUuid: uuidFor('n1'), port: 10001, pid: 3001 })] })),
  buildScan(buildObservation({ host: 'conductor-b' })),
];
const report = compareWithoutDesired(scans, error);
const meta: RenderMeta = {
  startedAt: '2025-01-01T00:00:00.000Z',
  finishedAt: '2025-01-01T00:00:02.000Z',
  durationMs: 2000,
  version: '0.1.0',
  apiVersion: null,
  endpoint: null,
  hosts: scans,
  error,
  exitCode: 3,
};

describe('outputs when Ironic could not be read', () => {
  it('text: never "All clean"; says why, that nothing got a verdict, and lists the consoles seen', () => {
    const text = renderText(report, { by: 'host', style: plainStyle });
    expect(text).not.toMatch(/clean/i);
    expect(text).toContain(`Ironic could not be read: ${error}`);
    expect(text).toContain('No verdict on any console: 1 console observed on 1 host, none compared with Ironic.');
    expect(text).toMatch(new RegExp(`conductor-a\\s+${uuidFor('n1')}\\s+socat\\s+10001\\s+3001`));
    expect(text.trimEnd().split('\n').at(-1)).toBe('2 hosts scanned · Ironic could not be read: no verdict · 1 console observed');
  });

  it('text: unreachable hosts are still listed below the notice', () => {
    const text = renderText(compareWithoutDesired([...scans, buildFailedScan('conductor-c', 'connect ETIMEDOUT')], error), { by: 'host', style: plainStyle });
    expect(text).toMatch(/Ironic could not be read[\s\S]*conductor-c\n\s+SEVERITY[\s\S]*unreachable/);
  });

  it('JSON: verdict unknown, nodes null, consoles observed and listed, no findings', () => {
    const doc = JSON.parse(renderJson(report, meta));
    expect(doc.ironic.error).toBe(error);
    expect(doc.summary).toMatchObject({ verdict: 'unknown', nodes: null, nodes_console_enabled: null, consoles: 1, findings: 0 });
    expect(doc.observed_consoles).toEqual([{ host: 'conductor-a', node_uuid: uuidFor('n1'), type: 'socat', pid: 3001, port: 10001 }]);
    expect(doc.exit_code).toBe(3);
  });

  it('JUnit: reachable hosts pass "reachable" only; every check is skipped, and the fleet has the API error', () => {
    const xml = renderJunit(report, meta);
    expect(xml).toMatch(/<testsuite name="conductor-a" tests="14" failures="0" errors="0" skipped="13"/);
    expect(xml).toContain('Ironic could not be read: no verdict');
    expect(xml).toMatch(/<testcase classname="console-doctor.fleet" name="ironic-api"[^>]*>\s*<error type="api"/);
  });

  it('metrics: Ironic down, consoles observed counted, every verdict NaN (unknown), never 0', () => {
    const prom = renderMetrics(report, meta);
    expect(prom).toMatch(/^console_doctor_ironic_up 0$/m);
    expect(prom).toMatch(/^console_doctor_consoles_observed 1$/m);
    expect(prom).toMatch(/^console_doctor_findings\{kind="wrong-host",severity="critical"\} NaN$/m);
    expect(prom).toMatch(/^console_doctor_findings\{kind="unreachable",severity="critical"\} 0$/m);
    expect(prom).not.toContain('console_doctor_nodes_console_enabled');
  });
});
