import type { ConsoleDaemon, HostObservation, ProcessInfo } from '../observe/types.js';
import type { ProcessRef } from './types.js';

/** The process a pid names, by host pid. */
export function processByPid(observation: HostObservation, pid: number): ProcessInfo | undefined {
  return observation.processes.find((p) => p.pid === pid);
}

/**
 * The live process a pid file's number names: the host pid, or inside a container the
 * innermost namespace pid (pid files written in kolla's conductor container hold those).
 */
export function processForFilePid(observation: HostObservation, pid: number): ProcessInfo | undefined {
  const candidates = observation.processes.filter((p) => p.pid === pid || p.nsPids[p.nsPids.length - 1] === pid);
  return candidates.find((p) => p.state !== 'Z') ?? candidates[0];
}

export function toProcessRef(info: ProcessInfo): ProcessRef {
  return { pid: info.pid, startTicks: info.startTicks, uid: info.uid, argv: info.argv };
}

/**
 * The ref of a process first seen elsewhere (a daemon, an orphan) at this start time. One
 * the process list does not show gets no argv, and a kill of it is refused on the host.
 */
export function identityOf(pid: number, startTicks: number, info: ProcessInfo | undefined): ProcessRef {
  return info === undefined ? { pid, startTicks, uid: -1, argv: [] } : { ...toProcessRef(info), startTicks };
}

/** Refs for pids, in the given order; pids the probe did not list are returned apart. */
export function refsForPids(
  observation: HostObservation,
  pids: readonly number[],
): { refs: readonly ProcessRef[]; unseen: readonly number[] } {
  const refs: ProcessRef[] = [];
  const unseen: number[] = [];
  for (const pid of new Set(pids)) {
    const info = processByPid(observation, pid);
    if (info === undefined) unseen.push(pid);
    else refs.push(toProcessRef(info));
  }
  return { refs, unseen };
}

/** A console instance's processes: the listener first, then helpers, then sessions. */
export function daemonProcesses(
  observation: HostObservation,
  daemon: ConsoleDaemon,
): { refs: readonly ProcessRef[]; unseen: readonly number[] } {
  const listenerInfo = processByPid(observation, daemon.pid);
  const listener = identityOf(daemon.pid, daemon.startTicks, listenerInfo);
  const rest = refsForPids(
    observation,
    [...daemon.helperPids, ...daemon.sessionPids].filter((pid) => pid !== daemon.pid),
  );
  return { refs: [listener, ...rest.refs], unseen: rest.unseen };
}

/** Whether a pid file's number names this console instance (host or container pid). */
export function daemonMatchesPid(observation: HostObservation, daemon: ConsoleDaemon, pid: number): boolean {
  if (daemon.pid === pid || daemon.containerPid === pid) return true;
  return daemon.helperPids.some((helper) => {
    if (helper === pid) return true;
    const info = processByPid(observation, helper);
    return info !== undefined && info.nsPids[info.nsPids.length - 1] === pid;
  });
}

/** Every pid that belongs to the instance, for telling its sockets from others'. */
export function daemonPidSet(daemon: ConsoleDaemon): ReadonlySet<number> {
  return new Set([daemon.pid, ...daemon.helperPids, ...daemon.sessionPids]);
}
