import { describe, expect, it } from 'vitest';
import { FINDING_KINDS } from '../../src/compare/types.js';
import { escapeLabel, renderMetrics } from '../../src/report/render-metrics.js';
import { buildReport, buildSampleRun } from '../helpers/builders.js';

const METRIC = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const SAMPLE = new RegExp(`^(${METRIC})(\\{${LABEL}(?:,${LABEL})*\\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$`);
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

describe('renderMetrics', () => {
  const { report, meta } = buildSampleRun();
  const text = renderMetrics(report, meta);
  const lines = text.trimEnd().split('\n');
  const value = (series: string) => lines.find((l) => l.startsWith(`${series} `))?.split(' ')[1];

  it('writes only valid exposition lines, HELP and TYPE before each family', () => {
    expect(text.endsWith('\n')).toBe(true);
    const families: string[] = [];
    for (const line of lines) {
      if (line.startsWith('# HELP ')) families.push(line.split(' ')[2] ?? '');
      else if (line.startsWith('# TYPE ')) expect(line).toMatch(new RegExp(`^# TYPE ${families[families.length - 1]} gauge$`));
      else {
        const m = SAMPLE.exec(line);
        expect(m, line).not.toBeNull();
        expect(m?.[1]).toBe(families[families.length - 1]);
      }
    }
    expect(new Set(families).size).toBe(families.length);
  });

  it('has a series for every kind, zero when none was found', () => {
    for (const kind of FINDING_KINDS) expect(lines.some((l) => l.startsWith(`console_doctor_findings{kind="${kind}",`))).toBe(true);
    expect(value('console_doctor_findings{kind="wrong-host",severity="critical"}')).toBe('1');
    expect(value('console_doctor_findings{kind="duplicate",severity="critical"}')).toBe('0');
    expect(value('console_doctor_findings{kind="missing",severity="warning"}')).toBe('1');
  });

  it('never labels by node uuid or pid', () => {
    expect(lines.filter((l) => UUID.test(l) || /pid=/.test(l))).toEqual([]);
  });

  it.each([
    ['console_doctor_hosts_scanned', '2'],
    ['console_doctor_hosts_unreachable', '1'],
    ['console_doctor_host_up{host="conductor-a"}', '1'],
    ['console_doctor_host_up{host="conductor-c"}', '0'],
    ['console_doctor_consoles_observed', '2'],
    ['console_doctor_nodes_console_enabled', '2'],
    ['console_doctor_scan_duration_seconds', '12.5'],
    ['console_doctor_last_run_timestamp_seconds', '1735689612.5'],
    ['console_doctor_exit_code', '3'],
  ])('%s is %s', (series, expected) => {
    expect(value(series)).toBe(expected);
  });

  it('leaves out nodes_console_enabled when the report does not know it, and takes the exit code from meta', () => {
    const { nodesConsoleEnabled: _omit, ...unknown } = buildReport();
    const out = renderMetrics(unknown, { ...meta, exitCode: 3, error: 'Ironic down' });
    expect(out).not.toContain('console_doctor_nodes_console_enabled');
    expect(out).toContain('console_doctor_exit_code 3\n');
  });

  it.each([
    ['plain', 'plain'],
    ['a"b', 'a\\"b'],
    ['a\\b', 'a\\\\b'],
    ['a\nb', 'a\\nb'],
  ])('escapes label value %j', (input, output) => {
    expect(escapeLabel(input)).toBe(output);
  });
});
