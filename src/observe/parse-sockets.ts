import { describeHostText } from './escaped-records.js';
import { ListenerTable, ListenerTableBuilder } from './listener-table.js';
import { parseLines, type LineParser, type Parsed } from './parse-processes.js';
import type { ListenSocket } from './types.js';
import { sectionLines } from './probe-sections.js';

/** `ss -tlnp`: `LISTEN 0 5 127.0.0.1:23000 0.0.0.0:* users:(("socat",pid=1,fd=5))`. */
export function parseSsSection(body: string): Parsed<ListenerTable> {
  return parseLines(ssParser(), body);
}

/** A parser of one socket a line into a ListenerTable: `read` adds the line's socket, or says it is none. */
function socketLineParser(read: (line: string, table: ListenerTableBuilder) => 'added' | 'skip' | null): LineParser<ListenerTable> {
  const table = new ListenerTableBuilder();
  const dropped: string[] = [];
  return {
    line: (line) => {
      if (line !== '' && read(line, table) === null) dropped.push(describeHostText(line));
    },
    result: () => ({ value: table.build(), dropped }),
  };
}

export function ssParser(): LineParser<ListenerTable> {
  return socketLineParser((line, table) => {
    if (line.trim() === '' || /^(State|Netid)\s/.test(line)) return 'skip';
    const fields = line.trim().split(/\s+/);
    const local = fields[3];
    const parsed = local === undefined ? null : splitHostPort(local);
    // A process name may hold a newline: its second half is no socket line.
    if (fields[0] !== 'LISTEN' || parsed === null) return null;
    table.add(parsed.family, parsed.address, parsed.port, [...line.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])));
    return 'added';
  });
}

/**
 * The probe's `listen` section (format 3): `address:port pid...`, one listening socket a
 * line. Thousands of lines a host on a converged controller: read without a regex on the
 * common line (one owner, a plain address).
 */
export function listenParser(): LineParser<ListenerTable> {
  return socketLineParser((line, table) => {
    const space = line.indexOf(' ');
    const end = space < 0 ? line.length : space;
    if (space >= 0 && !isPidList(line, space + 1)) return null;
    // The common line, `1.2.3.4:80 pid`: no slice of the port, no regex, no object.
    const colon = line.lastIndexOf(':', end - 1);
    const port = colon < 0 ? -1 : decimal(line, colon + 1, end);
    const plain = colon > 0 && line.charCodeAt(0) !== 91 /* [ */ && line.lastIndexOf('%', colon) < 0 && line.charCodeAt(0) !== 42; /* * */
    if (plain && port >= 0 && port <= 65535) {
      const address = line.slice(0, colon);
      table.open(address.includes(':') ? 'ipv6' : 'ipv4', address, port);
    } else {
      // `[::1]:22`, `*:22`, `0.0.0.0%lo:53`, or not a socket: the general reader decides.
      const parsed = splitHostPort(line.slice(0, end));
      if (parsed === null) return null;
      table.open(parsed.family, parsed.address, parsed.port);
    }
    for (let i = space + 1, value = 0; space >= 0 && i <= line.length; i++) {
      const code = i === line.length ? 32 : line.charCodeAt(i);
      if (code === 32) {
        table.owner(value);
        value = 0;
      } else {
        value = value * 10 + code - 48;
      }
    }
    return 'added';
  });
}

/** Whether `line` from `from` to its end is `12 345`: pids of at most 10 digits, one space apart. */
function isPidList(line: string, from: number): boolean {
  let digits = 0;
  for (let i = from; i <= line.length; i++) {
    const code = i === line.length ? 32 : line.charCodeAt(i);
    if (code >= 48 && code <= 57 && digits < 10) digits += 1;
    else if (code === 32 && digits > 0) digits = 0;
    else return false;
  }
  return true;
}

/** The decimal number in line[from, to), or -1 when that is not one (empty, a sign, a dot, too long). */
function decimal(line: string, from: number, to: number): number {
  if (to <= from || to - from > 5) return -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    const code = line.charCodeAt(i);
    if (code < 48 || code > 57) return -1;
    value = value * 10 + code - 48;
  }
  return value;
}

/** `127.0.0.1:22`, `[::1]:22`, `*:22`, `0.0.0.0%lo:53`, old ss's `:::22`. */
function splitHostPort(local: string): Omit<ListenSocket, 'pids'> | null {
  const colon = local.lastIndexOf(':');
  const portText = local.slice(colon + 1);
  const port = Number(portText);
  if (colon < 0 || portText === '' || !Number.isInteger(port) || port < 0 || port > 65535) return null;
  let host = local.slice(0, colon);
  if (host.includes('%')) host = host.replace(/%.*$/, '');
  if (host.startsWith('[')) host = host.replace(/^\[(.*)\]$/, '$1');
  if (host === '*') return { family: 'ipv6', address: '::', port };
  if (host === '') return null;
  return { family: host.includes(':') ? 'ipv6' : 'ipv4', address: host, port };
}

