/**
 * Builders with overrides for the domain types of every stage. Defaults describe one
 * healthy conductor host running socat consoles the way Ironic starts them; a test
 * overrides only what its case is about. Everything is deterministic: pids and uuids are
 * derived from names, never from counters or randomness.
 */
import { createHash } from 'node:crypto';
import { ListenerTable } from '../../src/observe/listener-table.js';
import { compareFleet } from '../../src/compare/compare-fleet.js';
import type { Finding, FleetReport } from '../../src/compare/types.js';
import type { ConductorInfo, DesiredNode, DesiredState } from '../../src/desire/types.js';
import type { HostSpec } from '../../src/inventory/types.js';
import type {
  ConsoleContainer,
  ConsoleDaemon,
  HostFile,
  HostObservation,
  HostScan,
  ListenSocket,
  OrphanSession,
  ProcessInfo,
  UnmanagedProcess,
} from '../../src/observe/types.js';
import type { RenderMeta } from '../../src/report/render-meta.js';

/** A stable, valid-looking v4 UUID for a name: `uuidFor('node-1')` is the same in every run. */
export function uuidFor(name: string): string {
  const h = createHash('sha1').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A stable pid in 2000..31999 for a seed. */
export function pidFor(seed: string): number {
  return 2000 + (parseInt(createHash('sha1').update(seed).digest('hex').slice(0, 8), 16) % 30000);
}

export function buildNode(overrides: Partial<DesiredNode> & { name?: string | null } = {}): DesiredNode {
  const name = overrides.name === undefined ? 'node-1' : overrides.name;
  return {
    uuid: uuidFor(name ?? 'unnamed'),
    name,
    consoleEnabled: true,
    consoleInterface: 'ipmitool-socat',
    conductor: 'conductor-a',
    conductorGroup: '',
    provisionState: 'active',
    maintenance: false,
    reservation: null,
    consolePort: 10001,
    consolePortFixed: true,
    ...overrides,
  };
}

export function buildConductor(overrides: Partial<ConductorInfo> = {}): ConductorInfo {
  return { hostname: 'conductor-a', conductorGroup: '', alive: true, ...overrides };
}

export function buildDesired(overrides: Partial<DesiredState> = {}): DesiredState {
  return {
    nodes: [],
    conductors: [buildConductor()],
    apiVersion: '1.82',
    endpoint: 'http://127.0.0.1:6385',
    readAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function buildHostSpec(overrides: Partial<HostSpec> = {}): HostSpec {
  const name = overrides.name ?? 'conductor-a';
  return {
    name,
    connection: 'ssh',
    address: '127.0.0.1',
    port: 22,
    user: 'ironic',
    identityFiles: [],
    jumpHosts: [],
    sudo: true,
    sudoUser: undefined,
    container: undefined,
    conductorName: undefined,
    ironicConf: '/etc/ironic/ironic.conf',
    settings: {},
    ...overrides,
  };
}

/** The redacted ipmitool command inside a console, as the probe reports it. */
export function ipmitoolArgv(nodeUuid: string, tempdir = '/tmp'): string[] {
  return ['ipmitool', '-I', 'lanplus', '-H', '10.0.0.10', '-L', 'ADMINISTRATOR', '-U', 'admin', '-f', `${tempdir}/${nodeUuid}.pw`, 'sol', 'activate'];
}

/** One console instance. `nodeUuid` defaults to node-1's; the pid is derived from node and port. */
export function buildDaemon(overrides: Partial<ConsoleDaemon> & { pidDir?: string } = {}): ConsoleDaemon {
  const { pidDir = '/tmp', ...rest } = overrides;
  const nodeUuid = rest.nodeUuid ?? uuidFor('node-1');
  const port = rest.port ?? 10001;
  const type = rest.type ?? 'socat';
  const pid = rest.pid ?? pidFor(`${nodeUuid}:${port}:${type}`);
  return {
    type,
    nodeUuid,
    pidFile: `${pidDir}/${nodeUuid}.pid`,
    port,
    bindAddress: type === 'socat' ? '127.0.0.1' : '0.0.0.0',
    pid,
    startTicks: 500_000 + (pid % 1000),
    helperPids: type === 'shellinabox' ? [pid + 1] : [],
    sessionPids: [],
    zombie: false,
    listening: true,
    containerPid: null,
    ...rest,
  };
}

/** argv of a daemon's listener, exactly as Ironic's console_utils builds it. */
export function daemonArgv(daemon: ConsoleDaemon): string[] {
  const cmd = ipmitoolArgv(daemon.nodeUuid).join(' ');
  if (daemon.type === 'socat') {
    return [
      'socat',
      '-T600',
      `-L${daemon.pidFile}`,
      `TCP4-LISTEN:${daemon.port},bind=${daemon.bindAddress ?? '0.0.0.0'},reuseaddr,fork,max-children=1`,
      `EXEC:${cmd},pty,stderr`,
    ];
  }
  return ['shellinaboxd', '-t', '-p', String(daemon.port), `--background=${daemon.pidFile}`, '-s', `/:997:997:HOME:${cmd}`];
}

/** A console container of Ironic's `container` provider, running on podman, labelled for `nodeUuid`. */
export function buildContainer(overrides: Partial<ConsoleContainer> & { nodeUuid?: string | null } = {}): ConsoleContainer {
  const node = overrides.nodeUuid === undefined ? uuidFor('node-1') : overrides.nodeUuid;
  const seed = `${node ?? 'none'}:${overrides.engine ?? 'podman'}:${overrides.name ?? ''}`;
  return {
    engine: 'podman',
    uid: null,
    provider: 'container',
    id: createHash('sha256').update(seed).digest('hex'),
    name: `ironic-console-${node ?? 'x'}`,
    state: 'running',
    labelled: true,
    conductor: 'conductor-a',
    nodeUuid: node,
    nameUuid: node,
    ports: [{ address: '10.0.0.1', hostPort: 40000 + (pidFor(seed) % 20000), containerPort: 5900 }],
    ...overrides,
  };
}

/** ironic.conf of a conductor running graphical consoles in podman containers on the host. */
export const GRAPHICAL_SETTINGS = {
  pidDir: '/tmp',
  tempdir: '/tmp',
  vncEnabled: 'True',
  containerProvider: 'container',
  containerExecutable: 'podman',
} as const;

export function buildProcess(overrides: Partial<ProcessInfo> = {}): ProcessInfo {
  const pid = overrides.pid ?? 4242;
  return {
    pid,
    ppid: 1,
    uid: 997,
    user: 'ironic',
    state: 'S',
    startTicks: 500_000 + (pid % 1000),
    argv: ['sleep', 'infinity'],
    nsPids: [pid],
    ...overrides,
  };
}

/** The processes a daemon consists of: listener, helpers (same argv), sessions (socat fork, then ipmitool). */
export function daemonProcessInfos(daemon: ConsoleDaemon): ProcessInfo[] {
  const argv = daemonArgv(daemon);
  const nsPids = (pid: number, inner: number | null): number[] => (inner === null ? [pid] : [pid, inner]);
  const listener = buildProcess({
    pid: daemon.pid,
    ppid: daemon.type === 'socat' ? 900 : 1,
    state: daemon.zombie ? 'Z' : 'S',
    startTicks: daemon.startTicks,
    argv,
    nsPids: nsPids(daemon.pid, daemon.containerPid),
  });
  const helpers = daemon.helperPids.map((pid, i) =>
    buildProcess({ pid, ppid: daemon.pid, startTicks: daemon.startTicks, argv, nsPids: nsPids(pid, daemon.containerPid === null ? null : daemon.containerPid + 1 + i) }),
  );
  const sessions = daemon.sessionPids.map((pid, i) =>
    buildProcess({ pid, ppid: i === 0 ? daemon.pid : daemon.sessionPids[0], startTicks: daemon.startTicks + 100, argv: i === 0 ? argv : ipmitoolArgv(daemon.nodeUuid) }),
  );
  return [listener, ...helpers, ...sessions];
}

export function buildListener(overrides: Partial<ListenSocket> = {}): ListenSocket {
  return { family: 'ipv4', address: '127.0.0.1', port: 10001, pids: [4242], ...overrides };
}

export function buildPidFile(overrides: Partial<HostFile> & { dir?: string } = {}): HostFile {
  const { dir = '/tmp', ...rest } = overrides;
  const nodeUuid = rest.nodeUuid === undefined ? uuidFor('node-1') : rest.nodeUuid;
  return {
    path: `${dir}/${nodeUuid ?? 'other'}.pid`,
    kind: 'pid',
    nodeUuid,
    pid: 4242,
    device: 2049,
    inode: 131_000 + (nodeUuid === null ? 0 : Number.parseInt(nodeUuid.slice(0, 4), 16)),
    type: 'regular',
    mode: '644',
    uid: 997,
    owner: 'ironic',
    mtime: 1_735_689_600,
    ...rest,
  };
}

export function buildPwFile(overrides: Partial<HostFile> & { dir?: string } = {}): HostFile {
  const { dir = '/tmp', ...rest } = overrides;
  const nodeUuid = rest.nodeUuid === undefined ? uuidFor('node-1') : rest.nodeUuid;
  const pidFile = buildPidFile({ nodeUuid, dir });
  return { ...pidFile, path: `${dir}/${nodeUuid ?? 'other'}.pw`, kind: 'pw', pid: null, inode: pidFile.inode + 1, mode: '600', ...rest };
}

export function buildOrphan(overrides: Partial<OrphanSession> = {}): OrphanSession {
  const pid = overrides.pid ?? 7001;
  return { nodeUuid: uuidFor('node-1'), pid, startTicks: 600_000, bmc: '10.0.0.10', pids: [pid, pid + 1], ...overrides };
}

export function buildUnmanaged(overrides: Partial<UnmanagedProcess> = {}): UnmanagedProcess {
  return {
    pid: 8001,
    startTicks: 700_000,
    argv: ['socat', 'TCP4-LISTEN:10099,fork', 'EXEC:ipmitool -I lanplus -H 10.0.0.99 sol activate'],
    reason: 'socat running ipmitool without a -L lock file',
    ...overrides,
  };
}

/** Overrides of an observation; `extra*` are added to what is derived from the consoles. */
export type ObservationOverrides = Partial<Omit<HostObservation, 'listeners'>> & {
  /** The host's listening sockets (a ListenerTable in the observation). */
  readonly listeners?: readonly ListenSocket[];
  readonly extraProcesses?: readonly ProcessInfo[];
  readonly extraListeners?: readonly ListenSocket[];
  readonly extraFiles?: readonly HostFile[];
};

/**
 * A host's observation. Unless given explicitly, processes, listeners and files are
 * derived from `consoles`, `orphans` and `unmanaged`: each live console has its processes,
 * a listening socket, a pid file naming it and a `.pw` credential file, as on a real host.
 */
export function buildObservation(overrides: ObservationOverrides = {}): HostObservation {
  const { extraProcesses = [], extraListeners = [], extraFiles = [], ...rest } = overrides;
  const host = rest.host ?? 'conductor-a';
  const consoles = rest.consoles ?? [];
  const orphans = rest.orphans ?? [];
  const unmanaged = rest.unmanaged ?? [];
  const settings = rest.settings ?? { pidDir: '/tmp', tempdir: '/tmp' };
  const derivedProcesses = [
    ...consoles.flatMap(daemonProcessInfos),
    ...orphans.flatMap((o) =>
      o.pids.map((pid, i) =>
        buildProcess({ pid, startTicks: i === 0 ? o.startTicks : o.startTicks + 1, argv: i === 0 ? ['socat', 'EXEC:ipmitool', 'pty'] : ipmitoolArgv(o.nodeUuid ?? 'unknown') }),
      ),
    ),
    ...unmanaged.map((u) => buildProcess({ pid: u.pid, startTicks: u.startTicks, argv: [...u.argv] })),
  ];
  const live = consoles.filter((d) => !d.zombie);
  const derivedListeners = live
    .filter((d) => d.listening !== false)
    .map((d) => buildListener({ address: d.bindAddress ?? '0.0.0.0', port: d.port, pids: [d.pid, ...d.helperPids] }));
  const derivedFiles = live.flatMap((d) => [
    buildPidFile({ nodeUuid: d.nodeUuid, path: d.pidFile, pid: d.containerPid ?? d.pid }),
    buildPwFile({ nodeUuid: d.nodeUuid, dir: settings.tempdir }),
  ]);
  const files = [...(rest.files ?? uniqueByPath(derivedFiles)), ...extraFiles];
  // By default every file's directory is trusted, as the probe's configured directories would be.
  const fileDirs = rest.fileDirs ?? [...new Set([settings.tempdir, settings.pidDir, ...files.map((f) => f.path.slice(0, f.path.lastIndexOf('/')))])].map((dir) => ({ dir, source: 'ironic.conf' as const }));
  return {
    host,
    conductorName: host,
    bootId: 'c0ffee00-0000-4000-8000-000000000001',
    conductorUser: { name: 'ironic', uid: 997, source: 'ironic-conductor process', notes: [] },
    filesSeenIn: 'host',
    privileged: true,
    warnings: [],
    containers: [],
    containerEngines: [],
    quadlets: [],
    userUnits: [],
    userManagers: [],
    podmanUsers: [],
    ...rest,
    settings,
    consoles,
    orphans,
    unmanaged,
    processes: [...(rest.processes ?? derivedProcesses), ...extraProcesses],
    listeners: ListenerTable.of([...(rest.listeners ?? derivedListeners), ...extraListeners]),
    files,
    fileDirs,
  };
}

function uniqueByPath(files: readonly HostFile[]): HostFile[] {
  return [...new Map(files.map((f) => [f.path, f])).values()];
}

export function buildScan(observation: HostObservation, durationMs = 120): HostScan {
  return { host: observation.host, ok: true, observation, durationMs };
}

export function buildFailedScan(
  host: string,
  error = `${host}: connect ECONNREFUSED 127.0.0.1:22`,
  errorKind: 'auth' | 'unreachable' | 'config' | 'internal' = 'unreachable',
): HostScan {
  return { host, ok: false, error, errorKind, durationMs: 10_000 };
}

/** A finding as compare would make it; the id follows kind, host and node unless given. */
export function buildFinding(overrides: Partial<Finding> = {}): Finding {
  const kind = overrides.kind ?? 'wrong-host';
  const host = overrides.host === undefined ? 'conductor-a' : overrides.host;
  const nodeUuid = overrides.nodeUuid === undefined ? uuidFor('node-1') : overrides.nodeUuid;
  return {
    id: `${kind}:${host ?? '-'}:${nodeUuid ?? 'x'}`,
    kind,
    severity: 'critical',
    host,
    nodeUuid,
    nodeName: 'node-1',
    processes: [{ pid: 4242, startTicks: 500_242, uid: 997, argv: ['socat', '-T600', '-L/tmp/x.pid', 'TCP4-LISTEN:10001'] }],
    port: 10001,
    paths: [],
    expected: null,
    actual: null,
    message: 'console of node node-1 runs on conductor-a, but Ironic maps the node to conductor-b',
    evidence: [],
    remedy: 'kill',
    dependsOn: [],
    ...overrides,
  };
}

export function buildReport(overrides: Partial<FleetReport> = {}): FleetReport {
  return { findings: [], hostsScanned: 3, hostsUnreachable: 0, nodesSeen: 40, consolesSeen: 12, nodesConsoleEnabled: 30, ...overrides };
}

/**
 * conductor-a's conductor died: its console of `web-01` stays while conductor-b runs
 * the new one; conductor-c could not be reached; conductor-b also has an unmanaged socat.
 * One node name carries XML's special characters.
 */
export function buildSampleRun(): { report: FleetReport; meta: RenderMeta } {
  const web = buildNode({ name: 'web-01', conductor: 'conductor-b', consolePort: 10001 });
  const odd = buildNode({ name: `db<&"'>`, conductor: 'conductor-b', consolePort: 10002, provisionState: 'available' });
  const scans = [
    buildScan(buildObservation({ host: 'conductor-a', consoles: [buildDaemon({ nodeUuid: web.uuid, port: 10001, pid: 3100 })] }), 140),
    buildScan(
      buildObservation({
        host: 'conductor-b',
        consoles: [buildDaemon({ nodeUuid: web.uuid, port: 10001, pid: 3200 })],
        unmanaged: [buildUnmanaged({ pid: 8001 })],
      }),
      95,
    ),
    buildFailedScan('conductor-c', 'conductor-c: connect ETIMEDOUT 127.0.0.3:22'),
  ];
  const report = compareFleet({
    desired: buildDesired({
      nodes: [web, odd],
      conductors: [buildConductor({ hostname: 'conductor-a', alive: false }), buildConductor({ hostname: 'conductor-b' }), buildConductor({ hostname: 'conductor-c' })],
    }),
    scans,
    hosts: ['conductor-a', 'conductor-b', 'conductor-c'].map((name) => buildHostSpec({ name })),
  });
  const meta: RenderMeta = {
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: '2025-01-01T00:00:12.500Z',
    durationMs: 12_500,
    version: '0.1.0',
    apiVersion: '1.82',
    endpoint: 'http://127.0.0.1:6385',
    hosts: scans,
  };
  return { report, meta };
}
