import type { DesiredState } from '../desire/types.js';
import type { HostSpec } from '../inventory/types.js';
import type { HostScan } from '../observe/types.js';
import { compareHostContainers } from './compare-containers.js';
import { isRunning } from './container-refs.js';
import { compareHostDaemons } from './compare-daemons.js';
import { compareHostFiles } from './compare-files.js';
import { compareOrphans, compareUnmanaged, compareUnreachable } from './compare-host-processes.js';
import { compareHostAlias, compareOwnerUnknown, compareUnknownConductor } from './compare-names.js';
import { compareOwnedNodes } from './compare-owned-nodes.js';
import { buildFleetContext, liveDaemons } from './fleet-context.js';
import { findSameMachines } from './same-machine.js';
import { sortFindings, uniqueIds } from './sort-findings.js';
import type { Finding, FleetReport, ObservedConsole } from './types.js';

export { exitCodeFor } from './exit-code.js';
export { filterReport, type ReportFilters } from './filter-report.js';

export interface CompareInput {
  readonly desired: DesiredState;
  readonly scans: readonly HostScan[];
  /** The inventory: maps conductor names to hosts, including hosts that could not be scanned. */
  readonly hosts: readonly HostSpec[];
}

/** Zombie listeners are not daemons, but whoever reads a finding about the node should know of them. */
function noteZombies(findings: readonly Finding[], scans: readonly HostScan[]): Finding[] {
  const notes = new Map<string, string[]>();
  for (const scan of scans) {
    if (!scan.ok) continue;
    for (const d of scan.observation.consoles.filter((c) => c.zombie)) {
      const key = `${scan.host}\n${d.nodeUuid}`;
      notes.set(key, [...(notes.get(key) ?? []), `zombie listener pid ${d.pid} (port ${d.port}) is not a live daemon`]);
    }
  }
  return findings.map((f) => {
    const extra = notes.get(`${f.host}\n${f.nodeUuid}`) ?? [];
    const fresh = extra.filter((line) => !f.evidence.includes(line));
    return fresh.length === 0 ? f : { ...f, evidence: [...f.evidence, ...fresh] };
  });
}

/**
 * Compare: a pure function from what Ironic says (desired) and what the hosts showed
 * (scans) to findings. Nothing is concluded about a host that could not be scanned
 * beyond that fact, and `missing` is never judged for an owner that was not scanned.
 */
export function compareFleet(input: CompareInput): FleetReport {
  const context = buildFleetContext(input);
  const findings: Finding[] = [...compareOwnerUnknown(context)];
  for (const scan of input.scans) {
    if (!scan.ok) {
      findings.push(compareUnreachable(scan));
      continue;
    }
    const alias = context.aliases.get(scan.host);
    if (alias !== undefined) {
      findings.push(compareHostAlias(scan.host, alias));
      continue;
    }
    const host = context.hosts.get(scan.host);
    if (host === undefined) continue;
    const observation = scan.observation;
    findings.push(
      ...compareUnknownConductor(context, host),
      ...compareHostDaemons(context, host, observation),
      ...compareOwnedNodes(context, host, observation),
      ...compareHostContainers(context, host, observation),
      ...compareHostFiles(context, host, observation),
      ...compareOrphans(context, host, observation),
      ...compareUnmanaged(host, observation),
    );
  }
  const machines = okScans(input.scans).filter((s) => !context.aliases.has(s.host));
  return {
    findings: sortFindings(uniqueIds(noteZombies(findings, input.scans))),
    hostsScanned: okScans(input.scans).length,
    hostsUnreachable: input.scans.length - okScans(input.scans).length,
    nodesSeen: input.desired.nodes.length,
    consolesSeen: machines.reduce((sum, s) => sum + liveDaemons(s.observation).length + s.observation.containers.filter(isRunning).length, 0),
    nodesConsoleEnabled: input.desired.nodes.filter((n) => n.consoleEnabled).length,
    selfParentedNodes: input.desired.nodes.filter((n) => n.parentNode === n.uuid).map((n) => ({ uuid: n.uuid, name: n.name })),
  };
}

function okScans(scans: readonly HostScan[]): (HostScan & { ok: true })[] {
  return scans.filter((s): s is HostScan & { ok: true } => s.ok);
}

/**
 * What can be said when Ironic could not be read: which hosts could not be scanned, and
 * which consoles were seen, with no verdict about any of them. Pure.
 */
export function compareWithoutDesired(scans: readonly HostScan[], ironicError: string): FleetReport {
  const aliases = findSameMachines(okScans(scans).map((s) => ({ host: s.host, ironicName: null, observation: s.observation })));
  const ok = okScans(scans).filter((s) => !aliases.has(s.host));
  const observed: ObservedConsole[] = ok.flatMap((s) =>
    liveDaemons(s.observation).map((d) => ({ host: s.host, nodeUuid: d.nodeUuid, type: d.type, pid: d.pid, port: d.port })),
  );
  return {
    findings: sortFindings(scans.flatMap((s) => (s.ok ? [] : [compareUnreachable(s)]))),
    hostsScanned: okScans(scans).length,
    hostsUnreachable: scans.length - okScans(scans).length,
    nodesSeen: 0,
    consolesSeen: observed.length + ok.reduce((sum, s) => sum + s.observation.containers.filter(isRunning).length, 0),
    ironicError,
    observed,
  };
}
