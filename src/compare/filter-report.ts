import type { DesiredState } from '../desire/types.js';
import type { Finding, FleetReport } from './types.js';

/** The CLI's --host, --node and --conductor-group; an empty or absent list does not filter. */
export interface ReportFilters {
  readonly hosts?: readonly string[];
  /** Node UUIDs or names. */
  readonly nodes?: readonly string[];
  readonly conductorGroups?: readonly string[];
}

function active(list: readonly string[] | undefined): list is readonly string[] {
  return list !== undefined && list.length > 0;
}

/**
 * The part of a report the filters select. A finding about a node is kept by the node's
 * conductor group; a finding about no node (unreachable, unmanaged) by the group of the
 * host's conductor, read from `hostConductors` (inventory name → conductor name,
 * defaulting to the inventory name). Counts of unreachable hosts follow the findings kept;
 * the other counts describe the whole scan.
 */
export function filterReport(
  report: FleetReport,
  filters: ReportFilters,
  desired: DesiredState,
  hostConductors: ReadonlyMap<string, string> = new Map(),
): FleetReport {
  if (!active(filters.hosts) && !active(filters.nodes) && !active(filters.conductorGroups)) return report;
  const nodeGroups = new Map(desired.nodes.map((n) => [n.uuid, n.conductorGroup]));
  const conductorGroups = new Map(desired.conductors.map((c) => [c.hostname, c.conductorGroup]));
  const wantedNodes = active(filters.nodes) ? new Set(filters.nodes) : null;
  // A name given to --node also selects findings that only carry the uuid.
  const wantedUuids = new Set(
    desired.nodes.filter((n) => wantedNodes !== null && (wantedNodes.has(n.uuid) || (n.name !== null && wantedNodes.has(n.name)))).map((n) => n.uuid),
  );

  const keep = (f: Finding): boolean => {
    // What Ironic left out holds for every subset of the fleet: never filtered away.
    if (f.kind === 'owner-unknown') return true;
    if (active(filters.hosts) && (f.host === null || !filters.hosts.includes(f.host))) return false;
    if (wantedNodes !== null) {
      const byUuid = f.nodeUuid !== null && (wantedUuids.has(f.nodeUuid) || wantedNodes.has(f.nodeUuid));
      const byName = f.nodeName !== null && wantedNodes.has(f.nodeName);
      if (!byUuid && !byName) return false;
    }
    if (active(filters.conductorGroups)) {
      const group =
        f.nodeUuid !== null && nodeGroups.has(f.nodeUuid)
          ? nodeGroups.get(f.nodeUuid)
          : f.host === null
            ? undefined
            : conductorGroups.get(hostConductors.get(f.host) ?? f.host);
      if (group === undefined || !filters.conductorGroups.includes(group)) return false;
    }
    return true;
  };

  const findings = report.findings.filter(keep);
  return { ...report, findings, hostsUnreachable: findings.filter((f) => f.kind === 'unreachable').length };
}
