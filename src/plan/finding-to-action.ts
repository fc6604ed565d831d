/**
 * One finding → one action, by its remedy. Ids are given later, once the plan is
 * ordered; here every action carries an empty id.
 */
import type { Finding } from '../compare/types.js';
import type { DesiredState } from '../desire/types.js';
import { assertNever } from '../errors.js';
import type { HostFile, HostObservation, HostScan } from '../observe/types.js';
import { removalVerdict } from '../compare/removable-file.js';
import type { Action, KillAction } from './types.js';

export interface ActionContext {
  readonly scans: readonly HostScan[];
  readonly desired: DesiredState;
}

/** Either the action, or why none can be built from this finding. */
export type ActionOrSkip = { readonly action: Action } | { readonly skip: string };

export function actionForFinding(finding: Finding, context: ActionContext): ActionOrSkip {
  const common = { id: '', findingId: finding.id, findingKind: finding.kind, nodeUuid: finding.nodeUuid };
  switch (finding.remedy) {
    case 'kill':
      return killAction(finding, common, context.scans);
    case 'remove-file': {
      const path = finding.paths[0];
      if (finding.host === null || path === undefined) return { skip: 'file removal without a host or a path' };
      const scanned = observedFile(context.scans, finding.host, path);
      if (scanned === null) return { skip: `${path} is not in the scan of ${finding.host}` };
      const verdict = removalVerdict(scanned.file, scanned.observation);
      if (!verdict.removable) return { skip: `${path} is not removed: ${verdict.reason}` };
      const fileKind = scanned.file.kind;
      const expectPid = fileKind === 'pid' ? scanned.file.pid : null;
      const { runAs, identity: expect } = verdict;
      return { action: { ...common, kind: 'remove-file', host: finding.host, path, fileKind, expectPid, runAs, expect } };
    }
    case 'stop-container': {
      const container = finding.graphical?.container ?? null;
      const quadlet = finding.graphical?.quadlet;
      if (finding.host === null || finding.nodeUuid === null) return { skip: 'console stop without a host or a node' };
      const target = { ...common, kind: 'stop-container' as const, host: finding.host, nodeUuid: finding.nodeUuid, container };
      // systemd provider: its unit and quadlet file, named by the node.
      if (quadlet !== undefined) return { action: { ...target, quadlet } };
      if (container === null) return { skip: 'console stop without a container' };
      // container provider: only a container whose own label names the node (never one found by its name alone).
      if (container.nodeLabel !== finding.nodeUuid) return { skip: `container ${container.name} carries no label naming node ${finding.nodeUuid}: never stopped` };
      return { action: target };
    }
    case 'restart': {
      if (finding.nodeUuid === null) return { skip: 'restart without a node' };
      const host = finding.host ?? ownerHost(context, finding.nodeUuid);
      if (host === null) return { skip: `no scanned host runs the owner conductor of node ${finding.nodeUuid}` };
      const node = context.desired.nodes.find((n) => n.uuid === finding.nodeUuid);
      // Only a fixed ipmi_terminal_port is known in advance: Ironic allocates a new port
      // from [console]port_range on every start.
      const expectedPort = node === undefined ? finding.port : node.consolePortFixed ? node.consolePort : null;
      if (finding.graphical !== undefined) return { action: { ...common, kind: 'restart', host, nodeUuid: finding.nodeUuid, expectedPort: null, graphical: true } };
      return { action: { ...common, kind: 'restart', host, nodeUuid: finding.nodeUuid, expectedPort } };
    }
    case 'report':
      return { action: { ...common, kind: 'report', host: finding.host, reason: finding.message } };
    default:
      return assertNever(finding.remedy, 'remedy');
  }
}

/**
 * A kill runs as the listener's owner (least privilege), so every target must be that
 * user's: a process of another uid in the tree is left out of the action (the host checks
 * each uid again). The name is the host's, from the scan; a uid without one is `#uid`.
 */
function killAction(finding: Finding, common: CommonFields, scans: readonly HostScan[]): ActionOrSkip {
  const [listener] = finding.processes;
  if (finding.host === null) return { skip: 'kill without a host' };
  if (listener === undefined) return { skip: 'kill without processes' };
  if (listener.uid < 0) return { skip: `the owner of pid ${listener.pid} is unknown: nothing to check it against` };
  const scan = scans.find((s) => s.ok && s.host === finding.host);
  const user = scan?.ok ? scan.observation.processes.find((p) => p.uid === listener.uid)?.user : undefined;
  const runAs = user === undefined || /^\d+$/.test(user) ? `#${listener.uid}` : user;
  const processes = finding.processes.filter((p) => p.uid === listener.uid);
  return { action: { ...common, kind: 'kill', host: finding.host, processes, pidFile: killPidFile(finding, scans), runAs } };
}

/**
 * The pid file a kill removes once the listener is gone: only one the removal rule allows
 * (removable-file.ts). A console's argv names its pid file, and any local user can start a
 * console-shaped process naming a file elsewhere; such a file is left where it is.
 */
function killPidFile(finding: Finding, scans: readonly HostScan[]): string | null {
  const path = finding.paths.find((p) => p.endsWith('.pid'));
  if (path === undefined || finding.host === null) return null;
  const scanned = observedFile(scans, finding.host, path);
  return scanned !== null && removalVerdict(scanned.file, scanned.observation).removable ? path : null;
}

type CommonFields = Pick<KillAction, 'id' | 'findingId' | 'findingKind' | 'nodeUuid'>;

/** The file as the host's scan saw it, with that scan's observation. */
function observedFile(scans: readonly HostScan[], host: string, path: string): { file: HostFile; observation: HostObservation } | null {
  for (const scan of scans) {
    if (scan.host !== host || !scan.ok) continue;
    const file = scan.observation.files.find((f) => f.path === path);
    if (file !== undefined) return { file, observation: scan.observation };
  }
  return null;
}

/** The inventory host whose conductor Ironic maps the node to. */
function ownerHost(context: ActionContext, nodeUuid: string): string | null {
  const conductor = context.desired.nodes.find((n) => n.uuid === nodeUuid)?.conductor ?? null;
  if (conductor === null) return null;
  const scan = context.scans.find((s) => s.ok && s.observation.conductorName === conductor);
  return scan?.host ?? null;
}
