import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, UnreachableError } from '../../src/errors.js';
import type { HostSpec } from '../../src/inventory/types.js';
import { observeFleet, type ObserveEvent } from '../../src/observe/observe-fleet.js';
import { observeHost } from '../../src/observe/observe-host.js';
import type { HostObservation } from '../../src/observe/types.js';
import { LocalShell } from '../../src/transport/local-shell.js';
import type { Connector, ExecOptions, ExecResult, RemoteShell } from '../../src/transport/types.js';
import { buildHostSpec } from '../helpers/builders.js';
import {
  childPids,
  killTrees,
  connectClient,
  makeTempDir,
  startShellinaboxConsole,
  startSocatConsole,
  waitForListen,
  type StartedConsole,
} from '../helpers/console-daemons.js';

const BASE = 23200 + (process.pid % 40) * 5;
const dir = makeTempDir('cd-observe-');
const started: StartedConsole[] = [];
const extraPids: number[] = [];
const clients: Socket[] = [];
let plain: StartedConsole;
let quoted: StartedConsole;
let shellinabox: StartedConsole;
let killed: StartedConsole;
let unrelated: ChildProcess;
let observation: HostObservation;
let execCalls = 0;

function buildHost(overrides: Partial<HostSpec> = {}): HostSpec {
  return buildHostSpec({
    name: 'local-conductor',
    connection: 'local',
    user: undefined,
    sudo: false,
    ironicConf: join(dir, 'ironic.conf'),
    settings: { tempdir: dir, terminalPidDir: dir },
    ...overrides,
  });
}

/** Counts exec calls: the scan must be one round trip. */
class CountingShell implements RemoteShell {
  constructor(private readonly inner: RemoteShell) {}
  get host(): HostSpec {
    return this.inner.host;
  }
  exec(command: string, options?: ExecOptions): Promise<ExecResult> {
    execCalls++;
    return this.inner.exec(command, options);
  }
  close(): void {
    this.inner.close();
  }
}

beforeAll(async () => {
  chmodSync(dir, 0o755);
  writeFileSync(
    join(dir, 'ironic.conf'),
    '[DEFAULT]\nhost = conductor-7\n\n[database]\nconnection = mysql+pymysql://ironic:SECRET@db/ironic\n\n[keystone_authtoken]\npassword = SECRET\n',
  );
  plain = await startSocatConsole({ port: BASE, pidDir: dir, extraIpmitoolArgs: '-y 00112233445566778899 ' });
  quoted = await startSocatConsole({ port: BASE + 1, pidDir: dir, quoting: 'shell' });
  shellinabox = await startShellinaboxConsole({ port: BASE + 2, pidDir: dir });
  killed = await startSocatConsole({ port: BASE + 3, pidDir: dir });
  started.push(plain, quoted, shellinabox, killed);
  for (const c of started) writeFileSync(join(dir, `${c.nodeUuid}.pw`), 'pw\n', { mode: 0o600 });
  unrelated = spawn('socat', [`TCP-LISTEN:${BASE + 4},bind=127.0.0.1,reuseaddr,fork`, `TCP:127.0.0.1:${BASE}`], { stdio: 'ignore', detached: true });
  await waitForListen(BASE + 4, '127.0.0.1');
  clients.push(await connectClient(BASE), await connectClient(BASE + 1), await connectClient(BASE + 3));
  await new Promise((r) => setTimeout(r, 500));
  extraPids.push(...childPids(killed.pid));
  for (const pid of [...extraPids]) extraPids.push(...childPids(pid));
  process.kill(killed.pid, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 300));
  observation = await observeHost(new CountingShell(new LocalShell(buildHost())));
});

afterAll(() => {
  clients.forEach((c) => c.destroy());
  killTrees([...started.map((c) => c.pid), ...extraPids, unrelated?.pid]);
  rmSync(dir, { recursive: true, force: true });
});

