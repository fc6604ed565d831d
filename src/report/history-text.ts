/**
 * `console-doctor history` output: plain-text tables for a terminal or a mail from cron,
 * and snake_case JSON for `--json`. Pure: values in, strings out.
 */
import type {
  ActionRecord, NodeTimeline, RunDetail, RunRecord, TimelineEntry,
} from '../record/history-types.js';
import { padCells } from './pad-cells.js';

/** Optional emphasis; the UI passes chalk-backed functions, tests and pipes pass nothing. */
export interface HistoryStyle {
  dim(text: string): string;
  bold(text: string): string;
  critical(text: string): string;
  ok(text: string): string;
}

const PLAIN: HistoryStyle = { dim: (s) => s, bold: (s) => s, critical: (s) => s, ok: (s) => s };

export const HISTORY_JSON_SCHEMA = 'console-doctor/history@1';

export function renderRunList(runs: readonly RunRecord[], style: HistoryStyle = PLAIN): string {
  if (runs.length === 0) return style.dim('no runs recorded') + '\n';
  const rows = runs.map((run) => [
    String(run.id), run.command, run.startedAt, duration(run.startedAt, run.finishedAt),
    statusText(run, style), run.exitCode === null ? '-' : String(run.exitCode), `${run.user}@${run.clientHost}`, run.summary ?? '',
  ]);
  return table(['ID', 'COMMAND', 'STARTED', 'TOOK', 'STATUS', 'EXIT', 'BY', 'SUMMARY'], rows, style);
}

export function renderRunDetail(detail: RunDetail, style: HistoryStyle = PLAIN): string {
  const { run } = detail;
  const lines = [
    style.bold(`run ${run.id}: ${run.command}`) + ` ${statusText(run, style)}`,
    `  command:  console-doctor ${run.argv.join(' ')}`,
    `  by:       ${run.user}@${run.clientHost}${run.pid === null ? '' : ` (pid ${run.pid})`}, version ${run.version}`,
    `  started:  ${run.startedAt}`,
    `  finished: ${run.finishedAt ?? '-'}${run.finishedAt === null ? '' : ` (${duration(run.startedAt, run.finishedAt)})`}`,
    `  exit:     ${run.exitCode ?? '-'}${run.summary ? `, ${run.summary}` : ''}`,
    '',
    style.bold(`hosts (${detail.hosts.length})`),
  ];
  const hostRows = detail.hosts.map((h) => [
    h.host, h.ok ? style.ok('ok') : style.critical(h.errorKind ?? 'error'), `${h.durationMs}ms`,
    h.conductor ?? '-', h.consoles === null ? '-' : String(h.consoles), h.containers === null ? '-' : String(h.containers), h.error ?? '',
  ]);
  const findingRows = detail.findings.map((f) => [
    severityText(f.severity, style), f.console === 'graphical' ? `${f.kind} (graphical)` : f.kind, f.host ?? '-', f.nodeName ?? f.nodeUuid ?? '-', f.port === null ? '-' : String(f.port), f.message,
  ]);
  const actionRows = detail.actions.map((a) => [
    String(a.id), a.kind, a.host ?? '-', a.nodeUuid ?? '-', actionStatusText(a, style), a.intentAt, actionDetail(a),
  ]);
  return [
    lines.join('\n'),
    section(['HOST', 'RESULT', 'TOOK', 'CONDUCTOR', 'CONSOLES', 'CONTAINERS', 'ERROR'], hostRows, style),
    style.bold(`findings (${detail.findings.length})`),
    section(['SEVERITY', 'KIND', 'HOST', 'NODE', 'PORT', 'MESSAGE'], findingRows, style),
    style.bold(`actions (${detail.actions.length})`),
    section(['#', 'ACTION', 'HOST', 'NODE', 'STATUS', 'INTENT AT', 'DETAIL'], actionRows, style),
  ].join('\n');
}

export function renderNodeTimeline(timeline: NodeTimeline, style: HistoryStyle = PLAIN): string {
  if (timeline.entries.length === 0) return style.dim(`nothing recorded for node ${timeline.node}`) + '\n';
  const rows = timeline.entries.map((entry) => timelineRow(entry, style));
  return style.bold(`node ${timeline.node}`) + '\n' + table(['AT', 'RUN', 'WHAT', 'HOST', 'STATUS', 'DETAIL'], rows, style);
}

function timelineRow(entry: TimelineEntry, style: HistoryStyle): string[] {
  switch (entry.type) {
    case 'finding':
      return [entry.at, `${entry.runId} ${entry.command}`, entry.finding.kind, entry.finding.host ?? '-',
        severityText(entry.finding.severity, style), entry.finding.message];
    case 'action':
      return [entry.at, `${entry.runId} ${entry.command}`, entry.action.kind, entry.action.host ?? '-',
        actionStatusText(entry.action, style), actionDetail(entry.action)];
  }
}

/** The query results as snake_case JSON with a schema tag, for `--json`. */
export function renderHistoryJson(
  value: readonly RunRecord[] | RunDetail | NodeTimeline,
): string {
  const body = Array.isArray(value) ? { runs: value } : value;
  return JSON.stringify(snakeCase({ schema: HISTORY_JSON_SCHEMA, ...body }), null, 2) + '\n';
}

/** Keys to snake_case, recursively; the recorded action `detail` keeps its own keys. */
function snakeCase(value: unknown, key = ''): unknown {
  if (key === 'detail') return value;
  if (Array.isArray(value)) return value.map((item) => snakeCase(item));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snakeCase(v, k)]),
    );
  }
  return value;
}

function statusText(run: RunRecord, style: HistoryStyle): string {
  switch (run.status) {
    case 'finished':
      return run.exitCode !== null && run.exitCode >= 2 ? style.critical('finished') : style.ok('finished');
    case 'running':
      return style.bold('running');
    case 'interrupted':
      return style.critical('interrupted');
  }
}

function actionStatusText(action: ActionRecord, style: HistoryStyle): string {
  switch (action.status) {
    case 'done':
      return style.ok('done');
    case 'failed':
    case 'interrupted':
      return style.critical(action.status);
    case 'skipped':
    case 'pending':
      return style.dim(action.status);
  }
}

function actionDetail(action: ActionRecord): string {
  const killed = action.killed.length > 0 ? ` (killed ${action.killed.join(', ')})` : '';
  if (action.status === 'interrupted') return 'intent recorded, no outcome: check the host';
  return `${action.outcomeDetail ?? ''}${killed}`;
}

function severityText(severity: string, style: HistoryStyle): string {
  return severity === 'critical' ? style.critical(severity) : severity === 'info' ? style.dim(severity) : severity;
}

function duration(startedAt: string, finishedAt: string | null): string {
  if (finishedAt === null) return '-';
  const ms = Date.parse(finishedAt) - Date.parse(startedAt);
  if (Number.isNaN(ms)) return '-';
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  return `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`;
}

function section(headers: readonly string[], rows: readonly (readonly string[])[], style: HistoryStyle): string {
  return rows.length === 0 ? style.dim('  none') + '\n' : table(headers, rows, style);
}

/** Left-aligned columns two spaces apart; widths ignore ANSI escapes so styled cells line up. */
function table(headers: readonly string[], rows: readonly (readonly string[])[], style: HistoryStyle): string {
  const [heading = '', ...lines] = padCells([headers, ...rows]).map((cells) => cells.join('  ').trimEnd());
  return [style.dim(heading), ...lines].join('\n') + '\n';
}
