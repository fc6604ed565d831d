import { describeHostText, EscapedRecordReader, unescapeSedLine } from './escaped-records.js';
import { CMDLINE_MAX_LINE_BYTES } from './probe-limits.js';
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

/** What a parser kept, and the records it dropped (already escaped, one line each). */
export interface Parsed<T> {
  readonly value: T;
  readonly dropped: readonly string[];
}

/** A section parser fed one line at a time as the probe's output arrives. */
export interface LineParser<T> {
  line(line: string): void;
  result(): Parsed<T>;
}

/**
 * A parser of one record a line: `read` gives the record, `null` for a line that is not one
 * (dropped, described safely) or `'skip'` for a line to pass over (a header, an unrelated
 * container). Empty lines are passed over.
 */
export function recordLineParser<T>(read: (line: string) => T | null | 'skip'): LineParser<T[]> {
  const records: T[] = [];
  const dropped: string[] = [];
  return {
    line: (line) => {
      if (line === '') return;
      const record = read(line);
      if (record === null) dropped.push(describeHostText(line));
      else if (record !== 'skip') records.push(record);
    },
    result: () => ({ value: records, dropped }),
  };
}

/** Feeds a whole section's text to a line parser. */
export function parseLines<T>(parser: LineParser<T>, body: string): Parsed<T> {
  for (const line of body.split('\n')) parser.line(line);
  return parser.result();
}

/**
 * `sed ... /proc/[0-9]*\/stat`: per process `pid (comm) state ppid ... starttime(22) ...`
 * as one escaped element. comm (at most 15 bytes) may hold spaces, parentheses and
 * newlines, so fields are counted from the last `)`. An unreadable record is dropped.
 */
export function parseStatSection(body: string): Parsed<Map<number, StatEntry>> {
  return parseLines(statParser(), body);
}

export function statParser(): LineParser<Map<number, StatEntry>> {
  const reader = new EscapedRecordReader('stat');
  return {
    line: (line) => reader.line(line),
    result: () => {
      const { records, dropped } = reader.result();
      const entries = new Map<number, StatEntry>();
      const bad = [...dropped];
      for (const { pid, elements } of records.values()) {
        const entry = statEntry(pid, elements.join('\n'));
        if (entry === null) bad.push(`/proc/${pid}/stat: ${describeHostText(elements.join('\n'))}`);
        else entries.set(pid, entry);
      }
      return { value: entries, dropped: bad };
    },
  };
}

function statEntry(pid: number, text: string): StatEntry | null {
  const open = text.indexOf(' (');
  const close = text.lastIndexOf(') ');
  if (open < 0 || close < open || Number.parseInt(text, 10) !== pid) return null;
  const fields = text.slice(close + 2).split(' ');
  const entry = { pid, comm: text.slice(open + 2, close), state: fields[0] ?? '', ppid: Number(fields[1]), startTicks: Number(fields[19]) };
  const valid = /^[A-Za-z]$/.test(entry.state) && Number.isInteger(entry.ppid) && Number.isInteger(entry.startTicks);
  return valid ? entry : null;
}

/**
 * The cmdline records (format 2: `sed -z ... /proc/[0-9]*\/cmdline`; format 3: the select
 * awk's): per process its name line, then each argv element escaped. A process with an empty cmdline (kernel thread, zombie) has no record here;
 * joinProcesses gives it argv []. Argv comes back redacted: nothing unredacted is kept.
 */
export function parseCmdlineSection(body: string): Parsed<Map<number, string[]>> {
  return parseLines(cmdlineParser(), body);
}

export function cmdlineParser(): LineParser<Map<number, string[]>> {
  const reader = new EscapedRecordReader('cmdline', CMDLINE_MAX_LINE_BYTES);
  return {
    line: (line) => reader.line(line),
    result: () => {
      const { records, dropped } = reader.result();
      const argvs = new Map<number, string[]>();
      for (const { pid, elements } of records.values()) argvs.set(pid, redactArgv(elements));
      return { value: argvs, dropped };
    },
  };
}

const STATUS_LINE = /^\/proc\/(\d+)\/status:(Uid|NSpid):\s*(.*)$/;

