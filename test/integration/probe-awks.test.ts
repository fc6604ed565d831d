/**
 * The probe's select pass (probe-select.ts) runs in whatever awk the host has: mawk when
 * there is one (Debian's default; the probe prefers it, issue 12: half gawk's CPU), else
 * `awk` (gawk on RHEL, busybox awk on small images). Each must send the same records. The
 * same captured /proc and `ss` stream, from this machine beside a real socat console with
 * a client connected, goes through every awk installed here; outputs are compared line by
 * line (their order differs: awk's `for (p in ...)` order is each awk's own).
 */
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CMDLINE_MAX_LINE_BYTES } from '../../src/observe/probe-limits.js';
import { PROC_READ, SELECT_AWK } from '../../src/observe/probe-select.js';
import { connectClient, killTrees, makeTempDir, startSocatConsole, type StartedConsole } from '../helpers/console-daemons.js';
import { freePort } from '../helpers/sshd.js';

const M = '@@cd 0123abcd';
const dir = makeTempDir('cd-awks-');
let daemon: StartedConsole;
let client: Socket;
let input: string;

const AWKS = [
  ['gawk', ['gawk']],
  ['mawk', ['mawk']],
  ['busybox awk', ['busybox', 'awk']],
] as const;
const installed = AWKS.filter(([, argv]) => spawnSync('sh', ['-c', `command -v ${argv[0]}`]).status === 0);

function select(argv: readonly string[]): { stdout: string[]; stderr: string[] } {
  const [program, ...first] = argv;
  const run = spawnSync(program as string, [...first, '-v', `M=${M}`, '-v', `CUT=${CMDLINE_MAX_LINE_BYTES}`, '-v', 'L=1', SELECT_AWK], {
    input: Buffer.from(input, 'latin1'),
    env: { ...process.env, LC_ALL: 'C' },
    maxBuffer: 64 * 2 ** 20,
  });
  expect(run.status).toBe(0);
  return { stdout: run.stdout.toString('latin1').split('\n').sort(), stderr: run.stderr.toString('latin1').split('\n').sort() };
}

beforeAll(async () => {
  daemon = await startSocatConsole({ port: await freePort(), pidDir: dir });
  client = await connectClient(daemon.port);
  await new Promise((r) => setTimeout(r, 300));
  const script = join(dir, 'capture.sh');
  writeFileSync(script, `{ ${PROC_READ} /proc/[0-9]*/stat 2>/dev/null; printf '%s ss\\000' "$1"; ss -tlnp; }`);
  input = spawnSync('sh', [script, M], { maxBuffer: 64 * 2 ** 20 }).stdout.toString('latin1');
});

afterAll(() => {
  client?.destroy();
  killTrees([daemon?.pid]);
  rmSync(dir, { recursive: true, force: true });
});

describe('the select pass in every awk installed here', () => {
  it('has gawk and mawk to compare (scripts/install-deps.sh installs both)', () => {
    expect(installed.map(([name]) => name)).toEqual(expect.arrayContaining(['gawk', 'mawk']));
  });

  it('sends the console whole, with its session children, and the listening socket, in gawk', () => {
    const { stdout, stderr } = select(['gawk']);
    expect(stdout).toContain(`/proc/${daemon.pid}/stat`);
    expect(stdout).toContain(`/proc/${daemon.pid}/cmdline`);
    expect(stdout.some((line) => line.startsWith(`127.0.0.1:${daemon.port} ${daemon.pid}`))).toBe(true);
    expect(stderr).toContain(`p ${daemon.pid}`);
    expect(stdout.filter((line) => line.startsWith(`${M} `)).length).toBeGreaterThanOrEqual(5);
  });

  it.each(installed.filter(([name]) => name !== 'gawk'))('%s sends exactly what gawk sends', (_name, argv) => {
    const reference = select(['gawk']);
    expect(select(argv)).toEqual(reference);
  });
});
