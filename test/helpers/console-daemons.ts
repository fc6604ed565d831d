/**
 * Real console daemons for tests, started the way Ironic's console_utils starts them.
 * Every process is tracked by PID and ended by PID; nothing is matched by pattern.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';

export interface StartedConsole {
  readonly nodeUuid: string;
  readonly port: number;
  readonly pidFile: string;
  /** The listener's pid (socat parent, or the pid shellinaboxd wrote to its pid file). */
  readonly pid: number;
}

/**
 * ipmitool as Ironic runs it; -N/-R only lengthen how long it waits for an absent BMC.
 * `password: 'env'` is `[ipmi]store_cred_in_env = True`: `-E` and no `.pw` file.
 */
export function ipmitoolCommand(nodeUuid: string, pwDir: string, extra = '', password: 'file' | 'env' = 'file'): string {
  const secret = password === 'env' ? '-E' : `-f ${join(pwDir, `${nodeUuid}.pw`)}`;
  return `ipmitool -I lanplus -H 127.0.0.1 -L ADMINISTRATOR -U admin ${extra}${secret} -N 5 -R 12 sol activate`;
}

/** argv prefix that runs a daemon as another local user (Ironic's conductor runs as `ironic`). */
function asUser(user: string | undefined, argv: readonly string[]): string[] {
  return user === undefined ? [...argv] : ['runuser', '-u', user, '--', ...argv];
}

export function makeTempDir(prefix = 'cd-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * socat as ipmitool-socat starts it. `quoting: 'plain'` is Ironic's `EXEC:"<cmd>"`;
 * `'shell'` wraps the command the way some distributions' releases quote it (`EXEC:'<cmd>'`);
 * `'ironic-quoted'` is newer Ironic's `EXEC:"'<cmd>'"` (29.0.5+, 32.0.1, 35.0.1, 36–38).
 */
export interface SocatConsoleOptions {
  nodeUuid?: string;
  port: number;
  pidDir: string;
  bind?: string;
  quoting?: 'plain' | 'shell' | 'ironic-quoted';
  ipv6?: boolean;
  extraIpmitoolArgs?: string;
  password?: 'file' | 'env';
  /** Run as this local user (through runuser); the pid dir must be writable by it. */
  user?: string;
}

/** The argv of a socat console as Ironic builds it (a value: tests start it locally or on an sshd). */
export function socatConsoleArgv(options: SocatConsoleOptions & { nodeUuid: string }): { argv: string[]; pidFile: string; bind: string } {
  const pidFile = join(options.pidDir, `${options.nodeUuid}.pid`);
  const bind = options.bind ?? (options.ipv6 ? '::1' : '127.0.0.1');
  const listen = options.ipv6
    ? `TCP6-LISTEN:${options.port},bind=[${bind}],reuseaddr,fork,max-children=1`
    : `TCP4-LISTEN:${options.port},bind=${bind},reuseaddr,fork,max-children=1`;
  const cmd = ipmitoolCommand(options.nodeUuid, options.pidDir, options.extraIpmitoolArgs ?? '', options.password);
  const exec =
    options.quoting === 'shell' ? `EXEC:'${cmd}',pty,stderr` : options.quoting === 'ironic-quoted' ? `EXEC:"'${cmd}'",pty,stderr` : `EXEC:"${cmd}",pty,stderr`;
  return { argv: asUser(options.user, ['socat', '-T600', `-L${pidFile}`, listen, exec]), pidFile, bind };
}

export async function startSocatConsole(options: SocatConsoleOptions): Promise<StartedConsole> {
  const nodeUuid = options.nodeUuid ?? randomUUID();
  const { argv, pidFile, bind } = socatConsoleArgv({ ...options, nodeUuid });
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: 'ignore', detached: true });
  child.unref();
  if (child.pid === undefined) throw new Error('socat did not start');
  await waitForListen(options.port, bind);
  // Through runuser the listener is runuser's child; socat's lock file holds socat's own pid.
  const pid = options.user === undefined ? child.pid : await readPidFile(pidFile);
  return { nodeUuid, port: options.port, pidFile, pid };
}

export interface ShellinaboxConsoleOptions {
  nodeUuid?: string;
  port: number;
  pidDir: string;
  /** e.g. `-p 623 ` (a node with `ipmi_port` in driver_info): inside the one `-s` element. */
  extraIpmitoolArgs?: string;
  password?: 'file' | 'env';
  /** The uid:gid in `-s` (default: this process's). */
  uid?: number;
  gid?: number;
}

/** The argv of a shellinaboxd console as Ironic builds it. */
export function shellinaboxConsoleArgv(options: ShellinaboxConsoleOptions & { nodeUuid: string }): { argv: string[]; pidFile: string } {
  const pidFile = join(options.pidDir, `${options.nodeUuid}.pid`);
  const cmd = ipmitoolCommand(options.nodeUuid, options.pidDir, options.extraIpmitoolArgs ?? '', options.password);
  const uid = options.uid ?? process.getuid?.() ?? 0;
  const gid = options.gid ?? process.getgid?.() ?? 0;
  return { argv: ['shellinaboxd', '-t', '-p', String(options.port), `--background=${pidFile}`, '-s', `/:${uid}:${gid}:HOME:${cmd}`], pidFile };
}

/** shellinaboxd as ipmitool-shellinabox starts it: it daemonises and writes its pid file. */
export async function startShellinaboxConsole(options: ShellinaboxConsoleOptions): Promise<StartedConsole> {
  const nodeUuid = options.nodeUuid ?? randomUUID();
  const { argv, pidFile } = shellinaboxConsoleArgv({ ...options, nodeUuid });
  const result = spawnSync(argv[0] as string, argv.slice(1), { stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`shellinaboxd exited ${result.status}`);
  await waitForListen(options.port, '127.0.0.1');
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return { nodeUuid, port: options.port, pidFile, pid };
}

async function readPidFile(pidFile: string, timeoutMs = 5_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').trim()) : 0;
    if (pid > 0) return pid;
    if (Date.now() > deadline) throw new Error(`${pidFile} holds no pid after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Connect a client so the listener forks a session child running ipmitool. */
export async function connectClient(port: number, host = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host }, () => resolve(socket));
    socket.on('error', reject);
  });
}

export async function waitForListen(port: number, host: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = spawnSync('ss', ['-Htln', `sport = :${port}`], { encoding: 'utf8' }).stdout.trim() !== '';
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Children of a pid, from /proc (for finding session children and ipmitool). */
export function childPids(pid: number): number[] {
  const out = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout;
  return out.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
}

/** SIGKILLs each pid and every descendant, children first; pids already gone are skipped. */
export function killTrees(pids: readonly (number | undefined)[]): void {
  const tree = pids.filter((pid): pid is number => pid !== undefined);
  for (let i = 0; i < tree.length; i++) tree.push(...childPids(tree[i]!));
  for (const pid of tree.reverse()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

export function isAlive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) Z /.test(stat);
  } catch {
    return false;
  }
}

/** End a started console and its whole tree, by PID. */
export function stopConsole(started: StartedConsole): void {
  const tree = [started.pid];
  for (let i = 0; i < tree.length; i++) tree.push(...childPids(tree[i]!));
  for (const pid of tree.reverse()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone already */
    }
  }
  rmSync(started.pidFile, { force: true });
}
