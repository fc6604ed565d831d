/** The fix lock between real processes: one holder, takeover from the dead, a race. */
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LockError } from '../../src/errors.js';
import { acquireFixLock, fixLockPath, readLock, type LockRecord } from '../../src/record/fix-lock.js';
import { readBootId, readStartTicks } from '../../src/record/process-identity.js';
import { makeTempDir } from '../helpers/console-daemons.js';
import { compiledRecordModule, startRecordChild, type Child } from '../helpers/record-child.js';

let dir: string;
let compiled: string;
let n = 0;
const children: Child[] = [];
const dbPath = (): string => join(dir, `audit-${(n += 1)}.db`);

beforeAll(() => {
  dir = makeTempDir('cd-lock-');
  compiled = compiledRecordModule();
});
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    await child.exited;
  }
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function start(mode: string, ...args: string[]): Child {
  const child = startRecordChild(compiled, mode, ...args);
  children.push(child);
  return child;
}

function writeLock(path: string, overrides: Partial<LockRecord>): void {
  const record: LockRecord = {
    pid: process.pid, host: hostname(), startedAt: new Date().toISOString(),
    procStartTicks: null, bootId: readBootId(), token: 'planted', ...overrides,
  };
  writeFileSync(fixLockPath(path), JSON.stringify(record));
}

describe('the fix lock', () => {
  it('creates the state directory (0700) when no audit database made it (fix --no-audit)', () => {
    const db = join(dir, 'fresh-state', 'console-doctor', 'audit.db');
    const lock = acquireFixLock(db);
    expect(statSync(join(dir, 'fresh-state', 'console-doctor')).mode & 0o777).toBe(0o700);
    expect(existsSync(fixLockPath(db))).toBe(true);
    lock.release();
  });

  it('is held by one fix at a time and names the holder', () => {
    const db = dbPath();
    const lock = acquireFixLock(db);
    expect(lock.tookOverFrom).toBeNull();
    expect(statSync(lock.path).mode & 0o777).toBe(0o600);
    const second = (): unknown => acquireFixLock(db);
    expect(second).toThrow(LockError);
    expect(second).toThrow(`another fix is running: pid ${process.pid} on host ${hostname()} since ${lock.holder.startedAt} (lock: ${db}.fix.lock)`);
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
    acquireFixLock(db).release();
  });

  it('stops a second process while a live one holds it', async () => {
    const db = dbPath();
    const holder = start('hold-lock', db);
    expect(await holder.firstLine).toMatchObject({ pid: holder.pid, tookOverFrom: null });
    expect(() => acquireFixLock(db)).toThrow(new RegExp(`^another fix is running: pid ${holder.pid} on host `));
    holder.process.stdin?.end();
    expect((await holder.exited).code).toBe(0);
    acquireFixLock(db).release();
  });

  it('is taken over from a holder that was killed', async () => {
    const db = dbPath();
    const holder = start('hold-lock', db);
    await holder.firstLine;
    holder.process.kill('SIGKILL');
    await holder.exited;
    expect(readLock(fixLockPath(db))).toMatchObject({ pid: holder.pid });

    const lock = acquireFixLock(db);
    expect(lock.tookOverFrom).toMatchObject({ pid: holder.pid, host: hostname() });
    expect(readLock(lock.path)).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it('is taken over when the pid was reused by another process', () => {
    const db = dbPath();
    // This process is alive, but it is not the process that took the lock: the start time differs.
    const ticks = readStartTicks(process.pid);
    expect(typeof ticks).toBe('number');
    writeLock(db, { pid: process.pid, procStartTicks: Number(ticks) - 1 });
    const lock = acquireFixLock(db);
    expect(lock.tookOverFrom?.pid).toBe(process.pid);
    lock.release();
  });

  it('is taken over when it was taken before the last boot', () => {
    const db = dbPath();
    writeLock(db, { pid: process.pid, procStartTicks: Number(readStartTicks(process.pid)), bootId: 'an-earlier-boot' });
    const lock = acquireFixLock(db);
    expect(lock.tookOverFrom?.pid).toBe(process.pid);
    lock.release();
  });

  it.each([
    { name: 'another host, recent: still held', startedAgoMs: 60_000, held: true },
    { name: 'another host, older than the TTL: stale', startedAgoMs: 7 * 3600_000, held: false },
  ])('$name', ({ startedAgoMs, held }) => {
    const db = dbPath();
    const startedAt = new Date(Date.now() - startedAgoMs).toISOString();
    writeLock(db, { pid: 4321, host: 'bastion-on-nfs', startedAt });
    if (held) {
      expect(() => acquireFixLock(db)).toThrow(`another fix is running: pid 4321 on host bastion-on-nfs since ${startedAt} (lock: ${db}.fix.lock)`);
    } else {
      const lock = acquireFixLock(db);
      expect(lock.tookOverFrom).toEqual({ pid: 4321, host: 'bastion-on-nfs', startedAt });
      lock.release();
    }
  });

  it('does not remove a lock that another process took over', () => {
    const db = dbPath();
    const lock = acquireFixLock(db);
    writeLock(db, { pid: 4321, host: 'bastion-on-nfs', token: 'theirs' });
    lock.release();
    expect(readLock(lock.path)).toMatchObject({ pid: 4321, token: 'theirs' });
  });

  it('lets exactly one of several racing processes win', async () => {
    const db = dbPath();
    const startAt = String(Date.now() + 1500);
    const racers = Array.from({ length: 6 }, () => start('race-lock', db, startAt, '2000'));
    const answers = await Promise.all(racers.map((r) => r.firstLine));
    const winners = answers.filter((a) => a['ok'] === true);
    expect(winners).toHaveLength(1);
    for (const loser of answers.filter((a) => a['ok'] === false)) {
      expect(loser).toMatchObject({ kind: 'lock', message: expect.stringContaining(`pid ${String(winners[0]?.['pid'])} on host`) });
    }
  });

  it('lets exactly one of several racing processes take over a dead holder', async () => {
    const db = dbPath();
    const dead = start('hold-lock', db);
    await dead.firstLine;
    dead.process.kill('SIGKILL');
    await dead.exited;
    const startAt = String(Date.now() + 1500);
    const racers = Array.from({ length: 6 }, () => start('race-lock', db, startAt, '2000'));
    const answers = await Promise.all(racers.map((r) => r.firstLine));
    expect(answers.filter((a) => a['ok'] === true)).toHaveLength(1);
  });
});
