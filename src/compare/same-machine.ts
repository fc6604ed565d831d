import type { HostObservation } from '../observe/types.js';

/** What `findSameMachines` needs of a host. */
interface HostLike {
  readonly host: string;
  readonly ironicName: string | null;
  readonly observation: HostObservation | null;
}

/** Processes seen by both scans for them to be one machine; fewer proves nothing. */
const MIN_COMMON = 3;

function processKeys(observation: HostObservation): Set<string> {
  return new Set(observation.processes.map((p) => `${p.pid}:${p.startTicks}:${p.argv.join('\0')}`));
}

/**
 * Two inventory names reach one machine when both probes saw the same boot and mostly the
 * same processes (pid, start time and argv). The boot alone is not enough: containers and
 * PID namespaces on one kernel share it while each sees its own processes.
 */
export function sameMachine(a: HostObservation, b: HostObservation): boolean {
  if (a.bootId !== b.bootId) return false;
  const keysA = processKeys(a);
  const keysB = processKeys(b);
  let common = 0;
  for (const key of keysA) if (keysB.has(key)) common += 1;
  // A third, not a half: each scan also sees its own short-lived session and probe
  // processes (about ten since the probe starts few programs), which the other scan misses;
  // on a quiet host they can outnumber the long-lived ones. Distinct machines or PID
  // namespaces share no (pid, start time, argv) at all.
  return common >= MIN_COMMON && common * 3 >= Math.min(keysA.size, keysB.size);
}

/** Two conductors Ironic knows by different names are two conductors, even on one machine. */
function sameConductor(a: HostLike, b: HostLike): boolean {
  return a.ironicName === null || b.ironicName === null || a.ironicName === b.ironicName;
}

/**
 * Inventory names that reach a machine another name already reached → that name. The
 * machine is compared once, under the first name whose conductor Ironic knows, else the
 * first name in scan order. Entries that Ironic knows as different conductors are kept
 * apart (one machine running two conductors). Pure.
 */
export function findSameMachines(hosts: readonly HostLike[]): Map<string, string> {
  const groups: HostLike[][] = [];
  for (const host of hosts) {
    if (host.observation === null) continue;
    const observation = host.observation;
    const group = groups.find((g) => g.every((other) => sameConductor(other, host)) && sameMachine(g[0]!.observation!, observation));
    if (group === undefined) groups.push([host]);
    else group.push(host);
  }
  const aliases = new Map<string, string>();
  for (const group of groups) {
    const primary = group.find((h) => h.ironicName !== null) ?? group[0]!;
    for (const host of group) if (host !== primary) aliases.set(host.host, primary.host);
  }
  return aliases;
}