const LISTEN_STATE = '0A';

/** A socket from /proc/net/tcp or tcp6 with its inode, before owners are known. */
interface ProcNetSocket {
  readonly family: 'ipv4' | 'ipv6';
  readonly address: string;
  readonly port: number;
  readonly inode: string;
}

/** `/proc/net/tcp` and `tcp6`: listening sockets (state 0A) with their inodes. */
export function parseProcNetTcp(body: string, family: 'ipv4' | 'ipv6'): Parsed<ProcNetSocket[]> {
  const sockets: ProcNetSocket[] = [];
  const dropped: string[] = [];
  for (const line of sectionLines(body)) {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === 'sl') continue;
    const [hexAddress, hexPort] = (fields[1] ?? '').split(':');
    const inode = fields[9];
    if (hexAddress === undefined || hexPort === undefined || inode === undefined || !/^\d+$/.test(inode)) {
      dropped.push(describeHostText(line));
      continue;
    }
    if (fields[3] !== LISTEN_STATE) continue;
    const address = family === 'ipv4' ? hexToIpv4(hexAddress) : hexToIpv6(hexAddress);
    sockets.push({ family, address, port: Number.parseInt(hexPort, 16), inode });
  }
  return { value: sockets, dropped };
}

/** The kernel prints each 32-bit word of an address in host (little-endian) byte order. */
function wordBytes(hex: string): number[] {
  return [6, 4, 2, 0].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
}

function hexToIpv4(hex: string): string {
  return wordBytes(hex).join('.');
}

function hexToIpv6(hex: string): string {
  const bytes = [0, 8, 16, 24].flatMap((i) => wordBytes(hex.slice(i, i + 8)));
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i] as number) * 256 + (bytes[2 * i + 1] as number)).toString(16));
  return compressIpv6(groups);
}

function compressIpv6(groups: string[]): string {
  let best = { start: -1, length: 0 };
  for (let i = 0; i < groups.length; ) {
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > best.length && j - i > 1) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  if (best.start < 0) return groups.join(':');
  const head = groups.slice(0, best.start).join(':');
  const tail = groups.slice(best.start + best.length).join(':');
  return `${head}::${tail}`;
}

/** `ls -l /proc/[0-9]*\/fd | grep ...`: which pids hold which socket inodes. */
export function parseFdSection(body: string): Map<string, number[]> {
  return parseLines(fdParser(), body).value;
}

export function fdParser(): LineParser<Map<string, number[]>> {
  const owners = new Map<string, number[]>();
  let pid: number | null = null;
  return {
    line: (line) => {
      const dir = /^\/proc\/(\d+)\/fd:$/.exec(line);
      if (dir !== null) {
        pid = Number(dir[1]);
        return;
      }
      const socket = /-> socket:\[(\d+)\]$/.exec(line);
      if (socket === null || pid === null) return;
      const inode = socket[1] as string;
      const list = owners.get(inode) ?? [];
      if (!list.includes(pid)) owners.set(inode, [...list, pid]);
    },
    result: () => ({ value: owners, dropped: [] }),
  };
}

/** Listening sockets from /proc/net and fd links (the way without ss). */
export function joinProcSockets(sockets: readonly ProcNetSocket[], owners: ReadonlyMap<string, readonly number[]>): ListenerTable {
  return ListenerTable.of(sockets.map(({ inode, ...socket }) => ({ ...socket, pids: [...(owners.get(inode) ?? [])] })));
}

/**
 * `self X` then `PID Y` lines: the pids whose network namespace (Y) differs from the
 * probe's own (X). Their sockets are not in the probe's ss output, so not owning one
 * there says nothing. Since issue 12 the probe compares the links itself (`test -ef`) and
 * sends `self self` and `PID other` for the differing ones only (a link it cannot stat,
 * not being root, counts as differing); probe outputs captured before send the links
 * (`net:[N]`), read the same way.
 */
export function parseNetNsSection(body: string): Set<number> {
  const lines = sectionLines(body).map((line) => line.split(' '));
  const self = lines.find(([key]) => key === 'self')?.[1];
  const foreign = new Set<number>();
  if (self === undefined || self === '') return foreign;
  for (const [pid, ns] of lines) {
    if (pid !== 'self' && ns !== undefined && ns !== self) foreign.add(Number(pid));
  }
  return foreign;
}
