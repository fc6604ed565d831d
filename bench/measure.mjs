/**
 * Runs each contender as a child process under `/usr/bin/time -f '%e %U %S %M'`, which
 * gives the CPU (user + sys) of the child and of every process it waited for (pssh's and
 * Ansible's ssh clients included) and the peak RSS of the largest one. Wall time is taken
 * here with a monotonic clock around the whole run.
 *
 * A run that exceeds its timeout is ended by its process group id (the group we created
 * with `detached: true`), never by name.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const REPO = new URL('..', import.meta.url).pathname;

/** Process groups of the contenders running now (each child is the leader of its own group). */
const running = new Set();

/** Ends every contender still running (Ctrl-C, SIGTERM), by its process group id. */
export function stopContenders() {
  for (const pgid of running) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  running.clear();
}

/** Runs argv under /usr/bin/time; stdout goes to a file (ansible's ControlPersist masters keep pipes open). */
export function timedRun(argv, { env = {}, stdinFile, workdir, label, timeoutMs = 600_000, serverCpuMs = () => NaN }) {
  const serverBefore = serverCpuMs();
  const timeFile = join(workdir, `${label}.time`);
  const outFile = join(workdir, `${label}.out`);
  const errFile = join(workdir, `${label}.err`);
  rmSync(timeFile, { force: true });
  const stdin = stdinFile ? openSync(stdinFile, 'r') : 'ignore';
  const out = openSync(outFile, 'w');
  const err = openSync(errFile, 'w');
  const started = process.hrtime.bigint();
  const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', '-o', timeFile, ...argv], {
    cwd: REPO,
    env: { PATH: process.env.PATH, LANG: 'C.UTF-8', ...env },
    stdio: [stdin, out, err],
    detached: true,
  });
  for (const fd of [stdin, out, err]) if (typeof fd === 'number') closeSync(fd);
  running.add(child.pid);
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, timeoutMs);
    child.once('exit', (code) => {
      running.delete(child.pid);
      clearTimeout(timer);
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      let cpu = { userMs: NaN, sysMs: NaN, maxRssMb: NaN };
      try {
        const line = readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
        const [, user, sys, rssKb] = line.split(/\s+/).map(Number);
        cpu = { userMs: user * 1000, sysMs: sys * 1000, maxRssMb: rssKb / 1024 };
      } catch {
        /* killed before time wrote it */
      }
      // /usr/bin/time exits with the child's code (or 128+signal, reported on its first line).
      // Sessions end a moment after the client exits; give sshd time to reap them.
      setTimeout(() => {
        const serverMs = serverCpuMs() - serverBefore;
        resolve({ label, code, timedOut, wallMs, ...cpu, cpuMs: cpu.userMs + cpu.sysMs, serverMs, outFile, errFile });
      }, 300);
    });
  });
}

/** console-doctor scan, as an operator's cron job would run it. */
export async function runScan(ctx) {
  const argv = [
    process.execPath,
    join(REPO, 'bin/console-doctor.js'),
    'scan',
    '-i', ctx.inventoryFile,
    '--format', 'json',
    '--known-hosts-file', ctx.knownHostsFile,
    '--no-audit',
    '--concurrency', String(ctx.concurrency),
    // The floor waits 30 s for a handshake and without limit for the probe: so does the
    // scan here (defaults 10 s and 30 s), or a loaded machine's busy hosts time out and the
    // run measures timeouts instead of cost.
    '--connect-timeout', '30s',
    '--command-timeout', '300s',
  ];
  const env = { HOME: ctx.home, OS_AUTH_TYPE: 'none', OS_ENDPOINT: ctx.apiUrl, NO_COLOR: '1' };
  const r = await timedRun(argv, { env, workdir: ctx.workdir, label: `scan-${ctx.run}`, timeoutMs: ctx.timeoutMs, serverCpuMs: ctx.serverCpuMs });
  let check = 'no JSON report';
  try {
    const report = JSON.parse(readFileSync(r.outFile, 'utf8'));
    const s = report.summary;
    check = s.hosts_scanned === ctx.hosts.length && s.nodes === ctx.nodeCount
      ? 'ok'
      : `scanned ${s.hosts_scanned}/${ctx.hosts.length} hosts, ${s.nodes}/${ctx.nodeCount} nodes`;
    return { ...r, check, findings: s.findings, byKind: Object.fromEntries(Object.entries(s.by_kind).filter(([, v]) => v > 0)), consoles: s.consoles };
  } catch {
    const stderr = readFileSync(r.errFile, 'utf8').trim().split('\n').slice(-3).join(' | ');
    return { ...r, check: `${check}: exit ${r.code}: ${stderr}` };
  }
}

/**
 * The plain probe a shell one-liner would send: every process with its start time and
 * whole command line, and every listening TCP socket with its process. The peer for the
 * hosts' (sshd) CPU: what the tool's probe may cost a conductor at most.
 */
export const PLAIN_PROBE = { command: 'ps -eo pid,lstart,args; ss -ltnpH', stdin: '' };

/**
 * The floor: bench/floor.mjs with the same hosts, probe, concurrency and API. With
 * `plain`, the same client runs PLAIN_PROBE instead of the tool's probe.
 */
