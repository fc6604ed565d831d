import type { ConductorUser, ConsoleDaemon, ProcessInfo } from './types.js';

const basename = (path: string | undefined): string => (path ?? '').slice((path ?? '').lastIndexOf('/') + 1);

/**
 * `ironic-conductor ...`, `python3 /usr/bin/ironic-conductor ...`, or (Ironic 32.0+, run by
 * cotyledon, which sets process titles) the master `ironic-conductor: master process [...]`
 * and the forked workers that start the consoles, `ironic-conductor: ServiceWrapper worker(0)`.
 */
function isConductorProcess(process: ProcessInfo): boolean {
  const [first, second] = process.argv;
  if (basename(first) === 'ironic-conductor' || (first ?? '').startsWith('ironic-conductor: ')) return true;
  return /^python[0-9.]*$/.test(basename(first)) && basename(second) === 'ironic-conductor';
}

/**
 * Whose processes may say who the conductor is: root, the account named `ironic`, or a
 * uid the host has no account for (only root starts those: kolla's container users).
 * Any other user can start a process named ironic-conductor or a console-shaped socat.
 */
function trusted(process: ProcessInfo): boolean {
  return process.uid === 0 || process.user === 'ironic' || process.user === String(process.uid);
}

function onlyUid(processes: readonly ProcessInfo[]): ProcessInfo | null | 'ambiguous' {
  const uids = new Set(processes.map((p) => p.uid));
  if (uids.size === 0) return null;
  return uids.size === 1 ? (processes[0] as ProcessInfo) : 'ambiguous';
}

/**
 * The user the conductor (and so its consoles and their files) runs as, first rule that
 * answers wins, counting only processes of trusted users (root, `ironic`, or a uid with no
 * account on the host):
 * 1. the uid of the running `ironic-conductor` processes, when they agree;
 * 2. else the uid of the live console daemons, when they agree (a dead conductor's
 *    consoles keep its uid);
 * 3. else root.
 * When processes disagree the rule is skipped and the answer says so. A local user can
 * name processes as they like but cannot become the conductor's user this way, and the
 * fallback root never makes another user's file removable.
 */
export function conductorUserOf(processes: readonly ProcessInfo[], consoles: readonly ConsoleDaemon[]): ConductorUser {
  const notes: string[] = [];
  const conductor = onlyUid(processes.filter((p) => trusted(p) && isConductorProcess(p)));
  if (conductor !== null && conductor !== 'ambiguous') return userOf(conductor, 'ironic-conductor process');
  if (conductor === 'ambiguous') notes.push('ironic-conductor processes run as different users');
  const consolePids = new Set(consoles.filter((c) => !c.zombie).map((c) => c.pid));
  const daemons = onlyUid(processes.filter((p) => trusted(p) && consolePids.has(p.pid)));
  if (daemons !== null && daemons !== 'ambiguous') return { ...userOf(daemons, 'console processes'), notes };
  if (daemons === 'ambiguous') notes.push('console daemons run as different users');
  return { name: 'root', uid: 0, source: 'default', notes };
}

function userOf(process: ProcessInfo, source: ConductorUser['source']): ConductorUser {
  return { name: process.user, uid: process.uid, source, notes: [] };
}
