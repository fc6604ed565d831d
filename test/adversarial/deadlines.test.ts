/**
 * Adversarial suite, time limits (issue 10 item 9): one deadline per action, carried as an
 * AbortSignal down to every SSH command and API call. When it fires the work is cancelled
 * (the SSH channel closed, the HTTP request aborted), not just abandoned; --restart-timeout
 * governs restarts instead of the host timeout.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import { sendHttpRequest } from '../../src/desire/http-request.js';
import { createIronicClient } from '../../src/desire/ironic-client.js';
import { DEFAULT_SSH } from '../../src/inventory/types.js';
import { createConnector } from '../../src/transport/create-connector.js';
import { buildHostSpec, uuidFor } from '../helpers/builders.js';
import { makeTempDir } from '../helpers/console-daemons.js';
import { startFakeIronic, type FakeServer } from '../helpers/fake-ironic.js';
import { startSshd, type SshdHandle } from '../helpers/sshd.js';
import { cloudConfig, FAST_RETRY } from '../unit/desire-builders.js';
import { buildPlan, buildRestartAction } from '../unit/plan-builders.js';

const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

describe('an SSH command whose deadline fires is cancelled on the host', () => {
  let sshd: SshdHandle;
  let dir: string;

  beforeAll(async () => {
    dir = makeTempDir('cd-adv-deadline-');
    // A host of its own, with an empty /root: no login runs this machine's ~/.bashrc.
    mkdirSync(join(dir, 'root'));
    sshd = await startSshd({ pidNamespace: true, bindMounts: [[join(dir, 'root'), '/root']] });
    writeFileSync(join(dir, 'known_hosts'), `${sshd.knownHostsLine}\n`);
  });

  afterAll(async () => {
    await sshd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects at once and closes the channel, so the remote command ends', async () => {
    const connector = createConnector({ ...DEFAULT_SSH, knownHostsFiles: [join(dir, 'known_hosts')], userKnownHostsFile: join(dir, 'nw'), agent: '', commandTimeoutMs: 60_000 });
    const shell = await connector.connect(buildHostSpec({ name: 'h', address: sshd.address, port: sshd.port, user: sshd.user, identityFiles: [sshd.clientKeyPath] }));
    const pidFile = join(dir, 'loop.pid');
    try {
      const controller = new AbortController();
      const running = shell.exec(`echo $$ > ${pidFile}; while :; do echo tick; sleep 0.2; done`, { signal: controller.signal });
      // A login can be slow on a loaded machine: wait for the command to run before cancelling it.
      for (let i = 0; i < 400 && !existsSync(pidFile); i++) await sleep(100);
      const aborted = Date.now();
      controller.abort(new Error('deadline passed'));
      await expect(running).rejects.toThrow(/h: command cancelled: deadline passed/);
      expect(Date.now() - aborted).toBeLessThan(500);
      // The pid is the host's own (its PID namespace): asked there, over the same connection.
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      const alive = async (): Promise<boolean> => (await shell.exec(`[ -d /proc/${pid} ] && echo alive || echo gone`)).stdout.trim() === 'alive';
      for (let i = 0; i < 40 && (await alive()); i++) await sleep(100);
      expect(await alive()).toBe(false);
      await expect(shell.exec('echo never', { signal: AbortSignal.abort(new Error('too late')) })).rejects.toThrow(/cancelled: too late/);
    } finally {
      shell.close();
    }
  }, 90_000);
});

describe('an API call whose deadline fires is aborted', () => {
  let server: Server;
  let port = 0;
  const closed: number[] = [];

  beforeAll(async () => {
    // Accepts and never answers; records when the client closes the socket.
    server = createServer((socket: Socket) => {
      socket.resume(); // read the request, so the client's close is seen
      socket.on('close', () => closed.push(Date.now()));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as { port: number }).port;
  });

  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('an HTTP request rejects when its signal fires and its TCP connection is closed', async () => {
    const started = Date.now();
    const request = sendHttpRequest({
      method: 'GET', url: new URL(`http://127.0.0.1:${port}/v1/nodes`), headers: {}, timeoutMs: 60_000,
      tls: { ca: undefined, insecure: false }, signal: AbortSignal.timeout(300),
    });
    await expect(request).rejects.toThrow(/GET \/v1\/nodes: cancelled/);
    expect(Date.now() - started).toBeLessThan(2_000);
    await sleep(100);
    expect(closed.length).toBeGreaterThan(0);
  });

  it('restartConsole rejects when its signal fires while Ironic does not answer the PUT', async () => {
    const uuid = uuidFor('hung');
    const ironic = await startFakeIronic({ nodes: [{ uuid, name: 'hung', console_enabled: true, driver_info: {}, driver_internal_info: {} }], conductors: [] });
    ironic.overrides.push((r) => (r.method === 'PUT' ? { status: 202, hang: true } : undefined));
    try {
      const client = createIronicClient(cloudConfig({ endpoint: ironic.url }), { timeoutMs: 60_000, retry: FAST_RETRY });
      const started = Date.now();
      await expect(client.restartConsole(uuid, { signal: AbortSignal.timeout(300) })).rejects.toThrow(/cancelled/);
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await ironic.close();
    }
  });
});

describe('--restart-timeout, not the host timeout, bounds a restart', () => {
  let ironic: FakeServer;
  afterAll(async () => ironic?.close());

  it('a restart that takes longer than the host timeout but within --restart-timeout succeeds', async () => {
    const action = buildRestartAction({ id: 'r1' });
    const outcomes = await applyPlan(buildPlan({ actions: [action] }), {
      shellFor: () => Promise.reject(new Error('none')),
      ironic: { restartConsole: () => sleep(600), checkNodeGone: async () => ({ gone: true as const }) },
      hostTimeoutMs: 200,
      restartTimeoutMs: 5_000,
    });
    expect(outcomes[0]?.status).toBe('done');
  });

  it('a restart past --restart-timeout fails and its API polling stops', async () => {
    const uuid = uuidFor('slow');
    ironic = await startFakeIronic({
      nodes: [{ uuid, name: 'slow', console_enabled: true, conductor: 'c', conductor_group: '', driver_info: {}, driver_internal_info: {} }],
      conductors: [{ hostname: 'c', conductor_group: '', alive: true }],
      pollsUntilDone: 1_000_000,
    });
    const client = createIronicClient(cloudConfig({ endpoint: ironic.url }), { pollIntervalMs: 50, retry: FAST_RETRY });
    const started = Date.now();
    const outcomes = await applyPlan(buildPlan({ actions: [buildRestartAction({ id: 'r2', nodeUuid: uuid })] }), {
      shellFor: () => Promise.reject(new Error('none')),
      ironic: client,
      hostTimeoutMs: 60_000,
      restartTimeoutMs: 700,
    });
    expect(outcomes[0]?.status).toBe('failed');
    expect(outcomes[0]?.detail).toMatch(/restart of .* did not finish within 0\.7 s|cancelled/);
    expect(Date.now() - started).toBeLessThan(3_000);
    await sleep(100); // a poll already on the wire when the deadline fired still arrives
    const polls = ironic.requests.length;
    await sleep(400);
    expect(ironic.requests.length).toBe(polls);
  });
});
