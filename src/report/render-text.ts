import type { Finding, FleetReport, Severity } from '../compare/types.js';
import type { DesiredState } from '../desire/types.js';
import { assertNever } from '../errors.js';
import { countBySeverity, kindCell, nodeCell, pidsCell, plural, portCell } from './finding-cells.js';
import type { Style } from './style.js';
import { padCells } from './pad-cells.js';
import { renderUnjudged } from './render-unjudged.js';

export interface TextOptions {
  readonly by: 'host' | 'node';
  readonly style: Style;
  /** Lets `by: 'node'` headings show a node's name and uuid even where a finding has only one. */
  readonly desired?: DesiredState | undefined;
}

const HEADINGS = ['SEVERITY', 'KIND', 'NODE', 'PORT', 'PIDS', 'MESSAGE'] as const;

function severityStyle(style: Style, severity: Severity): (text: string) => string {
  switch (severity) {
    case 'critical':
      return style.critical;
    case 'warning':
      return style.warning;
    case 'info':
      return style.info;
    default:
      return assertNever(severity, 'severity');
  }
}

/** Columns padded on the plain text, coloured afterwards, so escape codes never skew widths. */
function table(findings: readonly Finding[], by: 'host' | 'node', style: Style): string[] {
  const rows = findings.map((f) => [f.severity, kindCell(f), by === 'host' ? nodeCell(f) : (f.host ?? '-'), portCell(f), pidsCell(f), f.message]);
  const headings = HEADINGS.map((h) => (h === 'NODE' && by === 'node' ? 'HOST' : h));
  const [heading = [], ...padded] = padCells([headings, ...rows]);
  const out = [`  ${style.dim(heading.join('  '))}`];
  findings.forEach((f, index) => {
    const [severity = '', ...rest] = padded[index] ?? [];
    out.push(`  ${[severityStyle(style, f.severity)(severity), ...rest].join('  ')}`);
  });
  return out;
}

function groupKey(f: Finding, by: 'host' | 'node'): string {
  return by === 'host' ? (f.host ?? '(fleet)') : (f.nodeUuid ?? f.nodeName ?? '(no node)');
}

function groupHeading(key: string, by: 'host' | 'node', findings: readonly Finding[], desired: DesiredState | undefined): string {
  if (by === 'host') return key;
  const node = desired?.nodes.find((n) => n.uuid === key);
  const name = node?.name ?? findings.find((f) => f.nodeName !== null)?.nodeName ?? null;
  const uuid = findings[0]?.nodeUuid ?? null;
  if (name !== null && uuid !== null) return `${name} (${uuid})`;
  return uuid ?? key;
}

/** `3 hosts scanned, 1 unreachable · 2 critical, 1 warning · 12 consoles, 40 nodes` */
export function summaryLine(report: FleetReport): string {
  const counts = countBySeverity(report);
  const hosts = `${plural(report.hostsScanned, 'host')} scanned${report.hostsUnreachable > 0 ? `, ${report.hostsUnreachable} unreachable` : ''}`;
  const severities = [
    counts.critical > 0 ? `${counts.critical} critical` : null,
    counts.warning > 0 ? plural(counts.warning, 'warning') : null,
    counts.info > 0 ? `${counts.info} info` : null,
  ].filter((s): s is string => s !== null);
  if (report.ironicError !== undefined) {
    return [hosts, 'Ironic could not be read: no verdict', `${plural(report.consolesSeen, 'console')} observed`].join(' · ');
  }
  return [hosts, severities.join(', ') || 'no findings', `${plural(report.consolesSeen, 'console')}, ${plural(report.nodesSeen, 'node')}`].join(' · ');
}

/** What Ironic will not look after: one line naming the self-parented nodes, if any. */
export function selfParentedNote(report: FleetReport): string[] {
  const nodes = report.selfParentedNodes ?? [];
  if (nodes.length === 0) return [];
  const one = nodes.length === 1;
  const names = nodes.map((n) => n.name ?? n.uuid).join(', ');
  return [
    `Note: ${plural(nodes.length, 'self-parented node')} (parent_node is the node itself): Ironic's periodic tasks skip ${one ? 'it' : 'them'}, `
      + `so no conductor takes over or restarts ${one ? 'its console' : 'their consoles'}: ${names}`,
  ];
}

/** The human report: findings grouped by host (or node), then one summary line. */
export function renderText(report: FleetReport, options: TextOptions): string {
  const { style, by } = options;
  const ironicError = report.ironicError;
  const head = ironicError === undefined ? [] : renderUnjudged({ ...report, ironicError }, style);
  const notes = selfParentedNote(report).map((line) => style.warning(line));
  if (ironicError === undefined && report.findings.length === 0 && report.hostsUnreachable === 0) {
    return [style.ok(`All clean: ${plural(report.hostsScanned, 'host')}, ${plural(report.consolesSeen, 'console')}, ${plural(report.nodesSeen, 'node')} checked.`), ...notes, ''].join('\n');
  }
  const groups = new Map<string, Finding[]>();
  for (const f of report.findings) groups.set(groupKey(f, by), [...(groups.get(groupKey(f, by)) ?? []), f]);
  const sections = [...groups].map(([key, findings]) => ({ heading: groupHeading(key, by, findings, options.desired), findings }));
  // Findings arrive sorted by host; by node, the sections are ordered by their heading.
  if (by === 'node') sections.sort((a, b) => (a.heading < b.heading ? -1 : a.heading > b.heading ? 1 : 0));
  const lines: string[] = [...head];
  for (const { heading, findings } of sections) lines.push(style.bold(heading), ...table(findings, by, style), '');
  lines.push(...notes, summaryLine(report));
  return `${lines.join('\n')}\n`;
}
