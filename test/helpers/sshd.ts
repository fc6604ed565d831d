/**
 * A real OpenSSH sshd on a loopback address, for integration and end-to-end tests.
 *
 * Usage:
 *   const sshd = await startSshd();                      // 127.0.0.1, a free port
 *   const host = { ...aHost, address: sshd.address, port: sshd.port, user: sshd.user,
 *                  identityFiles: [sshd.clientKeyPath] };
 *   // known_hosts: write sshd.knownHostsLine to a temp file and pass it in knownHostsFiles
 *   await sshd.stop();                                   // kills the sshd this call started, by pid
 *
 * Everything (host keys, client key, authorized_keys, config, pid file) lives in `dir`, a
 * fresh temp directory removed by stop(). The API is shared by the transport, observe, apply
 * and CLI tests: add optional fields, never rename or remove one.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type SshKeyType = 'ed25519' | 'ecdsa' | 'rsa';

export interface SshdOptions {
  /** Loopback address to listen on (default 127.0.0.1; any 127.0.0.0/8 address works on Linux). */
  readonly address?: string;
  /** Port to listen on (default: a free port picked by binding port 0). */
  readonly port?: number;
  /** Host key types, in the order sshd offers them (default: ['ed25519']). */
  readonly hostKeyTypes?: readonly SshKeyType[];
  /**
   * Run sshd in its own PID namespace (`unshare --pid --fork --mount-proc`), so that a
   * login sees only the processes started through it, like a separate conductor host.
   * Stopping it ends the namespace and everything started inside.
   */
  readonly pidNamespace?: boolean;
  /**
   * With `pidNamespace`: directories or files bind-mounted inside sshd's own mount
   * namespace before it starts (e.g. a stand-in `docker` over /usr/local/bin), seen by
   * every login and by nothing outside.
   */
  readonly bindMounts?: readonly (readonly [source: string, target: string])[];
}

export interface SshdHandle {
  readonly address: string;
  readonly port: number;
  /** The first host key's public line: 'ssh-ed25519 AAAA...'. */
  readonly hostKeyPublicLine: string;
  /** Every host key's public line, by type. */
  readonly hostKeyPublicLines: Readonly<Partial<Record<SshKeyType, string>>>;
  /** A known_hosts line for the first host key: '[127.0.0.1]:PORT ssh-ed25519 AAAA...' (no brackets on port 22). */
  readonly knownHostsLine: string;
  /** An unencrypted ed25519 client key that sshd accepts for `user`. */
  readonly clientKeyPath: string;
  readonly clientKeyPublicLine: string;
  /** The user to log in as: 'root' (the test containers run as root). */
  readonly user: string;
  /** The authorized_keys file sshd reads on every login: append lines to admit more keys. */
  readonly authorizedKeysFile: string;
  /** Admits one more public key line. */
  authorize(publicLine: string): void;
  readonly dir: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Generates a key pair with ssh-keygen; returns the public line without its comment. */
export function generateKey(path: string, type: SshKeyType = 'ed25519', passphrase = ''): string {
  const result = spawnSync('ssh-keygen', ['-q', '-t', type, '-N', passphrase, '-C', '', '-f', path], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`ssh-keygen -t ${type} failed: ${result.stderr}`);
  return publicLine(readFileSync(`${path}.pub`, 'utf8'));
}

function publicLine(text: string): string {
  const [type, key] = text.trim().split(/\s+/);
  return `${type} ${key}`;
}

/** A port nobody listens on right now (bind port 0, read it, close). */
export function freePort(address = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, address, () => {
      const info = server.address();
      const port = typeof info === 'object' && info !== null ? info.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startSshd(options: SshdOptions = {}): Promise<SshdHandle> {
  const address = options.address ?? '127.0.0.1';
  const port = options.port ?? (await freePort(address));
  const dir = mkdtempSync(join(tmpdir(), 'cd-sshd-'));
  const hostKeyTypes = options.hostKeyTypes ?? ['ed25519'];
  const hostKeyPublicLines: Partial<Record<SshKeyType, string>> = {};
  for (const type of hostKeyTypes) hostKeyPublicLines[type] = generateKey(join(dir, `host_${type}`), type);
  const clientKeyPath = join(dir, 'client_ed25519');
  const clientKeyPublicLine = generateKey(clientKeyPath);
  const authorizedKeysFile = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeysFile, `${clientKeyPublicLine}\n`, { mode: 0o600 });
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `ListenAddress ${address.includes(':') ? `[${address}]` : address}:${port}`,
      ...hostKeyTypes.map((type) => `HostKey ${join(dir, `host_${type}`)}`),
      `AuthorizedKeysFile ${authorizedKeysFile}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'StrictModes no',
      'UsePAM no',
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'LogLevel ERROR',
      'UseDNS no',
      'MaxStartups 100',
      'MaxSessions 20',
      '',
    ].join('\n'),
  );
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const sshd = ['/usr/sbin/sshd', '-D', '-e', '-f', config];
  const mounts = (options.bindMounts ?? []).map(([from, to]) => `mount --bind '${from}' '${to}' && `).join('');
  const inNamespace = mounts === '' ? sshd : ['/bin/sh', '-c', `${mounts}exec ${sshd.join(' ')}`];
  const argv = options.pidNamespace ? ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child=SIGKILL', ...inNamespace] : sshd;
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  if (child.pid === undefined) throw new Error('sshd did not start');
  const pid = child.pid;
  try {
    await waitForListen(child, address, port, stderr);
  } catch (error) {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const first = hostKeyTypes[0] ?? 'ed25519';
  const hostKeyPublicLine = hostKeyPublicLines[first] ?? '';
  const hostPattern = port === 22 ? address : `[${address}]:${port}`;
  return {
    address,
    port,
    hostKeyPublicLine,
    hostKeyPublicLines,
    knownHostsLine: `${hostPattern} ${hostKeyPublicLine}`,
    clientKeyPath,
    clientKeyPublicLine,
    user: 'root',
    authorizedKeysFile,
    authorize: (line) => appendFileSync(authorizedKeysFile, `${line}\n`),
    dir,
    pid,
    stop: async () => {
      // unshare --fork blocks SIGTERM while it waits; KILL it and --kill-child ends the namespace.
      await stopChild(child, options.pidNamespace ? 'SIGKILL' : 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Ends the sshd this helper started, by its pid, and waits for it to exit. */
function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

async function waitForListen(child: ChildProcess, address: string, port: number, stderr: string[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd exited ${child.exitCode}: ${stderr.join('').trim()}`);
    if (await canConnect(address, port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`sshd did not listen on ${address}:${port} within 10s: ${stderr.join('').trim()}`);
}

function canConnect(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Runs one command as root on the sshd "host" through the system ssh client (how tests
 * start consoles there), checking the host key against `knownHostsFile`. Throws with ssh's
 * stderr when it fails; returns its stdout.
 */
export function runOnSshd(sshd: Pick<SshdHandle, 'clientKeyPath' | 'port' | 'address'>, knownHostsFile: string, command: string, timeoutMs: number): string {
  const result = spawnSync(
    'ssh',
    ['-i', sshd.clientKeyPath, '-p', String(sshd.port), '-o', `UserKnownHostsFile=${knownHostsFile}`, '-o', 'BatchMode=yes', `root@${sshd.address}`, command],
    { encoding: 'utf8', timeout: timeoutMs },
  );
  if (result.status !== 0) throw new Error(`ssh ${command}: ${result.stderr}`);
  return result.stdout;
}
