/**
 * `npm run bench`: console-doctor scan against its peers on the same simulated hosts in
 * the same run. See bench/README.md.
 *
 *   node bench/run.mjs [--hosts 10,50,200] [--nodes 1000,20000] [--quick] [--no-peers]
 *                      [--runs 3] [--concurrency 32] [--peer-timeout 300] [--out bench/results.json]
 *                      [--profile default|busy|both] [--busy-hosts 20,200] [--busy-nodes 20000]
 *                      [--busy-procs 500,5000] [--busy-sockets 5000] [--busy-group 10]
 *                      [--busy-max-procs 100000]
 */
import { spawnSync } from 'node:child_process';
import { cpus, freemem, totalmem, release } from 'node:os';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInventory } from '../dist/inventory/index.js';
import { buildProbeCommand } from '../dist/observe/probe-command.js';
import { BUSY_PACKAGES, buildBusyHelper, checkMemory, ensurePidRoom, procsPerHost, removeLeftovers } from './busy.mjs';
import { benchCompare } from './compare.mjs';
import { startFleet } from './fleet.mjs';
import { startIronic } from './ironic.mjs';
import { runAnsible, runFloor, runPssh, runScan, stopContenders } from './measure.mjs';
import { busyTargets, busyTargetsText, growth, growthText, ratios, sideBySide, sizeTable, summarise, targets, targetsText } from './report.mjs';
import { daemonsPerHost, ironicFor } from './scenario.mjs';

function parseArgs(argv) {
  const o = {
    hosts: [10, 50, 200], nodes: [1000, 20000], peers: true, runs: 3, concurrency: 32, peerTimeoutS: 300, out: 'bench/results.json',
    profile: 'both', busyHosts: [20, 200], busyNodes: [20000], busyProcs: [500, 5000], busySockets: 5000, busyGroup: 10, busyMaxProcs: 100_000,
  };
  const list = (v) => v.split(',').map((x) => Number(x.trim())).filter((x) => Number.isInteger(x) && x > 0);
  const count = (a, v) => {
    const x = Number(v);
    if (!Number.isInteger(x) || x < 0) throw new Error(`${a}: a whole number, not ${v}`);
    return x;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (argv[i + 1] === undefined) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--hosts') o.hosts = list(next());
    else if (a === '--nodes') o.nodes = list(next());
    else if (a === '--quick') Object.assign(o, { hosts: [10], nodes: [1000], runs: 2, busyHosts: [10], busyNodes: [1000], busyProcs: [1000], busySockets: 1000 });
    else if (a === '--no-peers') o.peers = false;
    else if (a === '--runs') o.runs = Number(next());
    else if (a === '--concurrency') o.concurrency = Number(next());
    else if (a === '--peer-timeout') o.peerTimeoutS = Number(next());
    else if (a === '--out') o.out = next();
    else if (a === '--profile') {
      o.profile = next();
      if (!['default', 'busy', 'both'].includes(o.profile)) throw new Error(`--profile: default, busy or both, not ${o.profile}`);
    } else if (a === '--busy-hosts') o.busyHosts = list(next());
    else if (a === '--busy-nodes') o.busyNodes = list(next());
    else if (a === '--busy-procs') o.busyProcs = list(next());
    else if (a === '--busy-sockets') o.busySockets = count(a, next());
    else if (a === '--busy-group') o.busyGroup = Math.max(1, count(a, next()));
    else if (a === '--busy-max-procs') o.busyMaxProcs = count(a, next());
    else throw new Error(`unknown option ${a} (see bench/README.md)`);
  }
  if ([...o.hosts, ...o.busyHosts].some((n) => n > 1000)) throw new Error('--hosts: at most 1000 (console ports 26000 + 10 * host)');
  if (o.busySockets > 40_000) throw new Error('--busy-sockets: at most 40,000 (ports 1024-65535 outside the bench\'s own)');
  return o;
}

/** Every size to measure: the default profile's N x M, then the busy profile's N x M x P (P capped by the budget). */
function plannedSizes(o) {
  const sizes = [];
  if (o.profile !== 'busy') for (const n of o.hosts) for (const m of o.nodes) sizes.push({ profile: 'default', n, m });
  if (o.profile !== 'default') {
    const seen = new Set();
    for (const n of o.busyHosts) {
      for (const m of o.busyNodes) {
        for (const requested of o.busyProcs) {
          const { procs, capped } = procsPerHost(requested, n, o.busyMaxProcs, o.busyGroup);
          const key = `${n}/${m}/${procs}`;
          if (seen.has(key)) continue;
          seen.add(key);
          sizes.push({ profile: 'busy', n, m, busy: { procs, requested, capped, sockets: o.busySockets, group: o.busyGroup } });
        }
      }
    }
  }
  return sizes;
}

