import { describe, expect, it } from 'vitest';
import { isStale } from '../../src/record/fix-lock.js';
import {
  isProcessGone, parseStatStartTicks, parseStatState, type ProcessIdentity, type ProcessProbe,
} from '../../src/record/process-identity.js';

// The first is captured from a real /proc/PID/stat; the others keep its layout with a comm that
// holds a space and a parenthesis (a process may name itself anything) and a zombie.
const CAT_STAT = '18491 (cat) R 18489 18489 10546 0 -1 4194304 97 0 0 0 0 0 0 0 20 0 1 0 93060 3133440 381 18446744073709551615 94692443000832 94692443020713 140726099605328 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 94692443036720 94692443038336 94692792573952 140726099610328 140726099610348 140726099610348 140726099611627 0';
const ODD_COMM_STAT = '4242 (so cat) x) S 1 4242 4242 0 -1 4194624 180 0 0 0 0 0 0 0 20 0 1 0 90817 7090176 542 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 3 0 0 0 0 0';
const ZOMBIE_STAT = '777 (socat) Z 1 777 777 0 -1 4227084 180 0 0 0 0 0 0 0 20 0 1 0 5123 0 0 18446744073709551615 0 0 0 0 0 0 0 4096 0 0 0 0 17 3 0 0 0 0 0';

describe('parsing /proc/PID/stat', () => {
  it.each([
    { name: 'plain command', stat: CAT_STAT, ticks: 93060, state: 'R' },
    { name: 'command with space and parenthesis', stat: ODD_COMM_STAT, ticks: 90817, state: 'S' },
    { name: 'zombie', stat: ZOMBIE_STAT, ticks: 5123, state: 'Z' },
    { name: 'garbage', stat: 'not a stat line', ticks: null, state: null },
  ])('$name', ({ stat, ticks, state }) => {
    expect(parseStatStartTicks(stat)).toBe(ticks);
    expect(parseStatState(stat)).toBe(state);
  });
});

function probe(live: Readonly<Partial<Record<number, number | 'unknown'>>>, overrides: Partial<ProcessProbe> = {}): ProcessProbe {
  return { host: 'bastion1', bootId: 'boot-1', startTicksOf: (pid) => live[pid] ?? null, ...overrides };
}

const recorded: ProcessIdentity = { pid: 1234, host: 'bastion1', startTicks: 5000, bootId: 'boot-1' };

describe('isProcessGone', () => {
  it.each([
    { name: 'same pid, same start time: still running', live: { 1234: 5000 }, rec: recorded, gone: false },
    { name: 'pid does not exist', live: {}, rec: recorded, gone: true },
    { name: 'pid reused by a later process', live: { 1234: 9999 }, rec: recorded, gone: true },
    { name: 'recorded in another boot', live: { 1234: 5000 }, rec: { ...recorded, bootId: 'boot-0' }, gone: true },
    { name: 'pid alive but /proc unreadable: assume running', live: { 1234: 'unknown' as const }, rec: recorded, gone: false },
    { name: 'no recorded start time, pid alive', live: { 1234: 42 }, rec: { ...recorded, startTicks: null }, gone: false },
    { name: 'another host cannot be probed', live: {}, rec: { ...recorded, host: 'bastion2' }, gone: false },
  ])('$name', ({ live, rec, gone }) => {
    expect(isProcessGone(rec, probe(live))).toBe(gone);
  });
});

describe('fix lock staleness', () => {
  const now = new Date('2026-11-25T16:00:00Z');
  const lock = { pid: 1234, host: 'bastion1', startedAt: '2026-11-25T09:00:00Z', procStartTicks: 5000, bootId: 'boot-1', token: 't' };
  it.each([
    { name: 'live holder on this host, however old', lock, live: { 1234: 5000 }, stale: false },
    { name: 'dead holder on this host', lock, live: {}, stale: true },
    { name: 'reused pid on this host', lock, live: { 1234: 7 }, stale: true },
    { name: 'other host, younger than the TTL', lock: { ...lock, host: 'bastion2', startedAt: '2026-11-25T12:00:00Z' }, live: {}, stale: false },
    { name: 'other host, older than the TTL', lock: { ...lock, host: 'bastion2' }, live: {}, stale: true },
  ])('$name', ({ lock: l, live, stale }) => {
    expect(isStale(l, probe(live), now, 6 * 3600_000)).toBe(stale);
  });
});
