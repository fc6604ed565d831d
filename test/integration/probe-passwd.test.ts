/**
 * The probe names the users of the processes it sends whole from /etc/passwd, read by its
 * stat pass, and asks getent (NSS: LDAP, SSSD, ...) only for a uid that file lacks (issue
 * 12: a program start costs the host ~5 ms). Real socat consoles run as root, as the
 * `ironic` account and as a uid no account has (a kolla container's user); the probe runs
 * under strace to see whether getent ran.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProbeOutput } from '../../src/observe/parse-probe-output.js';
import { buildProbeScript } from '../../src/observe/probe-script.js';
import type { HostObservation } from '../../src/observe/types.js';
import { buildHostSpec } from '../helpers/builders.js';
import { killTrees, makeTempDir, startSocatConsole, waitForListen, type StartedConsole } from '../helpers/console-daemons.js';
import { freePort } from '../helpers/sshd.js';

const NO_ACCOUNT = 4242;
const dir = makeTempDir('cd-passwd-');
let asRoot: StartedConsole;
let asIronic: StartedConsole;
let asNobodyKnown: ChildProcess;
let port: number;

const host = buildHostSpec({ name: 'passwd', connection: 'local', user: undefined, sudo: false, ironicConf: join(dir, 'ironic.conf'), settings: { tempdir: dir } });

function probe(nonce: string): { observation: HostObservation; programs: string[] } {
  const trace = join(dir, `${nonce}.trace`);
  const run = spawnSync('/usr/bin/strace', ['-f', '-qq', '-e', 'trace=execve', '-o', trace, 'sh', '-s'], {
    input: buildProbeScript(host, { nonce }),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(run.status).toBe(0);
  const programs = readFileSync(trace, 'utf8')
    .split('\n')
    .flatMap((line) => /execve\("([^"]*)"/.exec(line)?.[1] ?? []);
  return { observation: parseProbeOutput(run.stdout, host), programs };
}

beforeAll(async () => {
  chmodSync(dir, 0o777);
  expect(spawnSync('getent', ['passwd', String(NO_ACCOUNT)]).status).not.toBe(0);
  asRoot = await startSocatConsole({ port: await freePort(), pidDir: dir });
  asIronic = await startSocatConsole({ port: await freePort(), pidDir: dir, user: 'ironic' });
  port = await freePort();
  asNobodyKnown = spawn(
    'setpriv',
    ['--reuid', String(NO_ACCOUNT), '--regid', String(NO_ACCOUNT), '--clear-groups', 'socat', `TCP4-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork`, 'EXEC:ipmitool -V'],
    { stdio: 'ignore' },
  );
  await waitForListen(port, '127.0.0.1');
}, 30_000);

afterAll(() => {
  killTrees([asRoot?.pid, asIronic?.pid, asNobodyKnown?.pid]);
  rmSync(dir, { recursive: true, force: true });
});

describe("the users of the probe's whole records", () => {
  it('names root and ironic from /etc/passwd, leaves the uid without an account unnamed, and asks getent only for that one', () => {
    const { observation, programs } = probe('passwd1');
    const user = (pid: number | undefined) => observation.processes.find((p) => p.pid === pid)?.user;
    expect(user(asRoot.pid)).toBe('root');
    expect(user(asIronic.pid)).toBe('ironic');
    expect(observation.processes.find((p) => p.pid === asNobodyKnown.pid)).toMatchObject({ uid: NO_ACCOUNT, user: String(NO_ACCOUNT) });
    expect(programs.filter((p) => p.endsWith('/getent'))).toHaveLength(1);
  });

  it('starts no getent once every uid has an account in /etc/passwd', async () => {
    // Reaped, not only ended: a zombie socat is still sent whole, with its uid.
    const exited = new Promise((resolve) => asNobodyKnown.once('exit', resolve));
    killTrees([asNobodyKnown.pid]);
    await exited;
    const { observation, programs } = probe('passwd2');
    expect(observation.processes.find((p) => p.pid === asIronic.pid)?.user).toBe('ironic');
    expect(programs.filter((p) => p.endsWith('/getent'))).toEqual([]);
  });
});
