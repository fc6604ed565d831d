/**
 * What the probe alone costs a host, without sshd and the network: starts ONE simulated
 * host (bench/fleet.mjs; busy with --busy-procs), then runs inside its PID, mount and
 * network namespaces (nsenter), alternately, the tool's probe and the plain probe
 * (`ps -eo pid,lstart,args; ss -ltnpH`), each R times under /usr/bin/time, and prints the
 * median CPU (user + sys of the script and every program it ran) and output size of each.
 * A finer lens than run.mjs's sshd CPU per host, which also holds the login (~70 ms).
 *
 *   node bench/probe-cost.mjs [--busy-procs 500] [--busy-sockets 5000] [--runs 15] [--save FILE] [--also FILE ...]
 *
 * --save FILE keeps one output of the tool's probe (for profiling the client's parsing).
 * --also FILE adds a contender: a probe script of your own (what the probe sends on stdin,
 * e.g. an older version's, or one with a part taken out), run with `sh -s` the same way:
 * an A/B of a change to the probe on the same host in the same run. Repeatable.
 *
 * Needs root and dist/ (npm run build).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInventory } from '../dist/inventory/index.js';
import { buildProbeCommand } from '../dist/observe/probe-command.js';
import { buildBusyHelper, checkMemory, ensurePidRoom, removeLeftovers } from './busy.mjs';
import { startFleet } from './fleet.mjs';
import { PLAIN_PROBE } from './measure.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const procs = arg('busy-procs', 500);
const sockets = arg('busy-sockets', 5000);
const runs = arg('runs', 15);
const saveIndex = process.argv.indexOf('--save');
const saveFile = saveIndex > 0 ? process.argv[saveIndex + 1] : undefined;
const also = process.argv.flatMap((a, i) => (a === '--also' && process.argv[i + 1] !== undefined ? [process.argv[i + 1]] : []));
const workdir = `/var/tmp/cd-bench-probecost-${process.pid}`;
mkdirSync(workdir, { recursive: true });
await removeLeftovers((line) => console.error(line));

let busy;
let restorePidMax = () => {};
if (procs > 0) {
  busy = { helper: buildBusyHelper(workdir), procs, group: 10, sockets };
  checkMemory(1, procs, sockets);
  restorePidMax = ensurePidRoom(procs + 40, (line) => console.error(line));
}
const fleet = await startFleet({ n: 1, daemonsPerHost: 10, workdir: join(workdir, 'fleet'), busy });
try {
  const host = fleet.hosts[0];
  const inventoryFile = join(workdir, 'inventory.yaml');
  writeFileSync(inventoryFile, `hosts:\n  ${host.name}:\n    address: ${host.address}\n    port: ${host.port}\n    user: root\n`);
  const { inventory } = await loadInventory(inventoryFile);
  const probe = buildProbeCommand(inventory.hosts[0]);
  const probeFile = join(workdir, 'probe.sh');
  writeFileSync(probeFile, probe.stdin);
  const sshd = fleet.sshdPids[0];
  const enter = ['nsenter', '-t', String(sshd), '-m', '-n', '-p', '--'];
  const contenders = [
    { label: "console-doctor's probe", argv: [...enter, 'sh', '-c', probe.command], stdin: probeFile },
    { label: 'plain probe (ps -eo pid,lstart,args; ss -ltnpH)', argv: [...enter, 'sh', '-c', PLAIN_PROBE.command], stdin: null },
    ...also.map((file) => ({ label: file, argv: [...enter, 'sh', '-s'], stdin: file })),
  ];
  const results = contenders.map(() => ({ cpu: [], bytes: 0 }));
  const quote = (a) => `'${a.replace(/'/g, "'\\''")}'`;
  const shell = (c) => `${c.argv.map(quote).join(' ')} ${c.stdin === null ? '</dev/null' : `<${quote(c.stdin)}`}`;
  // Each timing runs the probe LOOP times (the CPU figures of /usr/bin/time are in 10 ms steps).
  const LOOP = 5;
  for (let r = 0; r < runs + 1; r++) {
    contenders.forEach((c, i) => {
      const loop = `i=0; while [ $i -lt ${LOOP} ]; do ${shell(c)} >/dev/null; i=$((i + 1)); done`;
      const out = spawnSync('/usr/bin/time', ['-f', '%U %S', 'sh', '-c', loop], { encoding: 'utf8' });
      const [user, sys] = out.stderr.trim().split('\n').pop().split(' ').map(Number);
      if (r === 0) {
        results[i].bytes = spawnSync('sh', ['-c', `${shell(c)} | wc -c`], { encoding: 'utf8' }).stdout.trim();
        if (i === 0 && saveFile !== undefined) spawnSync('sh', ['-c', `${shell(c)} > ${quote(saveFile)}`]);
        return; // warm-up
      }
      results[i].cpu.push(((user + sys) * 1000) / LOOP);
    });
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`one host: ${procs} busy processes, ${sockets} busy sockets, 10 consoles; median of ${runs} runs (CPU: user + sys, 10 ms resolution)`);
  contenders.forEach((c, i) => console.log(`  ${c.label}: ${median(results[i].cpu).toFixed(0)} ms CPU, ${(results[i].bytes / 1024).toFixed(0)} kB out`));
  console.log(`  probe / plain: ${(median(results[0].cpu) / median(results[1].cpu)).toFixed(2)}`);
  also.forEach((file, j) => console.log(`  ${file} / probe: ${(median(results[j + 2].cpu) / median(results[0].cpu)).toFixed(2)}`));
} finally {
  await fleet.stop();
  restorePidMax();
  rmSync(workdir, { recursive: true, force: true });
}
