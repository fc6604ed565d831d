/**
 * applyPlan against real socat and shellinaboxd consoles started the way Ironic starts
 * them, through a LocalShell and over a real OpenSSH sshd. Every process a test starts
 * is ended by its pid in afterEach.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan, type ApplyDeps } from '../../src/apply/apply-plan.js';
import type { ActionOutcome, ApplyEvent } from '../../src/apply/types.js';
import { waitForConsole } from '../../src/apply/wait-for-console.js';
import type { FileIdentity } from '../../src/compare/removable-file.js';
import type { ProcessRef } from '../../src/compare/types.js';
import { ConfigError } from '../../src/errors.js';
import { DEFAULT_SSH } from '../../src/inventory/types.js';
import type { Action, KillAction, Plan } from '../../src/plan/types.js';
import { createConnector } from '../../src/transport/create-connector.js';
import { LocalShell } from '../../src/transport/local-shell.js';
import type { ExecResult, RemoteShell } from '../../src/transport/types.js';
import { buildHostSpec } from '../helpers/builders.js';
import {
  childPids,
  connectClient,
  isAlive,
  makeTempDir,
  startShellinaboxConsole,
  startSocatConsole,
  stopConsole,
  type StartedConsole,
} from '../helpers/console-daemons.js';
import { startSshd, type SshdHandle } from '../helpers/sshd.js';
import { buildKillAction, buildPlan, buildRemoveFileAction, buildRestartAction } from '../unit/plan-builders.js';

let dir: string;
let nextPort = 24460;
const consoles: StartedConsole[] = [];
const clients: Socket[] = [];
const strays: number[] = [];

beforeAll(() => {
  dir = makeTempDir('cd-apply-');
});
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
  for (const started of consoles.splice(0)) stopConsole(started);
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const localHost = (name = 'conductor-a') => buildHostSpec({ name, connection: 'local', sudo: false });
const local = (name = 'conductor-a'): RemoteShell => new LocalShell(localHost(name));

async function socat(): Promise<StartedConsole> {
  const started = await startSocatConsole({ port: nextPort++, pidDir: dir });
  consoles.push(started);
  return started;
}

/** What a scan records about a live pid: start time and argv, as compare builds a ProcessRef. */
function refOf(pid: number): ProcessRef {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const startTicks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a !== '');
  const uid = Number(/^Uid:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  return { pid, startTicks, uid, argv };
}

function killOf(started: StartedConsole, overrides: Partial<KillAction> = {}): KillAction {
  return buildKillAction({ nodeUuid: started.nodeUuid, processes: [refOf(started.pid)], pidFile: started.pidFile, ...overrides });
}

/** What a scan records about a file: the identity a removal re-checks on the host. */
function identityOf(path: string): FileIdentity {
  const st = statSync(path);
  return { device: st.dev, inode: st.ino, uid: st.uid, mtime: Math.floor(st.mtimeMs / 1000) };
}

/** Starts an unrelated process (not a console) and tracks it for cleanup. */
function startSleep(): number {
  const child = spawn('sleep', ['600'], { stdio: 'ignore', detached: true });
  child.unref();
  strays.push(child.pid!);
  return child.pid!;
}

const noIronic: ApplyDeps['ironic'] = { restartConsole: () => Promise.reject(new Error('no restart expected')), checkNodeGone: () => Promise.resolve({ gone: true }) };
const fastKill = { termWaitMs: 2_000, killWaitMs: 1_000 };

async function apply(actions: Action[], deps: Partial<ApplyDeps> = {}, shells: Record<string, RemoteShell> = {}): Promise<ActionOutcome[]> {
  return applyPlan(buildPlan({ actions }), {
    shellFor: async (host) => shells[host] ?? local(host),
    ironic: noIronic,
    kill: fastKill,
    ...deps,
  });
}

const waitFor = async (ok: () => boolean, ms = 3_000): Promise<boolean> => {
  const deadline = Date.now() + ms;
  while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return ok();
};

