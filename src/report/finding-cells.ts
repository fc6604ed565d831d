import type { Finding, FleetReport, Severity } from '../compare/types.js';

/** The first block of a UUID: enough to tell nodes apart in a table. */
export function shortUuid(uuid: string): string {
  return uuid.slice(0, 8);
}

/** A node as a table cell: its name, else its short uuid, else `-`. */
export function nodeCell(finding: Finding): string {
  if (finding.nodeName !== null) return finding.nodeName;
  return finding.nodeUuid === null ? '-' : shortUuid(finding.nodeUuid);
}

/** The kind, marked when the console is graphical: `wrong-host (graphical)`. */
export function kindCell(finding: Finding): string {
  return finding.graphical === undefined ? finding.kind : `${finding.kind} (graphical)`;
}

/** Pids, or for a graphical console its container's short id. */
export function pidsCell(finding: Finding): string {
  const container = finding.graphical?.container;
  if (container !== undefined && container !== null) return `ctr ${container.id.slice(0, 12)}`;
  return finding.processes.length === 0 ? '-' : finding.processes.map((p) => p.pid).join(',');
}

export function portCell(finding: Finding): string {
  return finding.port === null ? '-' : String(finding.port);
}

export function countBySeverity(report: FleetReport): Readonly<Record<Severity, number>> {
  const counts: Record<Severity, number> = { critical: 0, warning: 0, info: 0 };
  for (const f of report.findings) counts[f.severity] += 1;
  return counts;
}

export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count} ${count === 1 ? word : many}`;
}
