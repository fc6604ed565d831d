import { InternalError } from '../errors.js';
import type { ProcessInfo } from './types.js';
import { redactArgv } from '../redact-secrets.js';
import { sectionLines } from './probe-sections.js';

/** The fields of /proc/PID/stat the observe stage uses. */
export interface StatEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
  readonly state: string;
  readonly startTicks: number;
}

/** Uid and NSpid from /proc/PID/status. */
export interface StatusEntry {
  readonly uid: number;
  readonly nsPids: readonly number[];
}

const STAT_START = /^\d+ \(/;

/**
 * `cat /proc/[0-9]*\/stat`: `pid (comm) state ppid ... starttime(22) ...`. comm may hold
 * spaces, parentheses and even a newline, so fields are counted from its last `)`.
 */
export function parseStatSection(body: string, hostName: string): Map<number, StatEntry> {
  const records: string[] = [];
  for (const line of body.split('\n')) {
    if (STAT_START.test(line) || records.length === 0) records.push(line);
    else records[records.length - 1] += `\n${line}`;
  }
  const entries = new Map<number, StatEntry>();
  for (const record of records) {
    if (record.trim() === '') continue;
    const close = record.lastIndexOf(') ');
    const fields = record.slice(close + 2).split(' ');
    const pid = Number.parseInt(record, 10);
    const entry = { pid, comm: record.slice(record.indexOf('(') + 1, close), state: fields[0] ?? '', ppid: Number(fields[1]), startTicks: Number(fields[19]) };
    if (close < 0 || !/^[A-Za-z]$/.test(entry.state) || !Number.isInteger(entry.ppid) || !Number.isInteger(entry.startTicks)) {
      throw new InternalError(`${hostName}: malformed stat section line: ${record.slice(0, 80)}`);
    }
    entries.set(pid, entry);
  }
  return entries;
}

const CMDLINE_HEADER = /(?:^|\x01)==> \/proc\/(\d+)\/cmdline <==\x01/g;

/**
 * `head -v -c 8192 /proc/[0-9]*\/cmdline | tr '\n\0' '\1\2'`: one header per process,
 * argv elements ended by \2 (NUL), newlines inside arguments carried as \1.
 * Argv comes back redacted: nothing unredacted is kept.
 */
export function parseCmdlineSection(body: string): Map<number, string[]> {
  const text = body.replace(/\n+$/, '');
  const headers = [...text.matchAll(CMDLINE_HEADER)];
  const argvs = new Map<number, string[]>();
  headers.forEach((header, i) => {
    const start = header.index + header[0].length;
    const end = headers[i + 1]?.index ?? text.length;
    const raw = text.slice(start, end);
    const parts = raw.split('\x02').map((part) => part.replaceAll('\x01', '\n'));
    if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    argvs.set(Number(header[1]), redactArgv(raw === '' ? [] : parts));
  });
  return argvs;
}

const STATUS_LINE = /^\/proc\/(\d+)\/status:(Uid|NSpid):\s*(.*)$/;

/** `grep -H -E '^(Uid|NSpid):' /proc/[0-9]*\/status`. */
export function parseStatusSection(body: string, hostName: string): Map<number, StatusEntry> {
  const uids = new Map<number, number>();
  const nsPids = new Map<number, number[]>();
  for (const line of sectionLines(body)) {
    const match = STATUS_LINE.exec(line);
    if (match === null) throw new InternalError(`${hostName}: malformed status section line: ${line.slice(0, 80)}`);
    const pid = Number(match[1]);
    const values = (match[3] as string).split(/\s+/).map(Number);
    if (match[2] === 'Uid') uids.set(pid, values[0] as number);
    else nsPids.set(pid, values);
  }
  const entries = new Map<number, StatusEntry>();
  for (const [pid, uid] of uids) entries.set(pid, { uid, nsPids: nsPids.get(pid) ?? [pid] });
  return entries;
}

/** `name:uid` lines from getent passwd or /etc/passwd. */
export function parsePasswdSection(body: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of sectionLines(body)) {
    const [name, uid] = line.split(':');
    if (name !== undefined && uid !== undefined && /^\d+$/.test(uid) && !names.has(Number(uid))) {
      names.set(Number(uid), name);
    }
  }
  return names;
}

/**
 * Joins the three views of /proc. They are read one after the other, so a process can
 * be in one and gone from the next: only processes seen in all three are kept (one
 * missing from a later read had exited; one only in a later read started meanwhile).
 */
export function joinProcesses(
  stats: ReadonlyMap<number, StatEntry>,
  argvs: ReadonlyMap<number, readonly string[]>,
  statuses: ReadonlyMap<number, StatusEntry>,
  users: ReadonlyMap<number, string>,
): ProcessInfo[] {
  const processes: ProcessInfo[] = [];
  for (const stat of stats.values()) {
    const argv = argvs.get(stat.pid);
    const status = statuses.get(stat.pid);
    if (argv === undefined || status === undefined) continue;
    processes.push({
      ...stat,
      uid: status.uid,
      user: users.get(status.uid) ?? String(status.uid),
      argv,
      nsPids: status.nsPids,
    });
  }
  return processes.sort((a, b) => a.pid - b.pid);
}
