import type { ConsoleDaemon, HostFile, OrphanSession, ProcessInfo, UnmanagedProcess } from './types.js';
import type { ListenerTable } from './listener-table.js';
import { SOCAT_PROGRAMS, recogniseArgv, type ConsoleArgv } from './console-argv.js';

export interface ClassifyInput {
  readonly processes: readonly ProcessInfo[];
  readonly listeners: ListenerTable;
  readonly files: readonly HostFile[];
  /** Whether every socket's owners are visible (the probe ran as root). */
  readonly privileged: boolean;
  /** Pids in another network namespace than the probe's: their sockets are not in `listeners`. */
  readonly foreignNetNs?: ReadonlySet<number>;
}

export interface Classification {
  readonly consoles: ConsoleDaemon[];
  readonly orphans: OrphanSession[];
  readonly unmanaged: UnmanagedProcess[];
}

type Recognised = { readonly process: ProcessInfo; readonly shape: ConsoleArgv };

const sameArgv = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((arg, i) => arg === b[i]);

const containerPidOf = (process: ProcessInfo): number | null =>
  process.nsPids.length > 1 ? (process.nsPids[process.nsPids.length - 1] as number) : null;

/** A process tree view over one snapshot. */
class ProcessTree {
  readonly byPid: ReadonlyMap<number, ProcessInfo>;
  private readonly children: ReadonlyMap<number, readonly ProcessInfo[]>;

  constructor(processes: readonly ProcessInfo[]) {
    this.byPid = new Map(processes.map((p) => [p.pid, p]));
    const children = new Map<number, ProcessInfo[]>();
    for (const p of processes) {
      const siblings = children.get(p.ppid);
      if (siblings === undefined) children.set(p.ppid, [p]);
      else siblings.push(p);
    }
    this.children = children;
  }

  childrenOf(pid: number): readonly ProcessInfo[] {
    return this.children.get(pid) ?? [];
  }

  descendantsOf(pid: number): number[] {
    const found: number[] = [];
    const queue = [pid];
    while (queue.length > 0) {
      for (const child of this.childrenOf(queue.shift() as number)) {
        if (found.includes(child.pid) || child.pid === pid) continue;
        found.push(child.pid);
        queue.push(child.pid);
      }
    }
    return found;
  }
}

/**
 * Recognises console daemons, orphaned SOL sessions and unmanaged console-like
 * processes in one snapshot of a host (pure).
 *
 * A socat console forks a child with the same argv per connection. A child whose
 * listener was killed is reparented and looks like a listener by argv, so a socat is
 * a listener only when the evidence says so, strongest first: it owns the listening
 * socket; else the lock file names it (or names another process); else, when root sees
 * every owner, it owns no socket; else it has no `ipmitool` child (a session child
 * always runs one).
 */
