/**
 * Builders for plan and apply tests: findings as compare makes them, and actions as
 * planFixes makes them. Overrides say only what a case is about.
 */
import type { Finding, FleetReport, ProcessRef } from '../../src/compare/types.js';
import type { KillAction, Plan, RemoveFileAction, RestartAction } from '../../src/plan/types.js';
import { uuidFor } from '../helpers/builders.js';

export const NODE_1 = uuidFor('node-1');

/** The conductor's user in the builders: consoles run as `ironic`, uid 997. */
export const IRONIC_UID = 997;

/** A socat listener's argv as the probe reports it (redacted), one element per cmdline element. */
export function socatArgv(nodeUuid = NODE_1, port = 10001): string[] {
  return [
    'socat',
    '-T600',
    `-L/tmp/${nodeUuid}.pid`,
    `TCP4-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork,max-children=1`,
    `EXEC:ipmitool -I lanplus -H 10.0.0.10 -L ADMINISTRATOR -U admin -y *** -f /tmp/${nodeUuid}.pw sol activate,pty,stderr`,
  ];
}

export function socatRef(overrides: Partial<ProcessRef> & { nodeUuid?: string; port?: number } = {}): ProcessRef {
  const { nodeUuid = NODE_1, port = 10001, ...rest } = overrides;
  return { pid: 3001, startTicks: 500_001, uid: IRONIC_UID, argv: socatArgv(nodeUuid, port), ...rest };
}

export function buildFinding(overrides: Partial<Finding> = {}): Finding {
  const kind = overrides.kind ?? 'unknown-node';
  const host = overrides.host === undefined ? 'conductor-a' : overrides.host;
  const nodeUuid = overrides.nodeUuid === undefined ? NODE_1 : overrides.nodeUuid;
  return {
    id: `${kind}:${host ?? '-'}:${nodeUuid ?? '-'}`,
    kind,
    severity: 'critical',
    host,
    nodeUuid,
    nodeName: null,
    processes: [socatRef({ nodeUuid: nodeUuid ?? NODE_1 })],
    port: 10001,
    paths: [`/tmp/${nodeUuid ?? 'x'}.pid`],
    expected: null,
    actual: null,
    message: `${kind} on ${host ?? '-'}`,
    evidence: [],
    remedy: 'kill',
    dependsOn: [],
    ...overrides,
  };
}

export function buildReport(findings: readonly Finding[]): FleetReport {
  return { findings, hostsScanned: 1, hostsUnreachable: 0, nodesSeen: 1, consolesSeen: 1 };
}

export function buildKillAction(overrides: Partial<KillAction> = {}): KillAction {
  return {
    kind: 'kill',
    id: 'a1',
    host: 'conductor-a',
    nodeUuid: NODE_1,
    processes: [socatRef()],
    pidFile: `/tmp/${NODE_1}.pid`,
    runAs: 'ironic',
    findingId: `unknown-node:conductor-a:${NODE_1}`,
    findingKind: 'unknown-node',
    ...overrides,
  };
}

export function buildRemoveFileAction(overrides: Partial<RemoveFileAction> = {}): RemoveFileAction {
  return {
    kind: 'remove-file',
    id: 'a2',
    host: 'conductor-a',
    nodeUuid: NODE_1,
    path: `/tmp/${NODE_1}.pid`,
    expectPid: 3001,
    fileKind: 'pid',
    runAs: null,
    expect: { device: 2049, inode: 131_001, uid: 0, mtime: 1_735_689_600 },
    findingId: `stale-pidfile:conductor-a:/tmp/${NODE_1}.pid`,
    findingKind: 'stale-pidfile',
    ...overrides,
  };
}

export function buildRestartAction(overrides: Partial<RestartAction> = {}): RestartAction {
  return {
    kind: 'restart',
    id: 'a3',
    host: 'conductor-a',
    nodeUuid: NODE_1,
    expectedPort: 10001,
    findingId: `missing:conductor-a:${NODE_1}`,
    findingKind: 'missing',
    ...overrides,
  };
}

export function buildPlan(overrides: Partial<Plan> = {}): Plan {
  return {
    schema: 'console-doctor/plan@2',
    createdAt: '2025-01-01T00:00:00.000Z',
    endpoint: 'http://127.0.0.1:6385',
    actions: [],
    skipped: [],
    refusal: null,
    ...overrides,
  };
}
