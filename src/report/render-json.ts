/**
 * `--format json`: schema "console-doctor/scan@1". Keys are snake_case; a new major
 * version of the schema is the only way a field changes meaning or disappears.
 *
 * {
 *   "schema": "console-doctor/scan@1",
 *   "version": "0.1.0",                    console-doctor's version
 *   "started_at": ISO 8601, "finished_at": ISO 8601, "duration_ms": number,
 *   "ironic": { "endpoint": string|null, "api_version": string|null, "error": string|null },
 *                                          error set: Ironic could not be read, and no console got a verdict
 *   "exit_code": 0|1|2|3,                  0 clean, 1 warnings, 2 critical, 3 unknown (unreachable host or Ironic error)
 *   "summary": {
 *     "hosts_scanned": number,             hosts that answered
 *     "hosts_unreachable": number,
 *     "verdict": clean|findings|partial|unknown,   unknown: Ironic could not be read (no verdict at all);
 *                                          partial: a host could not be scanned; findings: a warning or worse
 *     "nodes": number|null,                nodes Ironic lists (null when it could not be read)
 *     "nodes_console_enabled": number|null,
 *     "consoles": number,                  live console daemons and running console containers seen
 *                                          (observed even when Ironic could not be read)
 *     "findings": number, "critical": number, "warning": number, "info": number,
 *     "by_kind": { "<kind>": number },     every kind, 0 when none
 *     "self_parented_nodes": number|null   nodes whose parent_node is their own uuid (null when Ironic could not be read)
 *   },
 *   "self_parented_nodes": [ { "uuid", "name": string|null } ],   out of Ironic's periodic tasks: no conductor
 *                                          takes over or restarts their consoles (a fact; changes no verdict)
 *   "hosts": [ { "name", "ok": bool, "error": string|null, "duration_ms", "conductor": string|null,
 *                "warnings": [string] } ],  what the probe could not read or dropped (hostile records), one line each
 *   "observed_consoles": [ { "host", "node_uuid", "type", "pid", "port" } ],   only when Ironic could not be read (daemons; containers only counted)
 *   "findings": [ {
 *     "id": "<kind>:<host>:<node uuid|pid|path>",  stable within one scan
 *     "kind": wrong-host|console-disabled|unknown-node|duplicate|port-mismatch|missing|
 *             orphan-session|stale-pidfile|stray-credential|port-conflict|unmanaged|unreachable|
 *             owner-unknown (nodes without Ironic's conductor field; host null)|
 *             unknown-conductor (a host Ironic does not know)|host-alias (a second name for a machine),
 *     "severity": critical|warning|info,
 *     "host": string|null, "node_uuid": string|null, "node_name": string|null,
 *     "port": number|null, "pids": [number],
 *     "processes": [ { "pid", "start_ticks", "uid", "argv": [string], "command" } ],
 *                                          argv redacted (no KG keys or passwords); command = argv joined, for display
 *     "paths": [string], "expected": string|null, "actual": string|null,
 *     "message": string, "evidence": [string],
 *     "remedy": kill|restart|remove-file|stop-container|report,
 *     "depends_on": [string],              hosts whose scan a fix depends on
 *     "console": serial|graphical,         graphical: a VNC console container (Ironic 2025.1+)
 *     "container": { "provider": container|systemd|null, "engine", "id", "name", "state",
 *                    "node_label": string|null, "conductor_label": string|null } | null
 *                                          graphical findings: the container (engine fields null when none, e.g. missing)
 *   } ]
 * }
 */
import { exitCodeFor } from '../compare/exit-code.js';
import { FINDING_KINDS, type Finding, type FindingKind, type FleetReport, type GraphicalConsole } from '../compare/types.js';
import { countBySeverity } from './finding-cells.js';
import { type RenderMeta, summarizeHost } from './render-meta.js';

export const JSON_SCHEMA = 'console-doctor/scan@1';

function findingJson(f: Finding) {
  return {
    id: f.id,
    kind: f.kind,
    severity: f.severity,
    host: f.host,
    node_uuid: f.nodeUuid,
    node_name: f.nodeName,
    port: f.port,
    pids: f.processes.map((p) => p.pid),
    processes: f.processes.map((p) => ({ pid: p.pid, start_ticks: p.startTicks, uid: p.uid, argv: p.argv, command: p.argv.join(' ') })),
    paths: f.paths,
    expected: f.expected,
    actual: f.actual,
    message: f.message,
    evidence: f.evidence,
    remedy: f.remedy,
    depends_on: f.dependsOn,
    console: f.graphical === undefined ? 'serial' : 'graphical',
    container: f.graphical === undefined ? null : containerJson(f.graphical),
  };
}

function containerJson(g: GraphicalConsole) {
  const c = g.container;
  return {
    provider: g.provider,
    engine: c?.engine ?? null,
    id: c?.id ?? null,
    name: c?.name ?? null,
    state: c?.state ?? null,
    node_label: c?.nodeLabel ?? null,
    conductor_label: c?.conductorLabel ?? null,
  };
}

/** One word for the whole run, so a reader never mistakes "no findings" for "clean". */
export function verdictOf(report: FleetReport): 'clean' | 'findings' | 'partial' | 'unknown' {
  if (report.ironicError !== undefined) return 'unknown';
  if (report.hostsUnreachable > 0) return 'partial';
  return report.findings.some((f) => f.severity !== 'info') ? 'findings' : 'clean';
}

export function renderJson(report: FleetReport, meta: RenderMeta): string {
  const unread = report.ironicError !== undefined;
  const counts = countBySeverity(report);
  const byKind = Object.fromEntries(FINDING_KINDS.map((k) => [k, 0])) as Record<FindingKind, number>;
  for (const f of report.findings) byKind[f.kind] += 1;
  const document = {
    schema: JSON_SCHEMA,
    version: meta.version,
    started_at: meta.startedAt,
    finished_at: meta.finishedAt,
    duration_ms: meta.durationMs,
    ironic: { endpoint: meta.endpoint, api_version: meta.apiVersion, error: meta.error ?? report.ironicError ?? null },
    exit_code: meta.exitCode ?? exitCodeFor(report),
    summary: {
      hosts_scanned: report.hostsScanned,
      hosts_unreachable: report.hostsUnreachable,
      verdict: verdictOf(report),
      nodes: unread ? null : report.nodesSeen,
      nodes_console_enabled: unread ? null : (report.nodesConsoleEnabled ?? null),
      consoles: report.consolesSeen,
      findings: report.findings.length,
      critical: counts.critical,
      warning: counts.warning,
      info: counts.info,
      by_kind: byKind,
      self_parented_nodes: unread ? null : (report.selfParentedNodes ?? []).length,
    },
    self_parented_nodes: (report.selfParentedNodes ?? []).map((n) => ({ uuid: n.uuid, name: n.name })),
    hosts: meta.hosts.map(summarizeHost).map((h) => ({
      name: h.name,
      ok: h.ok,
      error: h.error,
      duration_ms: h.durationMs,
      conductor: h.conductor,
      warnings: h.warnings,
    })),
    ...(unread
      ? { observed_consoles: (report.observed ?? []).map((c) => ({ host: c.host, node_uuid: c.nodeUuid, type: c.type, pid: c.pid, port: c.port })) }
      : {}),
    findings: report.findings.map(findingJson),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
