import type { HostObservation, HostScan } from '../observe/types.js';
import { type FleetContext, type HostContext, nodeLabel } from './fleet-context.js';
import { makeFinding, pidList } from './make-finding.js';
import { identityOf, processByPid, refsForPids } from './process-refs.js';
import type { Finding } from './types.js';

/** Session children and ipmitool whose listener is gone: they hold the BMC's only SOL session. */
export function compareOrphans(context: FleetContext, host: HostContext, observation: HostObservation): Finding[] {
  return observation.orphans.map((orphan) => {
    const node = orphan.nodeUuid === null ? undefined : context.nodesByUuid.get(orphan.nodeUuid);
    const head = processByPid(observation, orphan.pid);
    const lead = identityOf(orphan.pid, orphan.startTicks, head);
    const rest = refsForPids(observation, orphan.pids.filter((pid) => pid !== orphan.pid));
    const allPids = [orphan.pid, ...rest.refs.map((r) => r.pid)];
    const evidence = [`pids ${pidList(allPids)} run a console session with no listener`];
    if (orphan.bmc !== null) evidence.push(`ipmitool talks to BMC ${orphan.bmc}`);
    if (rest.unseen.length > 0) evidence.push(`pids ${pidList(rest.unseen)} were not in the process list`);
    const label = orphan.nodeUuid === null ? 'an unknown node' : `node ${nodeLabel(node, orphan.nodeUuid)}`;
    return makeFinding({
      kind: 'orphan-session',
      severity: 'critical',
      host: host.host,
      key: String(orphan.pid),
      nodeUuid: orphan.nodeUuid,
      nodeName: node?.name ?? null,
      processes: [lead, ...rest.refs],
      actual: `session pid ${orphan.pid} without listener`,
      message: `orphaned console session of ${label} on ${host.host} holds the BMC's SOL session`,
      evidence,
      remedy: 'kill',
    });
  });
}

/** Console-like processes that map to no node: shown, never touched. */
export function compareUnmanaged(host: HostContext, observation: HostObservation): Finding[] {
  return observation.unmanaged.map((process) =>
    makeFinding({
      kind: 'unmanaged',
      severity: 'info',
      host: host.host,
      key: String(process.pid),
      processes: [identityOf(process.pid, process.startTicks, processByPid(observation, process.pid))],
      message: `console-like process pid ${process.pid} on ${host.host} maps to no node: ${process.reason}`,
      evidence: [process.reason],
      remedy: 'report',
    }),
  );
}

/** A host that could not be scanned: nothing about it is concluded. */
export function compareUnreachable(scan: HostScan & { ok: false }): Finding {
  return makeFinding({
    kind: 'unreachable',
    severity: 'critical',
    host: scan.host,
    key: scan.host,
    actual: scan.errorKind,
    message: `${scan.host} could not be scanned: ${scan.error}`,
    evidence: [`${scan.errorKind} error after ${scan.durationMs} ms: ${scan.error}`, 'no finding about its consoles or nodes is made'],
    remedy: 'report',
  });
}