describe('applyPlan kills real console trees through a local shell', () => {
  it('ends a socat console with a connected client as a whole tree, leaving a correct console alone', async () => {
    const stray = await socat();
    const correct = await socat();
    const action = killOf(stray); // scanned before the client connected: only the listener is named
    clients.push(await connectClient(stray.port));
    expect(await waitFor(() => childPids(stray.pid).length > 0 && childPids(childPids(stray.pid)[0]!).length > 0)).toBe(true);
    const session = childPids(stray.pid)[0]!;
    const ipmitool = childPids(session)[0]!;

    const [outcome] = await apply([action]);

    expect(outcome).toMatchObject({ actionId: 'a1', status: 'done' });
    expect([...outcome!.killed].sort()).toEqual([stray.pid, session, ipmitool].sort());
    expect([stray.pid, session, ipmitool].map(isAlive)).toEqual([false, false, false]);
    expect(existsSync(stray.pidFile)).toBe(false);
    expect(isAlive(correct.pid)).toBe(true);
    expect(readFileSync(correct.pidFile, 'utf8').trim()).toBe(String(correct.pid));
  });

  it('ends both processes of a shellinaboxd console and removes its pid file', async () => {
    const started = await startShellinaboxConsole({ port: nextPort++, pidDir: dir });
    consoles.push(started);
    const helper = childPids(started.pid)[0]!;
    expect(isAlive(helper)).toBe(true);

    const [outcome] = await apply([killOf(started, { processes: [refOf(started.pid), refOf(helper)] })]);

    expect(outcome).toMatchObject({ status: 'done', detail: expect.stringContaining('pid file removed') });
    expect([started.pid, helper].map(isAlive)).toEqual([false, false]);
    expect(existsSync(started.pidFile)).toBe(false);
  });

  it.each([
    { name: 'another start time', change: (ref: ProcessRef) => ({ ...ref, startTicks: ref.startTicks + 1 }) },
    { name: 'another argv', change: (ref: ProcessRef) => ({ ...ref, argv: ['socat', `-L${dir}/x.pid`, 'TCP4-LISTEN:24499,fork', 'EXEC:ipmitool sol activate'] }) },
    { name: 'another uid', change: (ref: ProcessRef) => ({ ...ref, uid: ref.uid + 1, argv: ['socat', `-L${dir}/x.pid`, 'TCP4-LISTEN:24499,fork', 'EXEC:ipmitool sol activate'] }) },
  ])('skips a pid reused between scan and fix ($name) and leaves the process alive', async ({ change }) => {
    const pid = startSleep();
    const pidFile = join(dir, 'reused.pid');
    writeFileSync(pidFile, `${pid}\n`);
    const [outcome] = await apply([buildKillAction({ processes: [change(refOf(pid))], pidFile })]);
    expect(outcome).toMatchObject({ status: 'skipped', killed: [], detail: `pid-reused ${pid}: pid ${pid} is another process now; nothing killed` });
    expect(isAlive(pid)).toBe(true);
    expect(existsSync(pidFile)).toBe(true);
  });

  it('leaves a reused session pid alone while ending the listener', async () => {
    const stray = await socat();
    const unrelated = startSleep();
    const [outcome] = await apply([killOf(stray, { processes: [refOf(stray.pid), { ...refOf(unrelated), startTicks: 1 }] })]);
    expect(outcome).toMatchObject({ status: 'done', detail: expect.stringContaining(`left ${unrelated} alone (pid reused)`) });
    expect(isAlive(stray.pid)).toBe(false);
    expect(isAlive(unrelated)).toBe(true);
  });

  it('keeps a pid file that names another pid', async () => {
    const stray = await socat();
    const otherFile = join(dir, 'names-other.pid');
    writeFileSync(otherFile, '99999\n');
    const [kill] = await apply([killOf(stray, { pidFile: otherFile })]);
    expect(kill).toMatchObject({ status: 'done', detail: expect.stringContaining('pid file kept') });
    expect(existsSync(otherFile)).toBe(true);

    const [removal] = await apply([buildRemoveFileAction({ path: otherFile, expectPid: 3001, expect: identityOf(otherFile) })]);
    expect(removal).toMatchObject({ status: 'skipped', detail: `${otherFile}: kept (names-other-pid)` });
    expect(existsSync(otherFile)).toBe(true);
  });

  it('removes stale pid files and stray credentials, but never the lock of a live console', async () => {
    const live = await socat();
    const stale = join(dir, 'stale.pid');
    const garbage = join(dir, 'garbage.pid');
    const credential = join(dir, 'stray.pw');
    writeFileSync(stale, '3001\n');
    writeFileSync(garbage, 'not a pid\n');
    writeFileSync(credential, 'secret', { mode: 0o600 });
    const outcomes = await apply([
      buildRemoveFileAction({ id: 'r1', path: stale, expectPid: 3001, expect: identityOf(stale) }),
      buildRemoveFileAction({ id: 'r2', path: garbage, expectPid: null, expect: identityOf(garbage) }),
      buildRemoveFileAction({ id: 'r3', path: credential, expectPid: null, fileKind: 'pw', expect: identityOf(credential) }),
      buildRemoveFileAction({ id: 'r4', path: live.pidFile, expectPid: live.pid, expect: identityOf(live.pidFile) }),
      buildRemoveFileAction({ id: 'r5', path: join(dir, 'never-there.pid'), expectPid: 5 }),
    ]);
    expect(outcomes.map((o) => [o.actionId, o.status])).toEqual([['r1', 'done'], ['r2', 'done'], ['r3', 'done'], ['r4', 'skipped'], ['r5', 'done']]);
    expect(outcomes[3]!.detail).toBe(`${live.pidFile}: kept (in-use)`);
    expect([stale, garbage, credential, live.pidFile].map(existsSync)).toEqual([false, false, false, true]);
  });
});

