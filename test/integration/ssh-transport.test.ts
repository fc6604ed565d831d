/**
 * The SSH transport against a real OpenSSH sshd on a loopback port.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, UnreachableError } from '../../src/errors.js';
import { DEFAULT_SSH, type HostSpec } from '../../src/inventory/types.js';
import { createConnector } from '../../src/transport/create-connector.js';
import { LocalShell } from '../../src/transport/local-shell.js';
import type { ConnectorOptions, RemoteShell } from '../../src/transport/types.js';
import { buildHostSpec } from '../helpers/builders.js';
import { makeTempDir } from '../helpers/console-daemons.js';
import { freePort, generateKey, startSshd, type SshdHandle } from '../helpers/sshd.js';

let sshd: SshdHandle;
let dir: string;
let knownHosts: string;
/** `ED25519 SHA256:...` of the sshd host key, as `ssh-keygen -lf` prints it. */
let hostKeyDescription: string;

beforeAll(async () => {
  sshd = await startSshd();
  dir = makeTempDir('cd-ssh-transport-');
  knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
  const printed = spawnSync('ssh-keygen', ['-lf', join(sshd.dir, 'host_ed25519.pub')], { encoding: 'utf8' }).stdout.trim();
  hostKeyDescription = `${/\((\w+)\)$/.exec(printed)?.[1]} ${printed.split(/\s+/)[1]}`;
});

