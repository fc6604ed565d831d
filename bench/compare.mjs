/**
 * Compare-stage microbenchmark: compareFleet (dist/compare/compare-fleet.js) on a
 * synthesised fleet of `hosts` observations with `daemonsPerHost` console daemons each
 * (8 socat + 2 shellinaboxd, with their processes, listeners, pid and password files and
 * two dozen unrelated processes per host) and `nodes` desired nodes; median of `runs`.
 *
 * Two node mixes:
 *   - realistic: consoles enabled on the nodes that have a daemon (plus a few strays:
 *     a disabled console left running, a daemon on the wrong host), the rest disabled;
 *   - enabled-most: 90% of all nodes have console_enabled=true, so every owner host has
 *     ~90 nodes each that are "missing" a daemon: the most work compare can be given.
 *
 *   node bench/compare.mjs [--nodes 20000] [--hosts 200] [--runs 5]
 */
import { randomUUID } from 'node:crypto';
import { compareFleet } from '../dist/compare/compare-fleet.js';

const uuidFor = (i) => `${randomUUID().slice(0, 24)}${String(i).padStart(12, '0')}`;

function hostSpec(i) {
  return {
    name: `conductor-${String(i).padStart(3, '0')}`,
    connection: 'ssh',
    address: `127.55.${Math.floor(i / 250)}.${(i % 250) + 1}`,
    port: 2222,
    user: 'root',
    identityFiles: [],
    jumpHosts: [],
    sudo: false,
    sudoUser: undefined,
    container: undefined,
    conductorName: undefined,
    ironicConf: '/etc/ironic/ironic.conf',
    settings: {},
  };
}

const proc = (pid, ppid, argv, startTicks, user = 'root', uid = 0) => ({
  pid, ppid, uid, user, state: 'S', startTicks, argv, nsPids: [pid], comm: argv[0].split('/').pop().slice(0, 15),
});

function observation(spec, daemons) {
  const tmp = '/var/lib/ironic/tmp';
  const processes = [proc(1, 0, ['sshd: /usr/sbin/sshd -D'], 100), proc(40, 1, ['sleep', '2000000000'], 120)];
  for (let k = 0; k < 24; k++) processes.push(proc(6 + k, 1, ['sleep', String(86400 + k)], 110 + k));
  const consoles = [];
  const listeners = [{ family: 'ipv4', address: spec.address, port: 2222, pids: [1] }];
  const files = [];
  let pid = 100;
  for (const d of daemons) {
    const pidFile = `${tmp}/${d.uuid}.pid`;
    const ipmi = `ipmitool -I lanplus -H 10.20.0.1 -L ADMINISTRATOR -U admin -f ${tmp}/${d.uuid}.pw sol activate`;
    const listener = pid++;
    const helper = d.type === 'shellinabox' ? pid++ : null;
    if (d.type === 'socat') {
      processes.push(proc(listener, 40, ['socat', '-T600', `-L${pidFile}`, `TCP4-LISTEN:${d.port},bind=${spec.address},reuseaddr,fork,max-children=1`, `EXEC:"${ipmi}",pty,stderr`], 130));
    } else {
      const argv = ['shellinaboxd', '-t', '-p', String(d.port), `--background=${pidFile}`, '-s', `/:0:0:HOME:${ipmi}`];
      processes.push(proc(listener, 1, argv, 131, 'nobody', 65534), proc(helper, listener, argv, 131, 'nobody', 65534));
    }
    listeners.push({ family: 'ipv4', address: d.type === 'socat' ? spec.address : '0.0.0.0', port: d.port, pids: [listener] });
    files.push(
      { path: pidFile, kind: 'pid', nodeUuid: d.uuid, pid: listener, mode: '644', uid: 0, owner: 'root', mtime: 1_700_000_000 },
      { path: `${tmp}/${d.uuid}.pw`, kind: 'pw', nodeUuid: d.uuid, pid: null, mode: '600', uid: 0, owner: 'root', mtime: 1_700_000_000 },
    );
    consoles.push({
      type: d.type, nodeUuid: d.uuid, pidFile, port: d.port, bindAddress: d.type === 'socat' ? spec.address : null,
      pid: listener, startTicks: 130, helperPids: helper === null ? [] : [helper], sessionPids: [], zombie: false, listening: true, containerPid: null,
    });
  }
  return {
    host: spec.name,
    conductorName: spec.name,
    bootId: 'b0b0b0b0-0000-4000-8000-000000000000',
    settings: { host: spec.name, tempdir: tmp, terminalPidDir: tmp, pidDir: tmp, socatAddress: spec.address, portRange: '10000:20000' },
    processes, listeners, files, consoles, orphans: [], unmanaged: [], privileged: true, warnings: [],
    fileDirs: [{ dir: tmp, source: 'default' }], conductorUser: { name: 'root', uid: 0, source: 'console processes', notes: [] }, filesSeenIn: 'host',
    containers: [], containerEngines: [], quadlets: [], userUnits: [], userManagers: [], podmanUsers: [],
  };
}

