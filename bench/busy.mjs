/**
 * The busy-host profile's machinery on the bench machine: compiling the helper
 * (bench/busy-host.c), the kernel limit it needs (kernel.pid_max), how many processes the
 * machine can hold, and the leftovers of a run that was killed outright.
 *
 * Every simulated host's processes live in its own PID namespace: killing the `unshare`
 * the bench spawned for it (by PID) ends them all. A run killed with SIGKILL cannot do
 * that, so the next run first ends the `unshare` processes of bench runs that no longer
 * exist (found by their exact command line, killed by PID) and restores kernel.pid_max
 * from the state file the killed run left.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SOURCE = new URL('./busy-host.c', import.meta.url).pathname;
const PID_MAX = '/proc/sys/kernel/pid_max';
/** Where a run that raised kernel.pid_max keeps the value to restore (outside any run's workdir). */
const PID_MAX_STATE = '/var/tmp/cd-bench-pid_max.orig';
const PID_MAX_LIMIT = 4_194_304; // the kernel's maximum on 64-bit

/** Measured here (bench/README.md): ~40 kB of kernel memory per busy process, ~1 kB per listening socket. */
export const KB_PER_PROCESS = 45;
export const KB_PER_SOCKET = 2;

/** Compiles bench/busy-host.c into `dir` (static, so a forked service shares almost nothing but its page tables). */
export function buildBusyHelper(dir) {
  const out = join(dir, 'cdbench-busy');
  const r = spawnSync('gcc', ['-O2', '-static', '-Wall', '-o', out, SOURCE], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`cannot compile ${SOURCE}: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(0, 3).join('; ')}`);
  return out;
}

/** The Debian packages the busy profile needs: gcc and a static libc. */
export const BUSY_PACKAGES = [
  [() => spawnSync('sh', ['-c', 'command -v gcc']).status === 0, 'gcc'],
  [() => existsSync('/usr/lib/x86_64-linux-gnu/libc.a') || existsSync('/usr/lib/aarch64-linux-gnu/libc.a'), 'libc6-dev'],
];

const readNumber = (path) => Number(readFileSync(path, 'utf8').trim());

/**
 * Makes room for `processes` more processes: every process of a host is also numbered in
 * the root PID namespace, so kernel.pid_max (32,768 by default) bounds the whole fleet.
 * Raises it when needed and returns a function that restores it (also written to a state
 * file, for the next run if this one is killed). Checks threads-max too.
 */
export function ensurePidRoom(processes, log) {
  const running = readdirSync('/proc').filter((e) => /^[0-9]+$/.test(e)).length;
  const needed = running + processes + 2000;
  const threadsMax = readNumber('/proc/sys/kernel/threads-max');
  if (needed > threadsMax * 0.9) throw new Error(`busy profile: ${processes} processes do not fit kernel.threads-max ${threadsMax} (lower --busy-procs or --busy-max-procs)`);
  const current = readNumber(PID_MAX);
  if (needed <= current * 0.8) return () => {};
  const wanted = Math.min(PID_MAX_LIMIT, Math.max(needed * 2, 131_072));
  if (!existsSync(PID_MAX_STATE)) writeFileSync(PID_MAX_STATE, `${current}\n`);
  writeFileSync(PID_MAX, `${wanted}\n`);
  log(`   kernel.pid_max raised from ${current} to ${wanted} for ${processes} busy processes (restored at the end)`);
  return () => restorePidMax(log);
}

/** Restores kernel.pid_max from the state file, if a run (this one or a killed one) raised it. */
export function restorePidMax(log = () => {}) {
  if (!existsSync(PID_MAX_STATE)) return;
  const original = readNumber(PID_MAX_STATE);
  if (Number.isInteger(original) && original > 0) {
    try {
      writeFileSync(PID_MAX, `${original}\n`);
      log(`kernel.pid_max restored to ${original}`);
    } catch {
      return; // keep the state file: the next run tries again
    }
  }
  rmSync(PID_MAX_STATE, { force: true });
}

/**
 * The `unshare` processes of bench runs that are gone: their command line is exactly the
 * one fleet.mjs spawns (`unshare --pid --fork --mount-proc --kill-child=SIGKILL /bin/sh
 * /var/tmp/cd-bench-<run pid>/.../start.sh`) and the run pid in it is not a live bench.
 */
export function orphanedHosts() {
  const found = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    let argv;
    try {
      argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (argv[0] !== 'unshare' || argv[4] !== '--kill-child=SIGKILL' || argv[5] !== '/bin/sh') continue;
    const m = /^\/var\/tmp\/cd-bench-(?:profile-)?(\d+)\/.*\/start\.sh$/.exec(argv[6] ?? '');
    if (m === null) continue;
    if (isLiveBench(Number(m[1]))) continue;
    found.push(Number(entry));
  }
  return found;
}

function isLiveBench(pid) {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.some((a) => /bench\/(run|profile)\.mjs$/.test(a));
  } catch {
    return false;
  }
}

/**
 * Ends what a killed run left: its hosts (each `unshare` by PID: --kill-child then ends its
 * PID namespace, busy processes included) and a raised kernel.pid_max. Waits until they are gone.
 */
export async function removeLeftovers(log) {
  const pids = orphanedHosts();
  if (pids.length > 0) {
    log(`ending ${pids.length} simulated hosts left by a bench run that was killed (by PID)`);
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone already */
      }
    }
    const deadline = Date.now() + 120_000;
    while (pids.some((pid) => existsSync(`/proc/${pid}`)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  }
  restorePidMax(log);
  // Their work directories (the run's pid is gone: no live process can be using them).
  for (const entry of readdirSync('/var/tmp')) {
    const m = /^cd-bench-(?:profile-)?(\d+)$/.exec(entry);
    if (m !== null && !existsSync(`/proc/${m[1]}`)) rmSync(join('/var/tmp', entry), { recursive: true, force: true });
  }
}

/** MemAvailable in MB. */
export function availableMb() {
  const m = /MemAvailable:\s+(\d+) kB/.exec(readFileSync('/proc/meminfo', 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/**
 * The processes per host a busy size runs: the requested P, capped so that the fleet's
 * busy processes stay within `maxProcs` (the machine's budget; see bench/README.md).
 */
export function procsPerHost(requested, hosts, maxProcs, group) {
  const cap = Math.floor(maxProcs / hosts);
  if (requested <= cap) return { procs: requested, capped: false };
  const procs = Math.max(group, Math.floor(cap / group) * group);
  return { procs, capped: true };
}

/** Refuses a busy size whose estimated kernel memory passes 60% of what is available. */
export function checkMemory(hosts, procs, sockets) {
  const needMb = (hosts * (procs * KB_PER_PROCESS + sockets * KB_PER_SOCKET)) / 1024;
  const free = availableMb();
  if (needMb > free * 0.6) {
    throw new Error(`busy profile: ${hosts} hosts x ${procs} processes and ${sockets} sockets need ~${Math.round(needMb)} MB, ${Math.round(free)} MB available (lower --busy-procs or --busy-max-procs)`);
  }
  return needMb;
}
