import type { ConductorSettings, HostSpec } from '../inventory/types.js';
import { DEFAULT_FILE_DIRS } from './probe-script.js';
import type { ConductorUser, ConsoleDaemon, FileDir, HostFile, ProcessInfo } from './types.js';

const normalise = (dir: string): string => (dir.length > 1 ? dir.replace(/\/+$/, '') : dir);

export const dirOf = (path: string): string => normalise(path.slice(0, Math.max(1, path.lastIndexOf('/'))));

/**
 * The directories whose pid and password files console-doctor looks at: the inventory's
 * `tempdir`/`terminal_pid_dir`, the same keys of the conductor's ironic.conf, Ironic's and
 * kolla's defaults, and nothing a local user can choose. Directories named by a console's
 * argv come later (consoleFileDirs), only for consoles run by the conductor's user.
 */
export function configuredFileDirs(host: HostSpec, conf: ConductorSettings): FileDir[] {
  const dirs: FileDir[] = [];
  const add = (dir: string | undefined, source: FileDir['source']): void => {
    if (dir === undefined || !dir.startsWith('/')) return;
    const normal = normalise(dir);
    if (!dirs.some((d) => d.dir === normal)) dirs.push({ dir: normal, source });
  };
  add(host.settings.tempdir, 'inventory');
  add(host.settings.terminalPidDir, 'inventory');
  add(conf.tempdir, 'ironic.conf');
  add(conf.terminalPidDir, 'ironic.conf');
  DEFAULT_FILE_DIRS.forEach((dir) => add(dir, 'default'));
  return dirs;
}

/** The pid-file directories of consoles run by the conductor's user, added to `dirs`. */
export function withConsoleFileDirs(
  dirs: readonly FileDir[],
  consoles: readonly ConsoleDaemon[],
  processes: readonly ProcessInfo[],
  user: ConductorUser,
): FileDir[] {
  const uidOf = new Map(processes.map((p) => [p.pid, p.uid]));
  const all = [...dirs];
  for (const daemon of consoles) {
    if (uidOf.get(daemon.pid) !== user.uid || !daemon.pidFile.startsWith('/')) continue;
    const dir = dirOf(daemon.pidFile);
    if (!all.some((d) => d.dir === dir)) all.push({ dir, source: 'console' });
  }
  return all;
}

/** Splits files into those in an allowed directory and those outside every one. */
export function filesInDirs(files: readonly HostFile[], dirs: readonly FileDir[]): { kept: HostFile[]; ignored: HostFile[] } {
  const allowed = new Set(dirs.map((d) => d.dir));
  const kept: HostFile[] = [];
  const ignored: HostFile[] = [];
  for (const file of files) (allowed.has(dirOf(file.path)) ? kept : ignored).push(file);
  return { kept, ignored };
}