afterAll(async () => {
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function host(overrides: Partial<HostSpec> = {}): HostSpec {
  return buildHostSpec({
    name: 'conductor-a',
    address: sshd.address,
    port: sshd.port,
    user: sshd.user,
    identityFiles: [sshd.clientKeyPath],
    ...overrides,
  });
}

/** No agent from the environment, only the test's known_hosts, and short timeouts. */
function options(overrides: Partial<ConnectorOptions> = {}): ConnectorOptions {
  return {
    ...DEFAULT_SSH,
    knownHostsFiles: [knownHosts],
    userKnownHostsFile: join(dir, 'never-written'),
    connectTimeoutMs: 5_000,
    commandTimeoutMs: 10_000,
    agent: '',
    ...overrides,
  };
}

async function withShell<T>(spec: HostSpec, opts: ConnectorOptions, use: (shell: RemoteShell) => Promise<T>): Promise<T> {
  const shell = await createConnector(opts).connect(spec);
  try {
    return await use(shell);
  } finally {
    shell.close();
  }
}

async function connectError(spec: HostSpec, opts: ConnectorOptions): Promise<Error> {
  const error = await createConnector(opts)
    .connect(spec)
    .then((shell) => {
      shell.close();
      return new Error('connected, but should not have');
    })
    .catch((caught: Error) => caught);
  expect(error.message).not.toContain('\n');
  expect(error.message).not.toMatch(/\bat .*\.js:\d+/);
  return error;
}

describe('exec', () => {
  it.each([
    ['stdout, stderr and the exit code', 'echo out; echo err >&2; exit 3', undefined, { stdout: 'out\n', stderr: 'err\n', code: 3, signal: undefined }],
    ['stdin, then end of input', 'tr a-z A-Z', 'hello\nworld', { stdout: 'HELLO\nWORLD', stderr: '', code: 0, signal: undefined }],
    ['a command ended by a signal', 'kill -TERM $$', undefined, { stdout: '', stderr: '', code: null, signal: 'SIGTERM' }],
    ['sh syntax', 'for i in 1 2; do printf "%s," "$i"; done', undefined, { stdout: '1,2,', stderr: '', code: 0, signal: undefined }],
  ])('returns %s', async (_what, command, stdin, expected) => {
    const result = await withShell(host(), options(), (shell) => shell.exec(command, stdin === undefined ? {} : { stdin }));
    expect(result).toEqual(expected);
  });

  it('reuses one SSH connection for every command', async () => {
    const seen = await withShell(host(), options(), async (shell) => {
      const outputs: string[] = [];
      for (let i = 0; i < 3; i += 1) outputs.push((await shell.exec('echo $SSH_CONNECTION')).stdout.trim());
      return outputs;
    });
    const [first] = seen;
    expect(first).toMatch(new RegExp(`^127\\.0\\.0\\.1 \\d+ ${sshd.address.replace(/\./g, '\\.')} ${sshd.port}$`));
    expect(seen).toEqual([first, first, first]);
  });

  it('ends a command that hangs, and the connection stays usable', async () => {
    const pidFile = join(dir, 'hanging.pid');
    await withShell(host(), options(), async (shell) => {
      const before = (await shell.exec('echo $SSH_CONNECTION')).stdout;
      const started = Date.now();
      const error = await shell.exec(`echo $$ > ${pidFile}; exec sleep 60`, { timeoutMs: 1000 }).catch((caught: Error) => caught);
      expect(error).toBeInstanceOf(UnreachableError);
      expect((error as Error).message).toBe('conductor-a: command timed out after 1s');
      expect(Date.now() - started).toBeLessThan(3000);
      // OpenSSH refuses signal requests for root logins, so the sleep may run on; the
      // abandoned channel must not block the next commands.
      expect((await shell.exec('echo $SSH_CONNECTION')).stdout).toBe(before);
      const after = await Promise.all([1, 2, 3].map((i) => shell.exec(`echo ${i}`)));
      expect(after.map((r) => r.stdout)).toEqual(['1\n', '2\n', '3\n']);
    });
    // The sleep is this test's own process (same machine): end it by its pid.
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
    } catch {
      /* already gone */
    }
  });

  it('notices a host that stops answering keepalives, and says so', async () => {
    const shell = await createConnector(options({ keepaliveIntervalMs: 200 })).connect(host());
    // The shell's parent is the sshd process serving this connection (a child of our sshd).
    const sessionPid = Number((await shell.exec('echo $PPID')).stdout.trim());
    expect(sessionPid).toBeGreaterThan(1);
    process.kill(sessionPid, 'SIGSTOP');
    try {
      const started = Date.now();
      const error = await shell.exec('echo never', { timeoutMs: 10_000 }).catch((caught: Error) => caught);
      expect(error).toBeInstanceOf(UnreachableError);
      expect((error as Error).message).toMatch(/^conductor-a: (cannot start a command: )?connection lost( during a command)? \(no keepalive answer\)$/);
      expect(Date.now() - started).toBeLessThan(5000);
      await expect(shell.exec('true')).rejects.toThrow('conductor-a: connection lost (no keepalive answer)');
    } finally {
      process.kill(sessionPid, 'SIGKILL');
      shell.close();
    }
  });

  it('refuses commands after close', async () => {
    const shell = await createConnector(options()).connect(host());
    shell.close();
    await expect(shell.exec('true')).rejects.toThrow('conductor-a: connection already closed');
  });

  it('gives a LocalShell to connection: local hosts', async () => {
    const shell = await createConnector(options()).connect(host({ connection: 'local', address: 'unused' }));
    expect(shell).toBeInstanceOf(LocalShell);
    expect((await shell.exec('echo local')).stdout).toBe('local\n');
  });
});

describe('host keys', () => {
  it('refuses an unknown host key in strict mode, naming host and fingerprint', async () => {
    const empty = join(dir, 'empty_known_hosts');
    writeFileSync(empty, '');
    const error = await connectError(host(), options({ knownHostsFiles: [empty] }));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toBe(
      `conductor-a: host key for [127.0.0.1]:${sshd.port} is not known (${hostKeyDescription}); add it to known_hosts or use --known-hosts accept-new`,
    );
  });

  it('refuses a changed host key in strict and accept-new mode', async () => {
    const changed = join(dir, 'changed_known_hosts');
    writeFileSync(changed, `# old key\n[127.0.0.1]:${sshd.port} ${generateKey(join(dir, 'old-host-key'))}\n`);
    for (const mode of ['strict', 'accept-new'] as const) {
      const error = await connectError(host(), options({ knownHosts: mode, knownHostsFiles: [changed] }));
      expect(error).toBeInstanceOf(AuthError);
      expect(error.message).toContain(`conductor-a: host key for [127.0.0.1]:${sshd.port} has CHANGED: offered ${hostKeyDescription}`);
      expect(error.message).toContain(`does not match the known key at ${changed}:2`);
    }
  });

  it('accepts a hashed entry written by ssh-keygen -H', async () => {
    const hashed = join(dir, 'hashed_known_hosts');
    writeFileSync(hashed, `${sshd.knownHostsLine}\n`);
    expect(spawnSync('ssh-keygen', ['-H', '-f', hashed]).status).toBe(0);
    expect(readFileSync(hashed, 'utf8')).toMatch(/^\|1\|/);
    const result = await withShell(host(), options({ knownHostsFiles: [hashed] }), (shell) => shell.exec('echo ok'));
    expect(result.stdout).toBe('ok\n');
  });

  it('accept-new records an unknown host, and strict then knows it', async () => {
    const userFile = join(dir, 'home', '.ssh', 'known_hosts');
    const opts = options({ knownHosts: 'accept-new', knownHostsFiles: [], userKnownHostsFile: userFile });
    await withShell(host(), opts, (shell) => shell.exec('true'));
    expect(readFileSync(userFile, 'utf8')).toBe(`${sshd.knownHostsLine}\n`);
    const again = await withShell(host(), options({ knownHostsFiles: [userFile] }), (shell) => shell.exec('echo known'));
    expect(again.stdout).toBe('known\n');
  });

  it('off checks nothing and writes nothing', async () => {
    const userFile = join(dir, 'off', 'known_hosts');
    const opts = options({ knownHosts: 'off', knownHostsFiles: [], userKnownHostsFile: userFile });
    expect((await withShell(host(), opts, (shell) => shell.exec('echo off'))).stdout).toBe('off\n');
    expect(() => readFileSync(userFile)).toThrow(/ENOENT/);
  });
});

describe('client authentication', () => {
  it('refuses a key sshd does not know, naming what was tried', async () => {
    const stranger = join(dir, 'stranger');
    generateKey(stranger);
    const error = await connectError(host({ identityFiles: [join(dir, 'absent-key'), stranger] }), options());
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toBe(
      `conductor-a (root@127.0.0.1:${sshd.port}): authentication failed (tried: ${join(dir, 'absent-key')} (ENOENT), ${stranger})`,
    );
  });

  describe('an encrypted identity file', () => {
    const secret = 'correct horse battery staple';
    let keyPath: string;
    beforeAll(() => {
      keyPath = join(dir, 'encrypted');
      sshd.authorize(generateKey(keyPath, 'ed25519', secret));
    });

    it('opens with the passphrase, asking once per run', async () => {
      let asked = 0;
      const connector = createConnector(options({ passphrase: async () => (asked += 1, secret) }));
      for (let i = 0; i < 2; i += 1) {
        const shell = await connector.connect(host({ identityFiles: [keyPath] }));
        expect((await shell.exec('echo in')).stdout).toBe('in\n');
        shell.close();
      }
      expect(asked).toBe(1);
    });

    it.each([
      ['no passphrase source', undefined, (path: string) => `conductor-a (root@127.0.0.1:PORT): identity file ${path} is encrypted; set CONSOLE_DOCTOR_SSH_PASSPHRASE or run on a terminal`],
      ['an empty answer', async () => '', (path: string) => `conductor-a (root@127.0.0.1:PORT): identity file ${path} is encrypted; set CONSOLE_DOCTOR_SSH_PASSPHRASE or run on a terminal`],
      ['a wrong passphrase', async () => 'not the secret', (path: string) => `conductor-a (root@127.0.0.1:PORT): authentication failed (tried: ${path} (wrong passphrase))`],
    ])('fails clearly with %s, and never shows a secret', async (_what, passphrase, message) => {
      const error = await connectError(host({ identityFiles: [keyPath] }), options(passphrase ? { passphrase } : {}));
      expect(error).toBeInstanceOf(AuthError);
      expect(error.message).toBe(message(keyPath).replace('PORT', String(sshd.port)));
      expect(error.message).not.toContain('not the secret');
      expect(error.message).not.toContain(secret);
    });
  });
});

describe('unreachable hosts', () => {
  let silent: Server;
  const accepted: Socket[] = [];
  beforeAll(async () => {
    silent = createServer((socket) => accepted.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of accepted) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('reports a refused connection', async () => {
    const port = await freePort();
    const error = await connectError(host({ port }), options());
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error.message).toBe(`conductor-a (root@127.0.0.1:${port}): connection refused`);
  });

  it('times out on a port that accepts TCP but never speaks SSH', async () => {
    const address = silent.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const started = Date.now();
    const error = await connectError(host({ port }), options({ connectTimeoutMs: 1000 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error.message).toBe(`conductor-a (root@127.0.0.1:${port}): no SSH answer within 1s`);
  });
});
