/**
 * Where the scan's own CPU goes: starts a fleet and the bench Ironic like run.mjs, runs
 * `console-doctor scan` once under `node --cpu-prof`, and prints the self time by
 * function and by source file (the .cpuprofile is kept for Chrome DevTools).
 *
 *   node bench/profile.mjs [--hosts 50] [--nodes 20000] [--busy-procs P --busy-sockets S]
 *
 * With --busy-procs (and --busy-sockets, default 5,000) the hosts are busy-profile hosts
 * (bench/busy.mjs; processes in services of 10).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildBusyHelper, checkMemory, ensurePidRoom, removeLeftovers } from './busy.mjs';
import { startFleet } from './fleet.mjs';
import { startIronic } from './ironic.mjs';
import { daemonsPerHost, ironicFor } from './scenario.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const n = arg('hosts', 50);
const m = arg('nodes', 20_000);
const workdir = `/var/tmp/cd-bench-profile-${process.pid}`;
const profDir = join(workdir, 'prof');
mkdirSync(profDir, { recursive: true });

const busyProcs = arg('busy-procs', 0);
let busy;
let restorePidMax = () => {};
await removeLeftovers((line) => console.error(line));
if (busyProcs > 0) {
  busy = { helper: buildBusyHelper(workdir), procs: busyProcs, group: 10, sockets: arg('busy-sockets', 5000) };
  checkMemory(n, busy.procs, busy.sockets);
  restorePidMax = ensurePidRoom(n * (busy.procs + 40), (line) => console.error(line));
}
const fleet = await startFleet({ n, daemonsPerHost: daemonsPerHost(n, m), workdir: join(workdir, 'fleet'), busy });
const scenario = ironicFor(fleet.hosts, m);
const ironic = await startIronic(scenario);
try {
  ironic.warm();
  const inventory = join(workdir, 'inventory.yaml');
  writeFileSync(inventory, ['hosts:', ...fleet.hosts.map((h) => `  ${h.name}:\n    address: ${h.address}\n    port: ${h.port}\n    user: root\n    identity_file: ${fleet.clientKey}`), ''].join('\n'));
  const bin = new URL('../bin/console-doctor.js', import.meta.url).pathname;
  // The scan is a child, but spawnSync would block our in-process Ironic: run it async.
  await new Promise((resolve) => {
    import('node:child_process').then(({ spawn }) => {
      const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir', profDir, bin, 'scan', '-i', inventory, '--format', 'json', '--known-hosts-file', fleet.knownHostsFile, '--no-audit'], {
        env: { PATH: process.env.PATH, HOME: workdir, OS_AUTH_TYPE: 'none', OS_ENDPOINT: ironic.url, NO_COLOR: '1' },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      child.once('exit', resolve);
    });
  });
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  const profile = JSON.parse(readFileSync(join(profDir, file), 'utf8'));
  const total = profile.endTime - profile.startTime; // microseconds
  const samples = profile.samples.length;
  const perSample = total / samples / 1000; // ms
  const byFn = new Map();
  const byFile = new Map();
  for (const node of profile.nodes) {
    const ms = node.hitCount * perSample;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(/^file:\/\/.*?\/(dist|node_modules)\//, '$1/') || '(native)';
    const fnKey = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
    byFn.set(fnKey, (byFn.get(fnKey) ?? 0) + ms);
    const fileKey = where.startsWith('node:') ? 'node: internals' : where.split(':')[0];
    byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + ms);
  }
  const top = (map, k) => [...map].sort((a, b) => b[1] - a[1]).slice(0, k).map(([key, ms]) => `  ${ms.toFixed(0).padStart(6)} ms  ${key}`);
  console.log(`scan of N=${n}, M=${m}${busy ? `, busy hosts (${busy.procs} processes, ${busy.sockets} sockets each)` : ''}: profile ${(total / 1000).toFixed(0)} ms of wall time, ${samples} samples (${join(profDir, file)})`);
  console.log('self time by function:', `\n${top(byFn, 25).join('\n')}`);
  console.log('self time by file:', `\n${top(byFile, 15).join('\n')}`);
  spawnSync('true');
} finally {
  await ironic.close();
  await fleet.stop();
  restorePidMax();
}