export async function runFloor(ctx, { plain = false } = {}) {
  const configFile = join(ctx.workdir, plain ? 'plain.json' : 'floor.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      hosts: ctx.hosts.map((h) => ({ name: h.name, address: h.address, port: h.port })),
      user: 'root',
      key: ctx.clientKey,
      hostKeyLine: ctx.hostKeyLine,
      probe: plain ? PLAIN_PROBE : ctx.probe,
      concurrency: ctx.concurrency,
      api: ctx.apiUrl,
    }),
  );
  const r = await timedRun([process.execPath, join(REPO, 'bench/floor.mjs'), configFile], {
    workdir: ctx.workdir,
    label: `${plain ? 'plain' : 'floor'}-${ctx.run}`,
    timeoutMs: ctx.timeoutMs,
    serverCpuMs: ctx.serverCpuMs,
  });
  try {
    const summary = JSON.parse(readFileSync(r.outFile, 'utf8'));
    const ok = summary.hostsOk === ctx.hosts.length && summary.nodes === ctx.nodeCount;
    return { ...r, check: ok ? 'ok' : `hosts ${summary.hostsOk}, nodes ${summary.nodes}: ${summary.hostsFailed.slice(0, 2).join('; ')}`, detail: summary };
  } catch {
    return { ...r, check: `exit ${r.code}: ${readFileSync(r.errFile, 'utf8').trim().slice(-300)}` };
  }
}

/** parallel-ssh sending the probe on stdin (-I), outputs to files. */
export async function runPssh(ctx) {
  const hostsFile = join(ctx.workdir, 'pssh-hosts');
  writeFileSync(hostsFile, ctx.hosts.map((h) => `${h.address}:${h.port}\n`).join(''));
  const outDir = join(ctx.workdir, `pssh-out-${ctx.run}`);
  rmSync(outDir, { recursive: true, force: true });
  const argv = [
    'parallel-ssh', '-h', hostsFile, '-l', 'root', '-p', String(ctx.concurrency), '-t', '300', '-o', outDir,
    '-x', `-i ${ctx.clientKey} -o UserKnownHostsFile=${ctx.knownHostsFile} -o StrictHostKeyChecking=yes -o BatchMode=yes`,
    '-I', ctx.probe.command,
  ];
  const r = await timedRun(argv, { env: { HOME: ctx.home }, stdinFile: ctx.probeFile, workdir: ctx.workdir, label: `pssh-${ctx.run}`, timeoutMs: ctx.peerTimeoutMs, serverCpuMs: ctx.serverCpuMs });
  const out = readFileSync(r.outFile, 'utf8');
  const success = (out.match(/\[SUCCESS\]/g) ?? []).length;
  return { ...r, check: r.timedOut ? 'timeout' : success === ctx.hosts.length ? 'ok' : `${success}/${ctx.hosts.length} hosts succeeded` };
}

/** Ansible ad hoc: `-m raw` or the default module (command), `sh -c 'echo BASE64 | base64 -d | sh'`, -f concurrency. */
export async function runAnsible(ctx, module) {
  const inventory = join(ctx.workdir, 'ansible.ini');
  writeFileSync(
    inventory,
    [
      '[ironic_conductor]',
      ...ctx.hosts.map((h) => `${h.name} ansible_host=${h.address} ansible_port=${h.port}`),
      '[ironic_conductor:vars]',
      'ansible_user=root',
      `ansible_ssh_private_key_file=${ctx.clientKey}`,
      `ansible_ssh_common_args='-o UserKnownHostsFile=${ctx.knownHostsFile}'`,
      '',
    ].join('\n'),
  );
  // Base64: Ansible splits `-a` itself and refuses the probe's shell quoting ("failed at
  // splitting arguments ... unbalanced quotes", seen with the probe of 2026-12-02); the
  // encoded probe has no quote, brace or newline, and decoding it costs the host ~1 ms.
  const encoded = readFileSync(ctx.probeFile).toString('base64');
  const remote = `sh -c ${shellQuote(`echo ${encoded} | base64 -d | sh`)}`;
  const argv = ['ansible', 'ironic_conductor', '-i', inventory, '-f', String(ctx.concurrency), ...(module === 'raw' ? ['-m', 'raw'] : []), '-a', remote];
  const env = {
    HOME: ctx.home,
    ANSIBLE_HOST_KEY_CHECKING: 'True',
    ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3',
    ANSIBLE_LOCAL_TEMP: join(ctx.workdir, 'ansible-local'),
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_DEPRECATION_WARNINGS: 'False',
  };
  const r = await timedRun(argv, { env, workdir: ctx.workdir, label: `ansible-${module}-${ctx.run}`, timeoutMs: ctx.peerTimeoutMs, serverCpuMs: ctx.serverCpuMs });
  const out = readFileSync(r.outFile, 'utf8');
  const success = (out.match(/^\S+ \| (CHANGED|SUCCESS) /gm) ?? []).length;
  return { ...r, check: r.timedOut ? 'timeout' : success === ctx.hosts.length ? 'ok' : `${success}/${ctx.hosts.length} hosts succeeded` };
}

function shellQuote(s) {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
