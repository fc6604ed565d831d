import { InternalError } from '../errors.js';
import type { HostFile } from './types.js';
import { sectionLines } from './probe-sections.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The node UUID a pid, lock or password file is named after, if it is one. */
export function nodeUuidOfPath(path: string): string | null {
  const base = path.slice(path.lastIndexOf('/') + 1).replace(/\.(pid|pw)$/, '');
  return UUID.test(base) ? base.toLowerCase() : null;
}

/** `head -v -c 32 FILE...`: the first bytes of each pid file, after `==> FILE <==`. */
export function parsePidContents(body: string): Map<string, number | null> {
  const contents = new Map<string, number | null>();
  const headers = [...body.matchAll(/^==> (.*) <==$/gm)];
  headers.forEach((header, i) => {
    const text = body.slice(header.index + header[0].length, headers[i + 1]?.index ?? body.length);
    const match = /^\s*(\d+)\s*$/.exec(text);
    contents.set(header[1] as string, match === null ? null : Number(match[1]));
  });
  return contents;
}

/** `stat -c '%a %u %U %Y %n'` lines, joined with the pid files' contents. */
export function parseFilesSection(
  body: string,
  pidContents: ReadonlyMap<string, number | null>,
  hostName: string,
): HostFile[] {
  const files: HostFile[] = [];
  for (const line of sectionLines(body)) {
    const match = /^([0-7]{3,4}) (\d+) (\S+) (\d+) (\/.*)$/.exec(line);
    if (match === null) throw new InternalError(`${hostName}: malformed files section line: ${line.slice(0, 80)}`);
    const path = match[5] as string;
    const kind = path.endsWith('.pw') ? 'pw' : 'pid';
    files.push({
      path,
      kind,
      nodeUuid: nodeUuidOfPath(path),
      pid: kind === 'pid' ? (pidContents.get(path) ?? null) : null,
      mode: match[1] as string,
      uid: Number(match[2]),
      owner: match[3] as string,
      mtime: Number(match[4]),
    });
  }
  const unique = new Map(files.map((file) => [file.path, file]));
  return [...unique.values()].sort((a, b) => a.path.localeCompare(b.path));
}