/** `grep -H -E '^(Uid|NSpid):' /proc/[0-9]*\/status`. */
export function parseStatusSection(body: string): Parsed<Map<number, StatusEntry>> {
  return parseLines(statusParser(), body);
}

export function statusParser(): LineParser<Map<number, StatusEntry>> {
  const uids = new Map<number, number>();
  const nsPids = new Map<number, number[]>();
  const dropped: string[] = [];
  return {
    line: (line) => {
      if (line.trim() === '') return;
      const match = STATUS_LINE.exec(line);
      if (match === null) {
        dropped.push(describeHostText(line));
        return;
      }
      const pid = Number(match[1]);
      const values = (match[3] as string).split(/\s+/).map(Number);
      if (match[2] === 'Uid') uids.set(pid, values[0] as number);
      else nsPids.set(pid, values);
    },
    result: () => {
      const entries = new Map<number, StatusEntry>();
      for (const [pid, uid] of uids) entries.set(pid, { uid, nsPids: nsPids.get(pid) ?? [pid] });
      return { value: entries, dropped };
    },
  };
}

const NO_ARGV: readonly string[] = Object.freeze([]);
const BRIEF_LINE = /^(\d+) (\d+) ([A-Za-z]) (\d+)(?: (.*)\$)?$/;

/**
 * The probe's `ps` section (format 3): `pid ppid state starttime name$` for every process
 * that is not console-like, the name (comm; argv0 from probes before comm chose whose
 * cmdline is read) escaped like a cmdline element; no name (a kernel
 * thread) ends the line after starttime. Uid, NSpid and the rest of argv were not sent:
 * see ProcessInfo.brief. A busy host runs hundreds of processes of a few programs: each
 * distinct argv0 is unescaped and redacted once, and its (read-only) argv shared.
 */
export function briefProcessParser(): LineParser<ProcessInfo[]> {
  const argvs = new Map<string, readonly string[]>();
  const argvOf = (argv0: string): readonly string[] => {
    let argv = argvs.get(argv0);
    if (argv === undefined) {
      argv = redactArgv([unescapeSedLine(argv0)]);
      // The key a flat copy too: a slice would keep the whole chunk it came from alive.
      argvs.set(Buffer.from(argv0, 'utf8').toString('utf8'), argv);
    }
    return argv;
  };
  return recordLineParser((line) => {
    const match = BRIEF_LINE.exec(line);
    if (match === null) return null;
    const pid = Number(match[1]);
    const argv0 = match[5];
    return {
      pid,
      ppid: Number(match[2]),
      uid: -1,
      user: '?',
      state: match[3] as string,
      startTicks: Number(match[4]),
      argv: argv0 === undefined ? NO_ARGV : argvOf(argv0),
      nsPids: [pid],
      brief: true,
    };
  });
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
 * Joins the three views of /proc. They are read one after the other (stat, cmdline,
 * status), so a process can be in one and gone from the next: only processes in stat and
 * status are kept (one missing from status had exited; one only in a later read started
 * meanwhile). One in both but without a cmdline record has an empty cmdline (a kernel
 * thread or a zombie, which pid files still name) and gets argv []. Processes the probe
 * sent in brief (format 3's `ps` section) are added as they are.
 */
export function joinProcesses(
  stats: ReadonlyMap<number, StatEntry>,
  argvs: ReadonlyMap<number, readonly string[]>,
  statuses: ReadonlyMap<number, StatusEntry>,
  users: ReadonlyMap<number, string>,
  brief: readonly ProcessInfo[] = [],
): ProcessInfo[] {
  const processes: ProcessInfo[] = [];
  for (const stat of stats.values()) {
    const argv = argvs.get(stat.pid) ?? [];
    const status = statuses.get(stat.pid);
    if (status === undefined) continue;
    processes.push({
      ...stat,
      uid: status.uid,
      user: users.get(status.uid) ?? String(status.uid),
      argv,
      nsPids: status.nsPids,
    });
  }
  const whole = new Set(processes.map((p) => p.pid));
  for (const process of brief) if (!whole.has(process.pid)) processes.push(process);
  return processes.sort((a, b) => a.pid - b.pid);
}
