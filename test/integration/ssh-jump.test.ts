/**
 * Jump host chains, ssh-agent login and a batch of hosts, against real sshd instances on
 * two loopback addresses: 127.0.0.1 (the jump host) and 127.0.0.2 (the conductor).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, describeError, UnreachableError } from '../../src/errors.js';
import { DEFAULT_SSH, type HostSpec, type JumpHost } from '../../src/inventory/types.js';
import { mapLimited } from '../../src/map-limited.js';
import { createConnector } from '../../src/transport/create-connector.js';
import type { ConnectorOptions } from '../../src/transport/types.js';
import { buildHostSpec } from '../helpers/builders.js';
import { makeTempDir } from '../helpers/console-daemons.js';
import { freePort, startSshd, type SshdHandle } from '../helpers/sshd.js';

let jump: SshdHandle;
let target: SshdHandle;
let dir: string;
let knownHosts: string;

beforeAll(async () => {
  [jump, target] = await Promise.all([startSshd({ address: '127.0.0.1' }), startSshd({ address: '127.0.0.2' })]);
  // One client key for both, as an operator's key would be.
  target.authorize(jump.clientKeyPublicLine);
  dir = makeTempDir('cd-ssh-jump-');
  knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `${jump.knownHostsLine}\n${target.knownHostsLine}\n`);
});

afterAll(async () => {
  await Promise.all([jump?.stop(), target?.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

function viaJump(overrides: Partial<HostSpec> = {}, jumps?: JumpHost[]): HostSpec {
  return buildHostSpec({
    name: 'conductor-b',
    address: target.address,
    port: target.port,
    user: 'root',
    identityFiles: [jump.clientKeyPath],
    jumpHosts: jumps ?? [{ address: jump.address, port: jump.port, user: undefined }],
    ...overrides,
  });
}

function options(overrides: Partial<ConnectorOptions> = {}): ConnectorOptions {
  return { ...DEFAULT_SSH, knownHostsFiles: [knownHosts], userKnownHostsFile: join(dir, 'never-written'), connectTimeoutMs: 5_000, agent: '', ...overrides };
}

async function connectError(spec: HostSpec, opts: ConnectorOptions): Promise<Error> {
  return createConnector(opts)
    .connect(spec)
    .then((shell) => {
      shell.close();
      return new Error('connected, but should not have');
    })
    .catch((caught: Error) => caught);
}

describe('jump hosts', () => {
  it('reaches the conductor through the jump host, over one chain for every command', async () => {
    const shell = await createConnector(options()).connect(viaJump());
    try {
      const first = (await shell.exec('echo $SSH_CONNECTION')).stdout.trim();
      const second = (await shell.exec('echo $SSH_CONNECTION')).stdout.trim();
      // The conductor's sshd sees the jump host's forwarded connection, on its own address.
      expect(first).toMatch(new RegExp(`^127\\.0\\.0\\.1 \\d+ 127\\.0\\.0\\.2 ${target.port}$`));
      expect(second).toBe(first);
    } finally {
      shell.close();
    }
  });

  it('goes through a chain of two jumps (the jump host jumping to itself first)', async () => {
    const hop = { address: jump.address, port: jump.port, user: 'root' };
    const shell = await createConnector(options()).connect(viaJump({}, [hop, hop]));
    expect((await shell.exec('echo chained')).stdout).toBe('chained\n');
    shell.close();
  });

  it('names the jump host and the target when the jump host is unreachable', async () => {
    const closed = await freePort();
    const error = await connectError(viaJump({}, [{ address: '127.0.0.1', port: closed, user: 'ops' }]), options());
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error.message).toBe(
      `conductor-b (root@127.0.0.2:${target.port}): jump host ops@127.0.0.1:${closed}: connection refused`,
    );
  });

  it('names the jump host when it cannot reach the target', async () => {
    const closed = await freePort('127.0.0.2');
    const error = await connectError(viaJump({ port: closed }), options());
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error.message).toMatch(
      new RegExp(`^conductor-b \\(root@127\\.0\\.0\\.2:${closed}\\): jump host root@127\\.0\\.0\\.1:${jump.port} could not connect to 127\\.0\\.0\\.2:${closed}: .+`),
    );
  });

  it('checks the jump host key too', async () => {
    const onlyTarget = join(dir, 'only_target');
    writeFileSync(onlyTarget, `${target.knownHostsLine}\n`);
    const error = await connectError(viaJump(), options({ knownHostsFiles: [onlyTarget] }));
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toMatch(
      new RegExp(`^conductor-b: jump host root@127\\.0\\.0\\.1:${jump.port}: host key for \\[127\\.0\\.0\\.1\\]:${jump.port} is not known \\(ED25519 SHA256:`),
    );
  });
});

describe('ssh-agent', () => {
  let agent: ChildProcess;
  let socket: string;
  beforeAll(async () => {
    socket = join(dir, 'agent.sock');
    agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    for (let i = 0; i < 50 && !existsSync(socket); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    const added = spawnSync('ssh-add', [jump.clientKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: socket }, encoding: 'utf8' });
    expect(added.status, added.stderr).toBe(0);
  });
  afterAll(() => {
    agent?.kill('SIGTERM');
  });

  it('logs in with a key held by the agent, also on the jump host', async () => {
    const shell = await createConnector(options({ agent: socket })).connect(viaJump({ identityFiles: [join(dir, 'no-such-key')] }));
    expect((await shell.exec('echo agent')).stdout).toBe('agent\n');
    shell.close();
  });

  it('names the agent among what was tried', async () => {
    const error = await connectError(
      buildHostSpec({ name: 'conductor-c', address: target.address, port: target.port, user: 'nobody-here', identityFiles: [] }),
      options({ agent: socket }),
    );
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toMatch(/^conductor-c \(nobody-here@127\.0\.0\.2:\d+\): authentication failed \(tried: agent(, .*)?\)$/);
  });
});

describe('a batch of hosts', () => {
  it('reports each failure on its own line without affecting the others', async () => {
    const closed = await freePort();
    const hosts = [
      buildHostSpec({ name: 'direct', address: jump.address, port: jump.port, user: 'root', identityFiles: [jump.clientKeyPath] }),
      buildHostSpec({ name: 'refused', address: '127.0.0.1', port: closed, user: 'root', identityFiles: [jump.clientKeyPath] }),
      viaJump({ name: 'jumped' }),
      viaJump({ name: 'bad-jump' }, [{ address: '127.0.0.1', port: closed, user: undefined }]),
      buildHostSpec({ name: 'no-key', address: target.address, port: target.port, user: 'root', identityFiles: [join(dir, 'absent')] }),
    ];
    const connector = createConnector(options());
    const results = await mapLimited(hosts, 3, async (host) => {
      try {
        const shell = await connector.connect(host);
        try {
          return `${host.name}: ${(await shell.exec('echo up')).stdout.trim()}`;
        } finally {
          shell.close();
        }
      } catch (error) {
        return `${host.name} failed: ${(error as Error).name}: ${describeError(error)}`;
      }
    });
    expect(results).toEqual([
      'direct: up',
      `refused failed: UnreachableError: refused (root@127.0.0.1:${closed}): connection refused`,
      'jumped: up',
      `bad-jump failed: UnreachableError: bad-jump (root@127.0.0.2:${target.port}): jump host root@127.0.0.1:${closed}: connection refused`,
      `no-key failed: AuthError: no-key (root@127.0.0.2:${target.port}): authentication failed (tried: ${join(dir, 'absent')} (ENOENT))`,
    ]);
  });
});
