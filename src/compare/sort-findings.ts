import { FINDING_KINDS, type Finding } from './types.js';

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Host (fleet-wide last), node (name, else uuid; none first), kind in table order, then id. */
export function compareFindings(a: Finding, b: Finding): number {
  if (a.host !== b.host) {
    if (a.host === null) return 1;
    if (b.host === null) return -1;
    return compareText(a.host, b.host);
  }
  const nodeA = a.nodeName ?? a.nodeUuid ?? '';
  const nodeB = b.nodeName ?? b.nodeUuid ?? '';
  return (
    compareText(nodeA, nodeB) ||
    FINDING_KINDS.indexOf(a.kind) - FINDING_KINDS.indexOf(b.kind) ||
    compareText(a.id, b.id)
  );
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

/**
 * Ids are `${kind}:${host}:${key}`; when one host has two instances of the same finding
 * for one node (two stray daemons of a node on one non-owner), the pid tells them apart.
 */
export function uniqueIds(findings: readonly Finding[]): Finding[] {
  const counts = new Map<string, number>();
  for (const f of findings) counts.set(f.id, (counts.get(f.id) ?? 0) + 1);
  return findings.map((f) => {
    if ((counts.get(f.id) ?? 0) < 2) return f;
    const pid = f.processes[0]?.pid;
    return { ...f, id: `${f.id}:${pid ?? f.paths[0] ?? ''}` };
  });
}