describe('observeHost through a local shell', () => {
  it('runs the probe as one exec', () => {
    expect(execCalls).toBe(1);
  });

  it.each([
    { name: 'socat EXEC:"..."', get: () => plain, type: 'socat', sessions: 2 },
    { name: "socat EXEC:'...'", get: () => quoted, type: 'socat', sessions: 2 },
    { name: 'shellinaboxd', get: () => shellinabox, type: 'shellinabox', sessions: 0 },
  ])('finds the $name console with its node, port, pid file, listener and sessions', ({ get, type, sessions }) => {
    const daemon = get();
    const found = observation.consoles.filter((c) => c.nodeUuid === daemon.nodeUuid);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ type, port: daemon.port, pidFile: daemon.pidFile, pid: daemon.pid, listening: true, zombie: false });
    expect(found[0]!.sessionPids).toHaveLength(sessions);
    expect(observation.files.find((f) => f.path === daemon.pidFile)?.pid).toBe(daemon.pid);
  });

  it('finds the session child of the killed listener as an orphan', () => {
    const orphans = observation.orphans.filter((o) => o.nodeUuid === killed.nodeUuid);
    expect(orphans).toHaveLength(1);
    expect([...orphans[0]!.pids].sort()).toEqual([...extraPids].sort());
    expect(observation.consoles.some((c) => c.nodeUuid === killed.nodeUuid)).toBe(false);
  });

  it('does not take the unrelated socat for a console', () => {
    const pids = [...observation.consoles, ...observation.orphans, ...observation.unmanaged].map((x) => x.pid);
    expect(pids).not.toContain(unrelated.pid);
    expect(observation.listeners.onPort(BASE + 4)[0]?.pids).toEqual([unrelated.pid]);
  });

  it('reads only the wanted keys of ironic.conf and never its secrets', () => {
    expect(observation.conductorName).toBe('conductor-7');
    expect(observation.settings).toMatchObject({ pidDir: dir, tempdir: dir });
    expect(JSON.stringify(observation)).not.toContain('SECRET');
    expect(JSON.stringify(observation)).not.toContain('00112233445566778899');
  });

  it('prints no secret even in the raw probe output', async () => {
    const { buildProbeCommand } = await import('../../src/observe/probe-command.js');
    const probe = buildProbeCommand(buildHost());
    const raw = await new LocalShell(buildHost()).exec(probe.command, { stdin: probe.stdin });
    expect(raw.code).toBe(0);
    expect(raw.stdout).toContain('host=conductor-7');
    expect(raw.stdout).not.toContain('SECRET');
    expect(raw.stdout).not.toMatch(/^pw$/m);
  });
});

describe('observeFleet', () => {
  const failing = (error: Error): Connector => ({ connect: () => Promise.reject(error) });

  it('scans every host, maps failures to kinds and keeps going', async () => {
    const hosts = [buildHost({ name: 'a' }), buildHost({ name: 'b' }), buildHost({ name: 'c' })];
    const connector: Connector = {
      connect: (host) => {
        if (host.name === 'b') return Promise.reject(new UnreachableError('b: connect ECONNREFUSED'));
        if (host.name === 'c') return Promise.reject(new AuthError('c: all keys refused'));
        return Promise.resolve(new LocalShell(host));
      },
    };
    const events: ObserveEvent[] = [];
    const { scans, shells } = await observeFleet(hosts, connector, { concurrency: 2, onEvent: (e) => events.push(e), keepOpen: true });
    expect(scans.map((s) => [s.host, s.ok, s.ok ? null : s.errorKind])).toEqual([
      ['a', true, null],
      ['b', false, 'unreachable'],
      ['c', false, 'auth'],
    ]);
    expect([...shells.keys()]).toEqual(['a']);
    expect(events.filter((e) => e.type === 'host-start')).toHaveLength(3);
    expect(events.filter((e) => e.type === 'host-done')).toHaveLength(3);
  });

  it.each([
    { error: new Error('boom'), kind: 'internal' },
    { error: new UnreachableError('x: timed out'), kind: 'unreachable' },
  ])('maps $error.message to $kind', async ({ error, kind }) => {
    const { scans } = await observeFleet([buildHost()], failing(error), { concurrency: 1 });
    expect(scans[0]).toMatchObject({ ok: false, errorKind: kind });
  });

  it('reports a sudo that wants a password as an auth error naming the host', async () => {
    const fakeSudo: RemoteShell = {
      host: buildHost({ sudo: true }),
      exec: async () => ({ stdout: '', stderr: 'sudo: a password is required\n', code: 1, signal: undefined }),
      close: () => undefined,
    };
    await expect(observeHost(fakeSudo)).rejects.toThrow('local-conductor: sudo -n needs a password (sudo: a password is required)');
  });
});

describe('observeHost with host.sudo', () => {
  it('runs the probe under a real sudo -n', async () => {
    const viaSudo = await observeHost(new LocalShell(buildHost({ sudo: true, sudoUser: 'root' })));
    expect(viaSudo.privileged).toBe(true);
    expect(viaSudo.consoles.map((c) => c.nodeUuid)).toContain(plain.nodeUuid);
  });
});
