import type { Finding, FindingKind, GraphicalConsole, ProcessRef, Remedy, Severity } from './types.js';

/** What a rule must say about a finding; everything else defaults to "none". */
export interface FindingDraft {
  readonly kind: FindingKind;
  readonly severity: Severity;
  readonly host: string | null;
  /** The last part of the id: node uuid, pid or path. */
  readonly key: string;
  readonly message: string;
  readonly remedy: Remedy;
  readonly nodeUuid?: string | null;
  readonly nodeName?: string | null;
  readonly processes?: readonly ProcessRef[];
  readonly port?: number | null;
  readonly paths?: readonly string[];
  readonly expected?: string | null;
  readonly actual?: string | null;
  readonly evidence?: readonly string[];
  readonly dependsOn?: readonly string[];
  readonly graphical?: GraphicalConsole;
}

export function makeFinding(draft: FindingDraft): Finding {
  return {
    id: `${draft.kind}:${draft.host ?? '-'}:${draft.key}`,
    kind: draft.kind,
    severity: draft.severity,
    host: draft.host,
    nodeUuid: draft.nodeUuid ?? null,
    nodeName: draft.nodeName ?? null,
    processes: draft.processes ?? [],
    port: draft.port ?? null,
    paths: draft.paths ?? [],
    expected: draft.expected ?? null,
    actual: draft.actual ?? null,
    message: draft.message,
    evidence: draft.evidence ?? [],
    remedy: draft.remedy,
    dependsOn: draft.dependsOn ?? [],
    ...(draft.graphical === undefined ? {} : { graphical: draft.graphical }),
  };
}

/** `host:port`, with `?` for a port Ironic does not know. */
export function endpointText(host: string, port: number | null): string {
  return `${host}:${port ?? '?'}`;
}

/** The pids of a finding, as the evidence names them. */
export function pidList(pids: readonly number[]): string {
  return pids.join(',');
}
