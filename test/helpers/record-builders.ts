/**
 * Builders with overrides for what the audit trail stores. Values are shaped like a real
 * scan of two conductors where conductor-b kept a socat for a node that moved to conductor-a.
 */
import type { ActionOutcome } from '../../src/apply/types.js';
import { ListenerTable } from '../../src/observe/listener-table.js';
import type { Finding } from '../../src/compare/types.js';
import type { HostObservation, HostScan } from '../../src/observe/types.js';
import type { KillAction, RestartAction } from '../../src/plan/types.js';
import type { RunStart } from '../../src/record/types.js';

export const NODE_UUID = '5a2f1c2e-8d7b-4c1e-9b8e-0f3a6e1d2c4b';
export const NODE_NAME = 'compute-17';

export function runStart(overrides: Partial<RunStart> = {}): RunStart {
  return {
    command: 'scan',
    argv: ['scan', '--inventory', 'inventory.yaml'],
    user: 'ops',
    clientHost: 'bastion1',
    version: '0.1.0',
    startedAt: '2026-11-25T09:00:00.000Z',
    ...overrides,
  };
}

export function observation(overrides: Partial<HostObservation> = {}): HostObservation {
  return {
    host: 'conductor-a',
    conductorName: 'conductor-a.example.net',
    bootId: '0d9e6b1e-3c52-4f0a-a8f7-2b9b9f1f6a11',
    settings: { pidDir: '/tmp', tempdir: '/tmp' },
    processes: [],
    listeners: ListenerTable.of([]),
    files: [],
    fileDirs: [{ dir: '/tmp', source: 'default' }],
    conductorUser: { name: 'root', uid: 0, source: 'default', notes: [] },
    filesSeenIn: 'host',
    consoles: [],
    orphans: [],
    unmanaged: [],
    containers: [],
    containerEngines: [],
    quadlets: [],
    userUnits: [],
    userManagers: [],
    podmanUsers: [],
    privileged: true,
    warnings: [],
    ...overrides,
  };
}

export function okScan(host: string, overrides: Partial<HostObservation> = {}): HostScan {
  return { host, ok: true, observation: observation({ host, conductorName: `${host}.example.net`, ...overrides }), durationMs: 212 };
}

export function failedScan(host: string, error: string, errorKind: 'auth' | 'unreachable' = 'unreachable'): HostScan {
  return { host, ok: false, error, errorKind, durationMs: 10_000 };
}

export function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    id: `wrong-host:conductor-b:${NODE_UUID}`,
    kind: 'wrong-host',
    severity: 'critical',
    host: 'conductor-b',
    nodeUuid: NODE_UUID,
    nodeName: NODE_NAME,
    processes: [{ pid: 4242, startTicks: 90817, uid: 997, argv: ['socat', '-T600', `-L/tmp/${NODE_UUID}.pid`, 'TCP4-LISTEN:10017'] }],
    port: 10017,
    paths: [`/tmp/${NODE_UUID}.pid`],
    expected: 'conductor-a',
    actual: 'conductor-b',
    message: `socat for ${NODE_NAME} runs on conductor-b, Ironic maps it to conductor-a`,
    evidence: ['node.conductor = conductor-a.example.net', 'pid 4242 listens on 127.0.0.1:10017'],
    remedy: 'kill',
    dependsOn: ['conductor-a'],
    ...overrides,
  };
}

export function killAction(overrides: Partial<KillAction> = {}): KillAction {
  return {
    kind: 'kill',
    id: `kill:conductor-b:${NODE_UUID}`,
    host: 'conductor-b',
    nodeUuid: NODE_UUID,
    processes: [{ pid: 4242, startTicks: 90817, uid: 997, argv: ['socat', '-T600', `-L/tmp/${NODE_UUID}.pid`, 'TCP4-LISTEN:10017'] }],
    pidFile: `/tmp/${NODE_UUID}.pid`,
    runAs: 'ironic',
    findingId: `wrong-host:conductor-b:${NODE_UUID}`,
    findingKind: 'wrong-host',
    ...overrides,
  };
}

export function restartAction(overrides: Partial<RestartAction> = {}): RestartAction {
  return {
    kind: 'restart',
    id: `restart:conductor-a:${NODE_UUID}`,
    host: 'conductor-a',
    nodeUuid: NODE_UUID,
    expectedPort: 10017,
    findingId: `missing:conductor-a:${NODE_UUID}`,
    findingKind: 'missing',
    ...overrides,
  };
}

export function outcome(overrides: Partial<ActionOutcome> = {}): ActionOutcome {
  return { actionId: `kill:conductor-b:${NODE_UUID}`, status: 'done', detail: 'killed 4242 (TERM)', killed: [4242], durationMs: 130, ...overrides };
}
