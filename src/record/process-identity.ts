/**
 * Who a process is, precisely enough to tell "still running" from "gone, and its pid
 * reused": pid + start time in clock ticks (/proc/PID/stat field 22) + boot id.
 * Used by the fix lock and by `history` to call a run that never finished "interrupted".
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface ProcessIdentity {
  readonly pid: number;
  readonly host: string;
  /** Null where /proc is not available. */
  readonly startTicks: number | null;
  readonly bootId: string | null;
}

/** Answers whether a recorded process still runs; injectable so tests can pretend. */
export interface ProcessProbe {
  readonly host: string;
  readonly bootId: string | null;
  /** Start ticks of a live pid on this host, `null` when it does not exist. */
  startTicksOf(pid: number): number | null | 'unknown';
}

/** Parses field 22 (starttime) of /proc/PID/stat; the command name in field 2 may hold spaces and parentheses. */
export function parseStatStartTicks(stat: string): number | null {
  const close = stat.lastIndexOf(')');
  if (close === -1) return null;
  const fields = stat.slice(close + 2).trim().split(/\s+/);
  // fields[0] is field 3 (state), so field 22 is fields[19].
  const ticks = Number(fields[19]);
  return Number.isSafeInteger(ticks) ? ticks : null;
}

export function parseStatState(stat: string): string | null {
  const close = stat.lastIndexOf(')');
  return close === -1 ? null : (stat.slice(close + 2, close + 3) || null);
}

export function readStartTicks(pid: number): number | null | 'unknown' {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // A zombie has exited; only its parent has not collected it yet.
    if (parseStatState(stat) === 'Z') return null;
    return parseStatStartTicks(stat);
  } catch (error) {
    if (isErrno(error, 'ENOENT') || isErrno(error, 'ESRCH')) return null;
    return signalProbe(pid);
  }
}

function signalProbe(pid: number): null | 'unknown' {
  try {
    process.kill(pid, 0);
    return 'unknown';
  } catch (error) {
    return isErrno(error, 'ESRCH') ? null : 'unknown';
  }
}

export function readBootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null;
  }
}

export function localProcessProbe(host: string = hostname()): ProcessProbe {
  return { host, bootId: readBootId(), startTicksOf: readStartTicks };
}

export function currentProcessIdentity(probe: ProcessProbe = localProcessProbe()): ProcessIdentity {
  const ticks = probe.startTicksOf(process.pid);
  return { pid: process.pid, host: probe.host, startTicks: typeof ticks === 'number' ? ticks : null, bootId: probe.bootId };
}

/**
 * Whether a process recorded on this host is certainly gone: another boot, no such pid,
 * or the pid now belongs to a process that started at another time. `false` when it may
 * still run (including when the host is another one: the caller decides by age).
 */
export function isProcessGone(recorded: ProcessIdentity, probe: ProcessProbe): boolean {
  if (recorded.host !== probe.host) return false;
  if (recorded.bootId !== null && probe.bootId !== null && recorded.bootId !== probe.bootId) return true;
  const ticks = probe.startTicksOf(recorded.pid);
  if (ticks === null) return true;
  if (ticks === 'unknown' || recorded.startTicks === null) return false;
  return ticks !== recorded.startTicks;
}

function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}
