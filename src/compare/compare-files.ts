import { hasGraphicalConsole } from '../desire/desired-node.js';
import type { HostFile, HostObservation } from '../observe/types.js';
import { type FleetContext, type HostContext, liveDaemons, nodeLabel, ownerOf, ownsNode } from './fleet-context.js';
import { makeFinding } from './make-finding.js';
import { removalVerdict } from './removable-file.js';
import { daemonMatchesPid, processForFilePid, toProcessRef } from './process-refs.js';
import type { Finding } from './types.js';

function fileEvidence(file: HostFile): string {
  const what = file.type === 'regular' ? '' : ` (${file.type})`;
  return `${file.path}${what}: mode ${file.mode}, owner ${file.owner}, modified ${new Date(file.mtime * 1000).toISOString()}`;
}

/** `remove-file` when the one removal rule allows it; else `report`, with the reason as evidence. */
function fileRemedy(observation: HostObservation, file: HostFile): { remedy: 'remove-file' | 'report'; evidence: string[] } {
  const verdict = removalVerdict(file, observation);
  return verdict.removable ? { remedy: 'remove-file', evidence: [] } : { remedy: 'report', evidence: [`not removed: ${verdict.reason}`] };
}

/** A pid file is stale when the process it names is gone or is not that node's console. */
function stalePidFile(context: FleetContext, host: HostContext, observation: HostObservation, file: HostFile): Finding | null {
  const uuid = file.nodeUuid;
  if (uuid === null) return null; // not a console's pid file
  const owners = liveDaemons(observation).filter((d) => d.nodeUuid === uuid);
  if (file.pid !== null && owners.some((d) => daemonMatchesPid(observation, d, file.pid as number))) return null;
  const node = context.nodesByUuid.get(uuid);
  const label = nodeLabel(node, uuid);
  let why: string;
  let actual: string;
  const processes = [];
  if (file.pid === null) {
    why = 'is empty or holds no number';
    actual = 'no pid';
  } else {
    const info = processForFilePid(observation, file.pid);
    if (info === undefined) {
      why = `names pid ${file.pid}, which is gone`;
      actual = `pid ${file.pid} gone`;
    } else if (info.state === 'Z') {
      why = `names pid ${file.pid}, which is a zombie`;
      actual = `pid ${file.pid} zombie`;
    } else {
      why = `names pid ${file.pid}, which is now another process (${info.argv.join(' ')})`;
      actual = `pid ${file.pid} is ${info.argv[0] ?? '?'}`;
      processes.push(toProcessRef(info));
    }
  }
  const evidence = [fileEvidence(file)];
  for (const d of owners) evidence.push(`the node's live console on ${host.host} is pid ${d.pid} (pid file ${d.pidFile})`);
  const { remedy, evidence: notRemoved } = fileRemedy(observation, file);
  return makeFinding({
    kind: 'stale-pidfile',
    severity: 'warning',
    host: host.host,
    key: file.path,
    nodeUuid: uuid,
    nodeName: node?.name ?? null,
    processes,
    paths: [file.path],
    expected: `pid of the console of node ${label}`,
    actual,
    message: `pid file of node ${label} on ${host.host} ${why}`,
    evidence: [...evidence, ...notRemoved],
    remedy,
  });
}

/** A credential file is stray on a host that does not own the node, or for a console that is disabled. */
function strayCredential(context: FleetContext, host: HostContext, observation: HostObservation, file: HostFile): Finding | null {
  const uuid = file.nodeUuid;
  if (uuid === null) return null;
  const node = context.nodesByUuid.get(uuid);
  const running = liveDaemons(observation).filter((d) => d.nodeUuid === uuid);
  let why: string;
  let dependsOn: readonly string[] = [];
  if (node === undefined) {
    why = `node ${uuid} is not in Ironic's node list`;
  } else if (node.conductor === undefined || (host.ironicName === null && node.consoleEnabled)) {
    return null; // owner unknown, or this host unknown to Ironic: no verdict that depends on the owner
  } else if (node.consoleEnabled && hasGraphicalConsole(node)) {
    // A serial daemon still running for it is console-disabled, killed first: one fix clears both.
    why = `the node's console is graphical (${node.consoleInterface}): no serial console should read the file`;
  } else if (node.conductor === null && running.length > 0) {
    return null; // feeds the node's only console (nothing owns the node)
  } else if (node.consoleEnabled && node.conductor === host.ironicName && running.length > 0) {
    return null; // feeds the console kept while Ironic still maps the node to this dead-listed conductor
  } else if (!ownsNode(host, node)) {
    const owner = ownerOf(context, node);
    why =
      owner.conductor === null
        ? `no alive conductor of group "${node.conductorGroup}" owns the node`
        : owner.conductor === host.ironicName
          ? `this host's conductor ${owner.conductor} is dead`
          : `Ironic maps the node to ${owner.conductor}`;
    // The file feeds a running console here; removing it waits for the same proof as killing it.
    if (running.length > 0 && owner.host !== null && owner.host.host !== host.host) dependsOn = [owner.host.host];
  } else if (!node.consoleEnabled) {
    // Ironic removes the file when it stops a console. A daemon still running is itself a
    // console-disabled finding, killed before files are removed, so one fix clears both.
    why = 'the console is disabled (Ironic removes the file when it stops a console)';
  } else {
    return null;
  }
  const label = nodeLabel(node, uuid);
  const { remedy, evidence: notRemoved } = fileRemedy(observation, file);
  return makeFinding({
    kind: 'stray-credential',
    severity: 'warning',
    host: host.host,
    key: file.path,
    nodeUuid: uuid,
    nodeName: node?.name ?? null,
    paths: [file.path],
    expected: null,
    actual: file.path,
    message: `BMC credential file of node ${label} on ${host.host}, which does not need it`,
    evidence: [fileEvidence(file), why, ...running.map((d) => `a console for the node still runs here as pid ${d.pid}`), ...notRemoved],
    remedy,
    dependsOn,
  });
}

/** Findings about the pid and credential files of one scanned host. */
export function compareHostFiles(context: FleetContext, host: HostContext, observation: HostObservation): Finding[] {
  const findings: Finding[] = [];
  for (const file of observation.files) {
    const finding = file.kind === 'pid' ? stalePidFile(context, host, observation, file) : strayCredential(context, host, observation, file);
    if (finding !== null) findings.push(finding);
  }
  return findings;
}
