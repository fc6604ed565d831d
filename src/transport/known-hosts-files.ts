/**
 * Reading and appending known_hosts files: the I/O around the pure parser in known-hosts.ts.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
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

/** Appends run one after another, so parallel connections to one new jump host add one line. */
let appending: Promise<void> = Promise.resolve();

/**
 * Appends one line as accept-new does: creates the directory 0700 and the file 0600 when
 * missing, starts on a new line when the file does not end with one, and skips a line the
 * file already holds.
 */
export function appendKnownHost(file: string, line: string): Promise<void> {
  const next = appending.then(() => appendOnce(file, line));
  appending = next.catch(() => undefined);
  return next;
}

async function appendOnce(file: string, line: string): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true, mode: 0o700 });
    const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    if (text.split(/\r?\n/).includes(line)) return;
    const needsNewline = text.length > 0 && !text.endsWith('\n');
    await appendFile(file, `${needsNewline ? '\n' : ''}${line}\n`, { mode: 0o600 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new ConfigError(`${file}: cannot add a host key: ${code}`, { cause: error });
  }
}