/** The fleet: hosts, scans and desired state for one node mix. */
export function buildFleet({ nodes, hosts, daemonsPerHost = 10, mix = 'realistic' }) {
  const specs = Array.from({ length: hosts }, (_, i) => hostSpec(i));
  const desiredNodes = [];
  const scans = specs.map((spec, i) => {
    const daemons = Array.from({ length: daemonsPerHost }, (_, j) => ({
      uuid: uuidFor(i * daemonsPerHost + j), port: 26000 + i * 10 + j, type: j >= daemonsPerHost - 2 ? 'shellinabox' : 'socat',
    }));
    daemons.forEach((d, j) => {
      const stray = (i % 20 === 0 && j === 0) ? 'disabled' : (i % 20 === 10 && j === 1) ? 'wrong-host' : null;
      desiredNodes.push({
        uuid: d.uuid, name: `node-${desiredNodes.length}`, consoleEnabled: stray !== 'disabled',
        consoleInterface: d.type === 'socat' ? 'ipmitool-socat' : 'ipmitool-shellinabox',
        conductor: specs[stray === 'wrong-host' ? (i + 1) % hosts : i].name, conductorGroup: '', provisionState: 'active',
        maintenance: false, reservation: null, consolePort: d.port,
      });
    });
    return { host: spec.name, ok: true, observation: observation(spec, daemons), durationMs: 100 };
  });
  for (let k = desiredNodes.length; k < nodes; k++) {
    desiredNodes.push({
      uuid: uuidFor(k), name: `node-${k}`, consoleEnabled: mix === 'enabled-most' ? k % 10 !== 0 : false, consoleInterface: 'ipmitool-socat',
      conductor: specs[k % hosts].name, conductorGroup: '', provisionState: k % 3 === 0 ? 'available' : 'active',
      maintenance: false, reservation: null, consolePort: 30000 + (k % 10000),
    });
  }
  const desired = {
    nodes: desiredNodes,
    conductors: specs.map((s) => ({ hostname: s.name, conductorGroup: '', alive: true })),
    apiVersion: '1.82', endpoint: 'http://127.0.0.1:6385', readAt: new Date().toISOString(),
  };
  return { desired, scans, hosts: specs };
}

/** Times compareFleet; returns {medianMs, runsMs, findings, daemons}. */
export function benchCompare({ nodes = 20_000, hosts = 200, daemonsPerHost = 10, runs = 5, mix = 'realistic' } = {}) {
  const input = buildFleet({ nodes, hosts, daemonsPerHost, mix });
  compareFleet(input); // warm-up: JIT and lazily compiled code
  const runsMs = [];
  let report;
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    report = compareFleet(input);
    runsMs.push(performance.now() - t);
  }
  const sorted = [...runsMs].sort((a, b) => a - b);
  return {
    mix, nodes, hosts, daemons: hosts * daemonsPerHost,
    medianMs: sorted[Math.floor(sorted.length / 2)],
    runsMs: runsMs.map((v) => Math.round(v * 10) / 10),
    findings: report.findings.length,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  for (const mix of ['realistic', 'enabled-most']) {
    console.log(JSON.stringify(benchCompare({ nodes: arg('nodes', 20_000), hosts: arg('hosts', 200), runs: arg('runs', 5), mix })));
  }
}