export function classifyConsoles(input: ClassifyInput): Classification {
  const tree = new ProcessTree(input.processes);
  const recognised: Recognised[] = input.processes
    .map((process) => ({ process, shape: recogniseArgv(process.argv) }))
    .filter((r) => r.shape.shape !== 'other');
  const pidFiles = new Map(input.files.filter((f) => f.kind === 'pid').map((f) => [f.path, f]));
  const consoles: ConsoleDaemon[] = [];
  const orphans: OrphanSession[] = [];
  const unmanaged: UnmanagedProcess[] = [];
  const covered = new Set<number>();

  const socketOwned = (pids: readonly number[], port: number): boolean | null => {
    const owned = input.listeners.onPort(port).some((s) => s.pids.some((pid) => pids.includes(pid)));
    const visible = input.privileged && !pids.some((pid) => input.foreignNetNs?.has(pid) === true);
    return owned ? true : visible ? false : null;
  };
  const namedByFile = (path: string | null, process: ProcessInfo): boolean | null => {
    const file = path === null ? undefined : pidFiles.get(path);
    if (file === undefined || file.pid === null) return null;
    return file.pid === process.pid || file.pid === containerPidOf(process);
  };

  for (const { process, shape } of recognised) {
    if (shape.shape === 'socat-console') {
      const parent = tree.byPid.get(process.ppid);
      if (parent !== undefined && sameArgv(parent.argv, process.argv)) continue; // a session child
      const sessions = tree.descendantsOf(process.pid);
      if (shape.nodeUuid === null || shape.lockFile === null) {
        if (!shape.runsIpmitool) continue;
        sessions.forEach((pid) => covered.add(pid));
        covered.add(process.pid);
        unmanaged.push({ ...identity(process), reason: 'socat console without a -L <node-uuid>.pid lock file' });
        continue;
      }
      const owns = socketOwned([process.pid], shape.port);
      const isListener =
        (owns === true ? true : null) ??
        namedByFile(shape.lockFile, process) ??
        owns ??
        !tree.childrenOf(process.pid).some((child) => recogniseArgv(child.argv).shape === 'ipmitool-sol');
      covered.add(process.pid);
      sessions.forEach((pid) => covered.add(pid));
      if (!isListener) {
        orphans.push({ nodeUuid: shape.nodeUuid, pid: process.pid, startTicks: process.startTicks, bmc: bmcOf(tree, sessions), pids: [process.pid, ...sessions] });
        continue;
      }
      consoles.push({
        type: 'socat',
        nodeUuid: shape.nodeUuid,
        pidFile: shape.lockFile,
        port: shape.port,
        bindAddress: shape.bindAddress,
        pid: process.pid,
        startTicks: process.startTicks,
        helperPids: [],
        sessionPids: sessions,
        zombie: process.state === 'Z',
        listening: socketOwned([process.pid], shape.port),
        containerPid: containerPidOf(process),
      });
    } else if (shape.shape === 'shellinabox-console') {
      const parent = tree.byPid.get(process.ppid);
      if (parent !== undefined && sameArgv(parent.argv, process.argv)) continue; // helper or session
      const helpers = tree.childrenOf(process.pid).filter((child) => sameArgv(child.argv, process.argv)).map((c) => c.pid);
      const sessions = tree.descendantsOf(process.pid).filter((pid) => !helpers.includes(pid));
      [process.pid, ...helpers, ...sessions].forEach((pid) => covered.add(pid));
      if (shape.nodeUuid === null || shape.pidFile === null) {
        unmanaged.push({ ...identity(process), reason: 'shellinaboxd without a --background=<node-uuid>.pid pid file' });
        continue;
      }
      consoles.push({
        type: 'shellinabox',
        nodeUuid: shape.nodeUuid,
        pidFile: shape.pidFile,
        port: shape.port,
        bindAddress: null,
        pid: process.pid,
        startTicks: process.startTicks,
        helperPids: helpers,
        sessionPids: sessions,
        zombie: process.state === 'Z',
        listening: socketOwned([process.pid, ...helpers], shape.port),
        containerPid: containerPidOf(process),
      });
    }
  }

  for (const { process, shape } of recognised) {
    if (shape.shape !== 'ipmitool-sol' || covered.has(process.pid)) continue;
    const pids = [process.pid, ...tree.descendantsOf(process.pid)];
    orphans.push({ nodeUuid: shape.nodeUuid, pid: process.pid, startTicks: process.startTicks, bmc: shape.bmc, pids });
  }

  consoles.push(...zombieDaemons(tree, input.files, consoles));
  return { consoles, orphans, unmanaged };
}

/**
 * A zombie has no argv left, so it is recognised from the pid file that names it and
 * its command name. Its port is unknown (0) and it does not listen.
 */
function zombieDaemons(tree: ProcessTree, files: readonly HostFile[], known: readonly ConsoleDaemon[]): ConsoleDaemon[] {
  const daemons: ConsoleDaemon[] = [];
  for (const file of files) {
    if (file.kind !== 'pid' || file.nodeUuid === null || file.pid === null) continue;
    const process = tree.byPid.get(file.pid);
    if (process === undefined || process.state !== 'Z' || known.some((c) => c.pid === process.pid)) continue;
    const type = SOCAT_PROGRAMS.has(process.comm ?? '') ? 'socat' : process.comm === 'shellinaboxd' ? 'shellinabox' : null;
    if (type === null) continue;
    daemons.push({
      type,
      nodeUuid: file.nodeUuid,
      pidFile: file.path,
      port: 0,
      bindAddress: null,
      pid: process.pid,
      startTicks: process.startTicks,
      helperPids: [],
      sessionPids: [],
      zombie: true,
      listening: false,
      containerPid: containerPidOf(process),
    });
  }
  return daemons;
}

function identity(process: ProcessInfo): Omit<UnmanagedProcess, 'reason'> {
  return { pid: process.pid, startTicks: process.startTicks, argv: process.argv };
}

function bmcOf(tree: ProcessTree, pids: readonly number[]): string | null {
  for (const pid of pids) {
    const process = tree.byPid.get(pid);
    const shape = process === undefined ? undefined : recogniseArgv(process.argv);
    if (shape?.shape === 'ipmitool-sol' && shape.bmc !== null) return shape.bmc;
  }
  return null;
}