/** A shell on a host that accepted the connection and then never answers. */
function hangingShell(name: string): RemoteShell {
  return { host: localHost(name), exec: () => new Promise<ExecResult>(() => undefined), close: () => undefined };
}

describe('applyPlan across hosts', () => {
  it('fails a host that hangs at its deadline, without holding up the other host', async () => {
    const stray = await socat();
    const started = Date.now();
    const outcomes = await apply(
      [
        buildKillAction({ id: 'h1', host: 'hung' }),
        buildRemoveFileAction({ id: 'h2', host: 'hung' }),
        killOf(stray, { id: 'k1', host: 'conductor-a' }),
      ],
      { hostTimeoutMs: 1_500 },
      { hung: hangingShell('hung') },
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(outcomes.map((o) => [o.actionId, o.status, o.detail.replace(/ended .*/, 'ended …')])).toEqual([
      ['h1', 'failed', 'hung did not answer within 1500 ms'],
      ['h2', 'skipped', 'not run: hung timed out on an earlier action'],
      ['k1', 'done', 'ended …'],
    ]);
    expect(isAlive(stray.pid)).toBe(false);
  });

  it('fails the first action of a host whose connection never opens, and does not run the rest', async () => {
    const outcomes = await applyPlan(buildPlan({ actions: [buildKillAction({ id: 'h1' }), buildRemoveFileAction({ id: 'h2' })] }), {
      shellFor: () => new Promise<RemoteShell>(() => undefined),
      ironic: noIronic,
      hostTimeoutMs: 300,
    });
    expect(outcomes.map((o) => [o.status, o.detail])).toEqual([
      ['failed', 'conductor-a did not answer within 300 ms'],
      ['skipped', 'not run: conductor-a timed out on an earlier action'],
    ]);
  });

  it('runs restarts only after every kill, writes each intent before its outcome, and confirms the console', async () => {
    const stray = await socat();
    const log: string[] = [];
    const ironic: ApplyDeps['ironic'] = {
      checkNodeGone: () => Promise.resolve({ gone: true }),
      restartConsole: async (node) => {
        log.push(`restart ${node} (stray alive: ${isAlive(stray.pid)})`);
      },
    };
    let intents = 0;
    const audit: NonNullable<ApplyDeps['audit']> = {
      recordIntent: (runId, action) => {
        log.push(`intent ${runId} ${action.id}`);
        return ++intents;
      },
      recordOutcome: (intentId, outcome) => log.push(`outcome ${intentId} ${outcome.actionId} ${outcome.status}`),
    };
    const events: ApplyEvent['type'][] = [];
    const outcomes = await apply(
      [
        killOf(stray, { id: 'a1', host: 'conductor-a' }),
        buildRestartAction({ id: 'a2', nodeUuid: stray.nodeUuid, host: 'conductor-b' }),
        { kind: 'report', id: 'a3', host: null, nodeUuid: null, reason: 'r', findingId: 'f', findingKind: 'unmanaged' },
      ],
      { ironic, audit, runId: 7, onEvent: (e) => events.push(e.type), confirmRestart: async (a) => a.host === 'conductor-b' },
    );
    expect(outcomes.map((o) => o.status)).toEqual(['done', 'done', 'done']);
    expect(outcomes[1]!.detail).toBe('console restarted; listening on port 10001 on conductor-b');
    expect(log).toEqual([
      'intent 7 a1',
      'outcome 1 a1 done',
      'intent 7 a2',
      `restart ${stray.nodeUuid} (stray alive: false)`,
      'outcome 2 a2 done',
      'intent 7 a3',
      'outcome 3 a3 done',
    ]);
    expect(events).toEqual(['action-start', 'action-done', 'action-start', 'action-done', 'action-start', 'action-done']);
  });

  it('does not restart a node whose kill failed, and restarts the others', async () => {
    const restarted: string[] = [];
    const ironic: ApplyDeps['ironic'] = { restartConsole: async (node) => void restarted.push(node), checkNodeGone: () => Promise.resolve({ gone: true }) };
    const broken: RemoteShell = {
      host: localHost('broken'),
      exec: async () => ({ stdout: '', stderr: 'sudo: a password is required\n', code: 1, signal: undefined }),
      close: () => undefined,
    };
    const outcomes = await apply(
      [
        buildKillAction({ id: 'a1', host: 'broken', nodeUuid: 'node-x' }),
        buildRestartAction({ id: 'a2', nodeUuid: 'node-x' }),
        buildRestartAction({ id: 'a3', nodeUuid: 'node-y' }),
      ],
      { ironic },
      { broken },
    );
    expect(outcomes.map((o) => [o.actionId, o.status, o.detail])).toEqual([
      ['a1', 'failed', 'kill script did not finish: sudo: a password is required'],
      ['a2', 'skipped', 'not restarted: a kill or container stop for node node-x failed, its port or console session may still be held'],
      ['a3', 'done', 'console restarted through the API'],
    ]);
    expect(restarted).toEqual(['node-y']);
  });

  it('fails a restart that Ironic refuses or that never shows a console', async () => {
    const ironic: ApplyDeps['ironic'] = {
      checkNodeGone: () => Promise.resolve({ gone: true }),
      restartConsole: async (node) => {
        if (node === 'locked') throw new Error('Ironic PUT /v1/nodes/locked/states/console: 409 NodeLocked');
      },
    };
    const outcomes = await apply(
      [buildRestartAction({ id: 'a1', nodeUuid: 'locked' }), buildRestartAction({ id: 'a2', nodeUuid: 'quiet' })],
      { ironic, confirmRestart: async () => false },
    );
    expect(outcomes.map((o) => [o.status, o.detail])).toEqual([
      ['failed', 'Ironic PUT /v1/nodes/locked/states/console: 409 NodeLocked'],
      ['failed', 'restarted through the API, but nothing listens on port 10001 on conductor-a'],
    ]);
  });

  it('refuses a plan that carries a refusal, changing nothing', async () => {
    const stray = await socat();
    const plan: Plan = buildPlan({ actions: [killOf(stray)], refusal: { reason: 'max-kills', message: 'too many' } });
    await expect(applyPlan(plan, { shellFor: async () => local(), ironic: noIronic })).rejects.toThrow(ConfigError);
    expect(isAlive(stray.pid)).toBe(true);
  });
});

describe('waitForConsole', () => {
  it('sees a console listening on its port, and gives up on one that is not there', async () => {
    const started = await socat();
    expect(await waitForConsole(local(), started.nodeUuid, started.port, 2_000, 100)).toBe(true);
    expect(await waitForConsole(local(), started.nodeUuid, started.port + 1000, 300, 100)).toBe(false);
    expect(await waitForConsole(local(), '00000000-0000-4000-8000-000000000000', started.port, 300, 100)).toBe(false);
  });
});

describe('applyPlan over a real sshd', () => {
  let sshd: SshdHandle;
  let knownHosts: string;
  beforeAll(async () => {
    sshd = await startSshd();
    knownHosts = join(dir, 'known_hosts');
    writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it('ends a socat tree with a client through one SSH command', async () => {
    const stray = await socat();
    clients.push(await connectClient(stray.port));
    expect(await waitFor(() => childPids(stray.pid).length > 0)).toBe(true);
    const session = childPids(stray.pid)[0]!;
    const host = buildHostSpec({ name: 'conductor-ssh', address: sshd.address, port: sshd.port, user: sshd.user, identityFiles: [sshd.clientKeyPath], sudo: false });
    const connector = createConnector({ ...DEFAULT_SSH, knownHostsFiles: [knownHosts], userKnownHostsFile: join(dir, 'never-written'), agent: '', connectTimeoutMs: 5_000 });
    const shell = await connector.connect(host);
    try {
      const [outcome] = await apply([killOf(stray, { host: 'conductor-ssh', processes: [refOf(stray.pid), refOf(session)] })], {}, { 'conductor-ssh': shell });
      expect(outcome).toMatchObject({ status: 'done' });
      expect([stray.pid, session].map(isAlive)).toEqual([false, false]);
      expect(existsSync(stray.pidFile)).toBe(false);
    } finally {
      shell.close();
    }
  });
});
