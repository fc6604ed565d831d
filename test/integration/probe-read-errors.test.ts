/**
 * A process can end between the moment a file of its /proc directory is opened and the
 * moment it is read: the read then fails (ESRCH). On a conductor this happens all the
 * time: it starts an `ipmitool` or a shell per node for every power-state sync. GNU sed
 * stops at the first file it cannot read, and mawk exits on the first read error of a
 * `getline < file`; either cost a whole scan of the host (CI, 2026-12-03: "conductor-a:
 * probe output has no stat section"), or worse, silently dropped every process after the
 * one that ended.
 *
 * The race is made certain here: in a private mount namespace, files that fail every
 * read (another process's /proc/PID/mem, which gives EIO at offset 0) are bind-mounted
 * over /proc/1/stat (the first file the probe reads), over the command line of a shell (a
 * candidate the select pass reads) and over the status of a second socat console (read for
 * every whole record). The probe must read everything else and say nothing false.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProbeOutput } from '../../src/observe/parse-probe-output.js';
import { buildProbeScript } from '../../src/observe/probe-script.js';
import type { HostObservation } from '../../src/observe/types.js';
import { buildHostSpec } from '../helpers/builders.js';
import { childPids, connectClient, killTrees, makeTempDir, startSocatConsole, type StartedConsole } from '../helpers/console-daemons.js';
import { freePort } from '../helpers/sshd.js';

const dir = makeTempDir('cd-readerr-');
const host = buildHostSpec({
  name: 'readerr',
  connection: 'local',
  user: undefined,
  sudo: false,
  ironicConf: join(dir, 'ironic.conf'),
  settings: { tempdir: dir },
});
let console1: StartedConsole;
let console2: StartedConsole;
let client: Socket;
let shell: ChildProcess;
let unreadable: ChildProcess;

/**
 * The awks the probe may meet. It prefers mawk; another awk is put in mawk's place in the
 * probe's mount namespace (a bind mount over /usr/bin/mawk): busybox's, which cannot split
 * records at NUL, takes the probe's `tr` path.
 */
const AWKS = [
  { name: 'mawk', program: null },
  { name: 'gawk', program: '/usr/bin/gawk' },
  { name: 'busybox awk', program: 'busybox' },
] as const;

function probe(awk: (typeof AWKS)[number]): { status: number | null; stdout: string; ran: string | null; observe: () => HostObservation } {
  const mem = `/proc/${unreadable.pid}/mem`;
  const mounts = [`/proc/1/stat`, `/proc/${shell.pid}/cmdline`, `/proc/${console2.pid}/status`].map((target) => `mount --bind ${mem} ${target}`);
  if (awk.program !== null) {
    // A wrapper that leaves a mark, so the test knows this awk ran.
    const wrapper = join(dir, `awk-${awk.program.replace(/\W/g, '')}`);
    const exec = awk.program === 'busybox' ? 'busybox awk' : awk.program;
    writeFileSync(wrapper, `#!/bin/sh\necho ran >> ${wrapper}.ran\nexec ${exec} "$@"\n`, { mode: 0o755 });
    rmSync(`${wrapper}.ran`, { force: true });
    mounts.push(`mount --bind ${wrapper} /usr/bin/mawk`);
  }
  const run = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', `${mounts.join(' && ')} && exec sh -s`], {
    input: buildProbeScript(host, { nonce: 'readerr1' }),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const ran = awk.program === null ? null : readFileSync(join(dir, `awk-${awk.program.replace(/\W/g, '')}.ran`), 'utf8');
  return { status: run.status, stdout: run.stdout, ran, observe: () => parseProbeOutput(run.stdout, host) };
}