/** Installs the peers' Debian packages when absent (we run as root in the bench container). */
function ensurePackages(peers, busy) {
  const has = (bin) => () => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
  const wanted = [[has('/usr/bin/time'), 'time'], ...(peers ? [[has('parallel-ssh'), 'pssh'], [has('ansible'), 'ansible-core']] : []), ...(busy ? BUSY_PACKAGES : [])];
  const missing = wanted.filter(([present]) => !present()).map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  console.error(`installing missing Debian packages: ${missing.join(' ')}`);
  const r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) throw new Error(`apt-get install ${missing.join(' ')} failed`);
}

function machine() {
  const version = (cmd) => spawnSync('sh', ['-c', cmd], { encoding: 'utf8' }).stdout.trim().split('\n')[0];
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memMb: Math.round(totalmem() / 2 ** 20),
    kernel: release(),
    node: process.version,
    openssh: version('ssh -V 2>&1'),
    pssh: version('parallel-ssh --version 2>&1'),
    ansible: version('ansible --version 2>/dev/null'),
  };
}

async function measureSize(o, size, workdir, log) {
  const { n, m, busy } = size;
  const perHost = daemonsPerHost(n, m);
  const what = busy
    ? `busy profile: ${busy.procs} processes${busy.capped ? ` (capped from ${busy.requested}: at most ${o.busyMaxProcs} on the machine)` : ''} and ${busy.sockets} listening sockets per host`
    : 'default profile';
  log(`\n== N=${n} M=${m}, ${what}: starting ${n} hosts with ${perHost} consoles each (free memory ${Math.round(freemem() / 2 ** 20)} MB)`);
  const sizeDir = join(workdir, `${size.profile}-n${n}-m${m}${busy ? `-p${busy.procs}` : ''}`);
  const home = join(sizeDir, 'home');
  mkdirSync(home, { recursive: true });
  let restorePidMax = () => {};
  if (busy) {
    checkMemory(n, busy.procs, busy.sockets);
    restorePidMax = ensurePidRoom(n * (busy.procs + Math.ceil(busy.sockets / 4000) + 40), log);
    cleanup.push(restorePidMax);
  }
  const t0 = Date.now();
  const fleet = await startFleet({ n, daemonsPerHost: perHost, workdir: join(sizeDir, 'fleet'), busy: busy && { ...busy, helper: busyHelper(workdir) } });
  cleanup.push(() => fleet.stop());
  const scenario = ironicFor(fleet.hosts, m);
  const ironic = await startIronic(scenario);
  cleanup.push(() => ironic.close());
  ironic.warm();
  const startS = (Date.now() - t0) / 1000;
  log(`   hosts up in ${startS.toFixed(1)} s; Ironic at ${ironic.url} with ${scenario.count} nodes`);

  const inventoryFile = join(sizeDir, 'inventory.yaml');
  writeFileSync(
    inventoryFile,
    [`ssh:\n  known_hosts: strict\n  concurrency: ${o.concurrency}\nhosts:`, ...fleet.hosts.map((h) => `  ${h.name}:\n    address: ${h.address}\n    port: ${h.port}\n    user: root\n    identity_file: ${fleet.clientKey}`), ''].join('\n'),
  );
  const { inventory } = await loadInventory(inventoryFile);
  const probes = new Set(inventory.hosts.map((h) => JSON.stringify(buildProbeCommand(h))));
  if (probes.size !== 1) throw new Error('the probe differs between hosts: the peers could not all run the same one');
  const probe = buildProbeCommand(inventory.hosts[0]);
  const probeFile = join(sizeDir, 'probe.sh');
  writeFileSync(probeFile, probe.stdin);

  const ctx = {
    hosts: fleet.hosts, nodeCount: scenario.count, inventoryFile, knownHostsFile: fleet.knownHostsFile, clientKey: fleet.clientKey,
    hostKeyLine: fleet.hostKeyLine, serverCpuMs: fleet.serverCpuMs, home, apiUrl: ironic.url, concurrency: o.concurrency, probe, probeFile, workdir: sizeDir,
    timeoutMs: 600_000, peerTimeoutMs: o.peerTimeoutS * 1000,
  };
  // Warm-up (not counted): every sshd's first login, the page cache, the API's page cache.
  await runScan({ ...ctx, run: 'warmup' });
  const scans = [];
  const floors = [];
  const plains = [];
  for (let r = 0; r < o.runs; r++) {
    scans.push(await runScan({ ...ctx, run: r }));
    floors.push(await runFloor({ ...ctx, run: r }));
    plains.push(await runFloor({ ...ctx, run: r }, { plain: true }));
    log(
      `   run ${r + 1}/${o.runs}: scan ${(scans[r].wallMs / 1000).toFixed(2)} s (${scans[r].check}), floor ${(floors[r].wallMs / 1000).toFixed(2)} s (${floors[r].check}), plain probe ${(plains[r].wallMs / 1000).toFixed(2)} s (${plains[r].check})`,
    );
  }
  const rows = [summarise('console-doctor scan', scans, n), summarise('floor (ssh2 + API read)', floors, n), summarise('plain probe (ssh2 + API read)', plains, n)];
  if (o.peers) {
    for (const [label, run] of [
      ['parallel-ssh', () => runPssh({ ...ctx, run: 0 })],
      ['ansible -m raw', () => runAnsible({ ...ctx, run: 0 }, 'raw')],
      ['ansible (command)', () => runAnsible({ ...ctx, run: 0 }, 'command')],
    ]) {
      const result = await run();
      log(`   ${label}: ${result.timedOut ? 'timeout' : `${(result.wallMs / 1000).toFixed(2)} s`} (${result.check})`);
      rows.push(summarise(label, [result], n));
    }
  }
  const t1 = Date.now();
  await ironic.close();
  await fleet.stop();
  fleet.remove();
  restorePidMax();
  log(`   hosts stopped in ${((Date.now() - t1) / 1000).toFixed(1)} s; this size took ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  const last = scans[scans.length - 1];
  return {
    profile: size.profile, n, m, daemonsPerHost: perHost, ...(busy ? { busy } : {}), rows, ratios: ratios(rows),
    scanFindings: last.findings, byKind: last.byKind, consoles: last.consoles,
    floorDetail: floors[floors.length - 1].detail, plainDetail: plains[plains.length - 1].detail,
    startS, totalS: (Date.now() - t0) / 1000,
  };
}

let helperPath;
/** The busy helper, compiled once per run into the run's workdir. */
function busyHelper(workdir) {
  helperPath ??= buildBusyHelper(workdir);
  return helperPath;
}

/** The default profile's figures from the last committed bench/results.json (git HEAD), or the file. */
function previousResults() {
  const r = spawnSync('git', ['show', 'HEAD:bench/results.json'], { cwd: new URL('..', import.meta.url).pathname, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  try {
    return JSON.parse(r.status === 0 ? r.stdout : readFileSync(new URL('./results.json', import.meta.url), 'utf8'));
  } catch {
    return undefined;
  }
}

const cleanup = [];
async function runCleanup() {
  for (const step of cleanup.splice(0).reverse()) {
    try {
      await step();
    } catch {
      /* best effort */
    }
  }
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!existsSync(new URL('../dist/cli/main.js', import.meta.url))) throw new Error('dist/ is missing: run `npm run build` (npm run bench does)');
  const planned = plannedSizes(o);
  const anyBusy = planned.some((p) => p.busy);
  ensurePackages(o.peers, anyBusy);
  const workdir = `/var/tmp/cd-bench-${process.pid}`; // not under /tmp: each host gets its own /tmp
  mkdirSync(workdir, { recursive: true });
  cleanup.push(() => rmSync(workdir, { recursive: true, force: true }));
  const log = (line) => console.error(line);
  await removeLeftovers(log); // hosts and kernel.pid_max a killed run left
  const onSignal = (signal) => {
    log(`\n${signal}: stopping every host this run started`);
    stopContenders();
    runCleanup().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const info = machine();
  log(`machine: ${info.cpus} x ${info.cpuModel}, ${info.memMb} MB, Linux ${info.kernel}, Node ${info.node}`);
  const compare = ['realistic', 'enabled-most'].map((mix) => benchCompare({ nodes: 20_000, hosts: 200, runs: 5, mix }));
  log(`compare stage (20,000 nodes, 2,000 daemons, 200 hosts): ${compare.map((c) => `${c.mix} ${c.medianMs.toFixed(1)} ms`).join(', ')} (median of 5)`);

  const previous = previousResults();
  const sizes = [];
  for (const size of planned) sizes.push(await measureSize(o, size, workdir, log));
  await runCleanup();

  const defaults = sizes.filter((s) => s.profile === 'default');
  const busySizes = sizes.filter((s) => s.profile === 'busy');
  const growthLines = growth(sizes);
  const verdicts = targets(defaults, compare);
  const busyVerdicts = busyTargets(busySizes, defaults, previous);
  const text = [
    '',
    `console-doctor benchmark — ${info.cpus} x ${info.cpuModel}, ${info.memMb} MB RAM, Linux ${info.kernel}, Node ${info.node}`,
    `${info.openssh}; pssh ${info.pssh}; ${info.ansible}; concurrency ${o.concurrency} for every contender`,
    '',
    ...sizes.map((s) => `${sizeTable(s)}\n`),
    sideBySide(sizes),
    '',
    `compare stage alone: ${compare.map((c) => `${c.mix}: ${c.medianMs.toFixed(1)} ms (${c.findings} findings)`).join('; ')}`,
    '',
    growthText(growthLines),
    '',
    ...(defaults.length > 0 ? [targetsText(verdicts), ''] : []),
    ...(busySizes.length > 0 ? [busyTargetsText(busyVerdicts), ''] : []),
  ].join('\n');
  process.stdout.write(text);
  mkdirSync(join(o.out, '..'), { recursive: true });
  writeFileSync(o.out, `${JSON.stringify({ date: new Date().toISOString(), machine: info, options: o, compare, sizes, growth: growthLines, targets: verdicts, busyTargets: busyVerdicts }, null, 2)}\n`);
  log(`results written to ${o.out}`);
}

main().catch(async (error) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  stopContenders();
  await runCleanup();
  process.exit(1);
});
