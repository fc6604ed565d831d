/**
 * Reading and appending known_hosts files: the I/O around the pure parser in known-hosts.ts.
 */
import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ConfigError } from '../errors.js';
import { parseKnownHosts, type KnownHostsEntry } from './known-hosts.js';

export const SYSTEM_KNOWN_HOSTS = '/etc/ssh/ssh_known_hosts';

export function userKnownHostsFile(): string {
  return join(homedir(), '.ssh', 'known_hosts');
}

/** The files to read, in order: the inventory's extra files, then the user's, then the system's. */
export function knownHostsFiles(extra: readonly string[]): string[] {
  return [...new Set([...extra, userKnownHostsFile(), SYSTEM_KNOWN_HOSTS])];
}

export interface KnownHostsRead {
  readonly entries: readonly KnownHostsEntry[];
  /** Ignored lines and unreadable files, as `file[:line]: reason`. */
  readonly notes: readonly string[];
}

/** Reads every file that exists; a missing file is no error, as with OpenSSH. */
export async function readKnownHostsFiles(files: readonly string[]): Promise<KnownHostsRead> {
  const parsed = await Promise.all(files.map(readOne));
  return {
    entries: parsed.flatMap((one) => one.entries),
    notes: parsed.flatMap((one) => one.notes),
  };
}

async function readOne(file: string): Promise<KnownHostsRead> {
  try {
    return parseKnownHosts(await readFile(file, 'utf8'), file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { entries: [], notes: [] };
    return { entries: [], notes: [`${file}: not read: ${code ?? String(error)}`] };
  }
}

/**
 * Appends one line as accept-new does: creates the directory 0700 and the file 0600 when
 * missing, and starts on a new line when the file does not end with one.
 */
export async function appendKnownHost(file: string, line: string): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const size = await stat(file).then(
      (info) => info.size,
      () => 0,
    );
    const needsNewline = size > 0 && !(await readFile(file, 'utf8')).endsWith('\n');
    await appendFile(file, `${needsNewline ? '\n' : ''}${line}\n`, { mode: 0o600 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(`${file}: cannot add a host key: ${code}`, { cause: error });
  }
}
