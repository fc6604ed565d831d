import { describeHostText } from './escaped-records.js';
import type { Parsed } from './parse-processes.js';
import type { HostFile } from './types.js';
import { sectionLines } from './probe-sections.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The node UUID a pid, lock or password file is named after, if it is one. */
export function nodeUuidOfPath(path: string): string | null {
  const base = path.slice(path.lastIndexOf('/') + 1).replace(/\.(pid|pw)$/, '');
  return UUID.test(base) ? base.toLowerCase() : null;
}

/** `<pid or -> <path>` lines: the first word of each regular pid file, when it is a number. */
export function parsePidContents(body: string): Map<string, number | null> {
  const contents = new Map<string, number | null>();
  for (const line of sectionLines(body)) {
    const match = /^(\d+|-) (\/.*)$/.exec(line);
    if (match === null) continue;
    contents.set(match[2] as string, match[1] === '-' ? null : Number(match[1]));
  }
  return contents;
}

/** S_IFMT bits of stat's raw mode (`%f`, hex). */
function fileType(rawModeHex: string): HostFile['type'] {
  const format = Number.parseInt(rawModeHex, 16) & 0o170000;
  return format === 0o100000 ? 'regular' : format === 0o120000 ? 'symlink' : 'other';
}

const FILE_LINE = /^(\d+) (\d+) ([0-9a-f]+) ([0-7]{3,4}) (\d+) (\S+) (\d+) \d+ (\/.*)$/;

/**
 * `stat -c '%d %i %f %a %u %U %Y %s %n'` lines (lstat: symlinks are not followed), joined
 * with the pid files' contents. A line that does not fit is dropped and reported.
 */
export function parseFilesSection(body: string, pidContents: ReadonlyMap<string, number | null>): Parsed<HostFile[]> {
  const files: HostFile[] = [];
  const dropped: string[] = [];
  for (const line of sectionLines(body)) {
    const match = FILE_LINE.exec(line);
    if (match === null) {
      dropped.push(describeHostText(line));
      continue;
    }
    const path = match[8] as string;
    const kind = path.endsWith('.pw') ? 'pw' : 'pid';
    files.push({
      path,
      kind,
      nodeUuid: nodeUuidOfPath(path),
      pid: kind === 'pid' ? (pidContents.get(path) ?? null) : null,
      device: Number(match[1]),
      inode: Number(match[2]),
      type: fileType(match[3] as string),
      mode: match[4] as string,
      uid: Number(match[5]),
      owner: match[6] as string,
      mtime: Number(match[7]),
    });
  }
  const unique = new Map(files.map((file) => [file.path, file]));
  return { value: [...unique.values()].sort((a, b) => a.path.localeCompare(b.path)), dropped };
}