beforeAll(async () => {
  writeFileSync(join(dir, 'ironic.conf'), `[DEFAULT]\nhost = readerr\n[console]\nterminal_pid_dir = ${dir}\n`);
  console1 = await startSocatConsole({ port: await freePort(), pidDir: dir });
  console2 = await startSocatConsole({ port: await freePort(), pidDir: dir });
  client = await connectClient(console1.port);
  shell = spawn('sh', ['-c', 'sleep 120; :'], { stdio: 'ignore' });
  unreadable = spawn('sleep', ['120'], { stdio: 'ignore' });
  for (let i = 0; i < 50 && childPids(console1.pid).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
}, 30_000);

afterAll(() => {
  client?.destroy();
  killTrees([console1?.pid, console2?.pid, shell?.pid, unreadable?.pid]);
  rmSync(dir, { recursive: true, force: true });
});

it('the failing reads are real: a file bind-mounted so gives an I/O error', () => {
  const check = spawnSync(
    'unshare',
    ['-m', '--propagation', 'private', 'sh', '-c', `mount --bind /proc/${unreadable.pid}/mem /proc/1/stat && cat /proc/1/stat`],
    { encoding: 'utf8' },
  );
  expect(check.status).not.toBe(0);
  expect(check.stderr).toMatch(/Input\/output error/);
});

describe.each(AWKS)('the probe in $name when a /proc file cannot be read (a process ended between open and read)', (awk) => {
  let result: ReturnType<typeof probe>;
  let observation: HostObservation;
  beforeAll(() => {
    result = probe(awk);
    observation = result.observe();
  });

  it('ran that awk, and it printed the console whole', () => {
    expect(result.status).toBe(0);
    if (awk.program !== null) expect(result.ran).toBe('ran\n');
    expect(result.stdout).toContain(`/proc/${console1.pid}/cmdline\n`);
  });

  it('reads every other process: the stat records after the unreadable one are all there', () => {
    const pids = new Set(observation.processes.map((p) => p.pid));
    expect(pids.has(1)).toBe(false);
    for (const pid of [console1.pid, ...childPids(console1.pid), shell.pid!, unreadable.pid!, process.pid]) expect(pids.has(pid)).toBe(true);
  });

  it('still classifies the console it could read whole, with its session and its listening socket', () => {
    const found = observation.consoles.find((c) => c.pid === console1.pid);
    expect(found?.nodeUuid).toBe(console1.nodeUuid);
    expect(found?.port).toBe(console1.port);
    expect(found?.listening).toBe(true);
    expect(found?.sessionPids.length).toBeGreaterThan(0);
  });

  it('sends the shell whose command line could not be read in brief, by its name', () => {
    const sh = observation.processes.find((p) => p.pid === shell.pid);
    expect(sh?.brief).toBe(true);
    expect(sh?.argv).toEqual(['sh']);
  });

  it('leaves out the process whose status could not be read, as one that ended, and invents nothing for it', () => {
    expect(observation.processes.some((p) => p.pid === console2.pid)).toBe(false);
    expect(observation.consoles.some((c) => c.pid === console2.pid)).toBe(false);
    expect(observation.unmanaged.some((u) => u.pid === console2.pid)).toBe(false);
  });
});

it('when the select pass fails anyway, the host fails with its error quoted, never with a partial picture', () => {
  const failing = join(dir, 'failing-awk');
  writeFileSync(failing, '#!/bin/sh\ncat >/dev/null\necho "mawk: read error (No such process)" >&2\nexit 2\n', { mode: 0o755 });
  const run = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', `mount --bind ${failing} /usr/bin/mawk && exec sh -s`], {
    input: buildProbeScript(host, { nonce: 'readerr2' }),
    encoding: 'utf8',
  });
  expect(run.status).toBe(0);
  expect(run.stdout).toContain('@@cd readerr2 warning@@\nthe select pass (mawk) failed (exit status 2): mawk: read error (No such process)\n');
  expect(() => parseProbeOutput(run.stdout, host)).toThrow(
    'readerr: probe output has no stat section (the select pass (mawk) failed (exit status 2): mawk: read error (No such process))',
  );
});
