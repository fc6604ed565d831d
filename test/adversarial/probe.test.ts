/**
 * Adversarial suite, probe framing (issue 10 item 1): a local user names processes,
 * argv and files as they like. Scanned over a real sshd on loopback, as root.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostObservation } from '../../src/observe/types.js';
import { makeTempDir, startSocatConsole, stopConsole, type StartedConsole } from '../helpers/console-daemons.js';
import { freePort, startSshd, type SshdHandle } from '../helpers/sshd.js';
import type { ProbeRecords } from '../../src/observe/probe-stream.js';
import { probeRecords, scanOk, sshConnector, sshHost } from './probe-ssh-host.js';

let sshd: SshdHandle;
let dir: string;
let daemon: StartedConsole;
const started: ChildProcess[] = [];
let observation: HostObservation;
/** What the probe sent, parsed, before the observation dropped unrelated brief records. */
let records: ProbeRecords;

/** Starts a process as `sh -c SCRIPT ARG0 ARGS...`, tracked by pid for cleanup. */
function startSh(script: string, ...args: string[]): ChildProcess {
  const child = spawn('sh', ['-c', script, ...args], { stdio: 'ignore' });
  started.push(child);
  return child;
}

const forgedHeader = (pid: number | string): string => `\n==> /proc/${pid}/cmdline <==\n`;
const newlineFile = (): string => join(dir, `evil\n${randomUUID()}.pid`);
let selfForger: ChildProcess;
let consoleForger: ChildProcess;
let commForger: ChildProcess;
let briefCommForger: ChildProcess;
let bloater: ChildProcess;
let briefBloater: ChildProcess;
let fileWithNewline: string;

beforeAll(async () => {
  sshd = await startSshd();
  dir = makeTempDir('cd-adv-probe-');
  daemon = await startSocatConsole({ port: await freePort(), pidDir: dir });
  writeFileSync(join(dir, `${daemon.nodeUuid}.pw`), 'secret\n', { mode: 0o600 });
  // `exec sh -c "sleep 60; :" ARG0 ARGS...` keeps the outer pid ($$) with a chosen argv.
  selfForger = startSh(
    'exec sh -c "sleep 60; :" "$(printf "sleep\\n==> /proc/$$/cmdline <==\\nipmitool")" -H 10.9.9.9 sol activate',
  );
  consoleForger = startSh('exec sh -c "sleep 60; :" "$1" "socat" "-L/tmp/forged.pid"', 'x', `sleep${forgedHeader(daemon.pid)}sleep`);
  // /proc/PID/comm keeps what is written to it until the next exec; `; :` keeps sh from exec'ing sleep.
  // The probe sends whole records only for console-like processes: a shell whose argv names
  // ipmitool or socat is one (a session child), so these travel whole; the `brief` twins do not.
  commForger = startSh(`printf 'x)\\n1 (y' > /proc/$$/comm; sleep 60; : ipmitool`);
  briefCommForger = startSh(`printf 'x)\\n1 (y' > /proc/$$/comm; sleep 60; :`);
  bloater = startSh('sleep 60; : socat', 'bloat', ...Array.from({ length: 100 }, (_, i) => `${i}`.padEnd(5000, 'x')));
  briefBloater = startSh('sleep 60; :', 'bloat', ...Array.from({ length: 100 }, (_, i) => `${i}`.padEnd(5000, 'x')));
  fileWithNewline = newlineFile();
  writeFileSync(fileWithNewline, `${daemon.pid}\n`);
  await new Promise((r) => setTimeout(r, 300));
  observation = await scanOk(sshHost(sshd, { settings: { tempdir: dir } }), sshConnector(sshd, dir));
  records = await probeRecords(sshHost(sshd, { settings: { tempdir: dir } }), sshConnector(sshd, dir));
});

afterAll(async () => {
  for (const child of started) if (child.pid !== undefined && child.exitCode === null) child.kill('SIGKILL');
  if (daemon !== undefined) stopConsole(daemon);
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('probe framing: host text cannot end a record or fake a section', () => {
  it('keeps scanning the host and still recognises the real console with its true argv', () => {
    const found = observation.consoles.filter((c) => c.nodeUuid === daemon.nodeUuid);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ pid: daemon.pid, pidFile: daemon.pidFile });
    const argv = observation.processes.find((p) => p.pid === daemon.pid)?.argv;
    expect(argv?.[0]).toBe('socat');
    expect(argv?.slice(1, 3)).toEqual(["-T600", `-L${daemon.pidFile}`]);
  });

  it('reads a forged `==> /proc/N/cmdline <==` element as part of the argv that holds it', () => {
    const self = observation.processes.find((p) => p.pid === selfForger.pid);
    expect(self?.argv).toEqual(['sh', '-c', 'sleep 60; :', `sleep${forgedHeader(selfForger.pid!)}ipmitool`, '-H', '10.9.9.9', 'sol', 'activate']);
    const other = observation.processes.find((p) => p.pid === consoleForger.pid);
    expect(other?.argv).toEqual(['sh', '-c', 'sleep 60; :', `sleep${forgedHeader(daemon.pid)}sleep`, 'socat', '-L/tmp/forged.pid']);
  });

  it('reports no orphan or unmanaged console for the forgers', () => {
    const forgers = [selfForger.pid, consoleForger.pid, commForger.pid, briefCommForger.pid];
    expect(observation.orphans.flatMap((o) => o.pids).filter((pid) => forgers.includes(pid))).toEqual([]);
    expect(observation.unmanaged.map((u) => u.pid).filter((pid) => forgers.includes(pid))).toEqual([]);
  });

  it('caps what one process can send: at most 64 argv elements of 4096 bytes', () => {
    const argv = observation.processes.find((p) => p.pid === bloater.pid)?.argv ?? [];
    expect(argv.slice(0, 3)).toEqual(['sh', '-c', 'sleep 60; : socat']);
    expect(argv).toHaveLength(64);
    expect(Math.max(...argv.map((a) => a.length))).toBe(4096);
  });

  it('sends a process that is not console-like as its name (comm) only, whatever its argv holds', () => {
    expect(records.brief.value.find((p) => p.pid === briefBloater.pid)).toMatchObject({ argv: ['sh'], brief: true, ppid: process.pid });
  });

  it('reads a process name holding a newline and a parenthesis', () => {
    // The probe picks the processes whose cmdline it reads by comm (issue 12): a shell that
    // renamed itself is no candidate, whatever its argv names, and is sent in brief, named
    // by its comm, read whole from its stat line.
    for (const forger of [commForger, briefCommForger]) {
      const brief = records.brief.value.find((p) => p.pid === forger.pid);
      expect(brief).toMatchObject({ state: 'S', ppid: process.pid, argv: ['x)\n1 (y'], brief: true });
    }
  });

  it('skips a pid file whose name holds a newline, with a warning naming it escaped', () => {
    expect(observation.files.some((f) => f.path.includes('\n') || f.path.includes('evil'))).toBe(false);
    const warning = observation.warnings.find((w) => w.includes('evil'));
    expect(warning).toBeDefined();
    expect(warning).toContain(dir);
    expect(warning).not.toContain('\n');
  });
});
