/**
 * "No fix that depends on an unreachable host": decides whether a finding's fix may
 * run given which hosts were scanned whole. Reports depend on nothing.
 */
import type { Finding } from '../compare/types.js';
import type { DesiredState } from '../desire/types.js';
import type { HostScan } from '../observe/types.js';

export interface DependencyContext {
  readonly scans: readonly HostScan[];
  readonly desired: DesiredState;
}

/** Why the fix of `finding` must not run, or null when every host it depends on was scanned. */
export function unmetDependency(finding: Finding, context: DependencyContext): string | null {
  if (finding.remedy === 'report') return null;
  const scannedOk = new Set(context.scans.filter((s) => s.ok).map((s) => s.host));
  if (finding.host !== null && !scannedOk.has(finding.host)) {
    return `host ${finding.host} could not be scanned`;
  }
  if (finding.kind === 'wrong-host') return wrongHostDependency(finding, context, scannedOk);
  const missing = finding.dependsOn.filter((host) => !scannedOk.has(host));
  if (missing.length > 0) return `depends on ${missing.join(', ')}, which could not be scanned`;
  return null;
}

/**
 * A daemon on the wrong host may only be killed when the owner's side is known: its
 * host was scanned, or its conductor is dead (then nobody will start a console there).
 */
function wrongHostDependency(finding: Finding, context: DependencyContext, scannedOk: ReadonlySet<string>): string | null {
  const node = context.desired.nodes.find((n) => n.uuid === finding.nodeUuid);
  const owner = node?.conductor ?? null;
  if (owner === null) return null;
  const ownerDead = context.desired.conductors.some((c) => c.hostname === owner && !c.alive);
  if (ownerDead) return null;
  const ownerScanned = context.scans.some((s) => s.ok && s.observation.conductorName === owner);
  const dependsScanned = finding.dependsOn.length > 0 && finding.dependsOn.every((host) => scannedOk.has(host));
  if (ownerScanned || dependsScanned) return null;
  return `owner conductor ${owner} is alive but its host was not scanned`;
}
