/**
 * Only one `fix` at a time per audit database.
 *
 * Why a lock file and not a row in SQLite: the lock must hold for the whole run while
 * the audit store keeps committing, it must work before the database is opened or
 * migrated (and when the database is damaged), an operator can read it with `cat` and
 * remove it by hand, and SQLite's WAL mode does not work across hosts on NFS while
 * link(2) is atomic there. The file is written whole to a temporary name and then
 * hard-linked to `<db>.fix.lock`: link fails with EEXIST if a lock exists, and a reader
 * never sees a half-written lock.
 *
 * A dead holder must not block forever: on the same host, a lock whose pid is gone, or
 * whose pid now has another start time (reused), or that was taken in another boot, is
 * stale and is taken over. A holder on another host (shared home on NFS) cannot be
 * probed, so it is stale only after a generous TTL.
 */
import { randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InternalError, LockError, describeError } from '../errors.js';
import { currentProcessIdentity, isProcessGone, localProcessProbe, type ProcessProbe } from './process-identity.js';
import type { LockHolder } from './types.js';

export const FOREIGN_LOCK_TTL_MS = 6 * 60 * 60 * 1000;
/** A takeover guard lives for microseconds; one this old was left by a crash mid-takeover. */
const GUARD_STALE_MS = 30_000;

/** The lock file's content (JSON). */
export interface LockRecord extends LockHolder {
  /** /proc/PID/stat start time, to tell a live holder from a reused pid. */
  readonly procStartTicks: number | null;
  readonly bootId: string | null;
  /** Unique per acquisition: release removes the lock only if it is still ours. */
  readonly token: string;
}

export interface FixLock {
  readonly path: string;
  readonly holder: LockHolder;
  /** The stale holder this acquisition replaced, or null. */
  readonly tookOverFrom: LockHolder | null;
  release(): void;
}

export interface FixLockOptions {
  readonly probe?: ProcessProbe;
  readonly now?: () => Date;
  readonly foreignTtlMs?: number;
}

export function fixLockPath(dbPath: string): string {
  return `${dbPath}.fix.lock`;
}

export function acquireFixLock(dbPath: string, options: FixLockOptions = {}): FixLock {
  const probe = options.probe ?? localProcessProbe();
  const now = options.now ?? (() => new Date());
  const path = fixLockPath(dbPath);
  // With --no-audit nothing else creates the state directory (0700, like the database's).
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const self = currentProcessIdentity(probe);
  const record: LockRecord = {
    pid: self.pid, host: self.host, startedAt: now().toISOString(),
    procStartTicks: self.startTicks, bootId: self.bootId, token: randomUUID(),
  };
  let tookOverFrom: LockHolder | null = null;
  // Each pass either takes the lock, fails with the live holder, or removes one stale lock.
  for (let attempt = 0; attempt < 10; attempt += 1) {
    if (attempt > 0) sleepSync(10 * attempt);
    if (tryCreate(path, record)) {
      return { path, holder: holderOf(record), tookOverFrom, release: () => release(path, record.token) };
    }
    const current = readLock(path);
    if (current === 'gone') continue;
    if (!isStale(current, probe, now(), options.foreignTtlMs ?? FOREIGN_LOCK_TTL_MS)) {
      throw new LockError(
        `another fix is running: pid ${current.pid} on host ${current.host} since ${current.startedAt} (lock: ${path})`,
      );
    }
    if (removeStale(path, current, self.pid)) tookOverFrom = holderOf(current);
  }
  throw new LockError(`could not take the fix lock ${path}: it keeps changing hands`);
}

function holderOf(record: LockHolder): LockHolder {
  return { pid: record.pid, host: record.host, startedAt: record.startedAt };
}

export function isStale(lock: LockRecord, probe: ProcessProbe, now: Date, foreignTtlMs: number): boolean {
  if (lock.host !== probe.host) {
    const started = Date.parse(lock.startedAt);
    return Number.isNaN(started) || now.getTime() - started > foreignTtlMs;
  }
  return isProcessGone({ pid: lock.pid, host: lock.host, startTicks: lock.procStartTicks, bootId: lock.bootId }, probe);
}

/** Writes the record to a private temporary file and links it into place; false if a lock exists. */
function tryCreate(path: string, record: LockRecord): boolean {
  const temp = `${path}.${record.pid}.${record.token}.tmp`;
  try {
    writeFileSync(temp, `${JSON.stringify(record)}\n`, { mode: 0o600, flag: 'wx' });
    linkSync(temp, path);
    return true;
  } catch (error) {
    if (errno(error) === 'EEXIST') return false;
    throw new LockError(`cannot create the fix lock ${path}: ${describeError(error)}`, { cause: error });
  } finally {
    unlinkQuietly(temp);
  }
}

/**
 * The lock's content, 'gone' if it vanished meanwhile. A lock that cannot be parsed
 * (a disk filled up mid-write by an older version) is treated as held by nobody alive.
 */
export function readLock(path: string): LockRecord | 'gone' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (errno(error) === 'ENOENT') return 'gone';
    throw new LockError(`cannot read the fix lock ${path}: ${describeError(error)}`, { cause: error });
  }
  try {
    const parsed = JSON.parse(text) as Partial<LockRecord>;
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string' && typeof parsed.startedAt === 'string') {
      return {
        pid: parsed.pid, host: parsed.host, startedAt: parsed.startedAt, procStartTicks: parsed.procStartTicks ?? null,
        bootId: parsed.bootId ?? null, token: parsed.token ?? '',
      };
    }
  } catch {
    // fall through: unreadable content
  }
  return { pid: 0, host: '(unreadable lock)', startedAt: new Date(0).toISOString(), procStartTicks: null, bootId: null, token: '' };
}

/**
 * Removes the stale lock under a short-lived guard file, so two processes that both saw
 * it stale cannot remove each other's fresh lock. Returns whether this process removed it.
 */
function removeStale(path: string, stale: LockRecord, pid: number): boolean {
  const guard = `${path}.takeover`;
  try {
    writeFileSync(guard, `${pid}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if (errno(error) !== 'EEXIST') throw new LockError(`cannot take over the fix lock ${path}: ${describeError(error)}`, { cause: error });
    if (ageMs(guard) > GUARD_STALE_MS) unlinkQuietly(guard);
    return false;
  }
  try {
    const current = readLock(path);
    if (current === 'gone' || current.token !== stale.token || current.pid !== stale.pid) return false;
    unlinkQuietly(path);
    return true;
  } finally {
    unlinkQuietly(guard);
  }
}

function release(path: string, token: string): void {
  const current = readLock(path);
  // Someone took it over (we were presumed dead): theirs now, leave it.
  if (current === 'gone' || current.token !== token) return;
  unlinkQuietly(path);
}

/** The lock is taken synchronously at start-up; a few milliseconds of blocking are fine. */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if (errno(error) !== 'ENOENT') throw new InternalError(`cannot remove ${path}: ${describeError(error)}`, { cause: error });
  }
}

function errno(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
