/**
 * Issue 12: the probe sends whole records only for console-like processes, so the test
 * that matters is that no finding kind hides on a busy conductor. A real sshd in its own
 * PID namespace (namespaced-host.ts) runs 2,000 unrelated processes with long argv and a
 * process holding 500 listening sockets, beside real socat and shellinaboxd consoles set
 * up so that every finding kind of src/compare/types.ts appears once; the scan goes
 * through observeFleet over SSH and compareFleet, like `console-doctor scan`.
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareFleet } from '../../src/compare/compare-fleet.js';
import { FINDING_KINDS, type Finding } from '../../src/compare/types.js';
import { observeFleet } from '../../src/observe/observe-fleet.js';
import type { HostObservation, HostScan } from '../../src/observe/types.js';
import { shellQuote } from '../../src/transport/host-command.js';
import { buildConductor, buildDesired, buildNode } from '../helpers/builders.js';
import { connectClient, shellinaboxConsoleArgv, socatConsoleArgv, waitForListen } from '../helpers/console-daemons.js';
import { startNamespacedHost, type NamespacedHost } from '../helpers/namespaced-host.js';
import { freePort } from '../helpers/sshd.js';

const WORKERS = 2_000;
const SOCKETS = 500;
const LONG_ARGV = Array.from({ length: 8 }, (_, i) => `--option-${i}=${'v'.repeat(400)}`);

let lab: NamespacedHost;
const clients: Socket[] = [];
const node = { good: randomUUID(), wrongHost: randomUUID(), disabled: randomUUID(), unknown: randomUUID(), duplicate: randomUUID(), mismatch: randomUUID(), missing: randomUUID(), conflict: randomUUID(), orphaned: randomUUID(), stale: randomUUID(), ownerUnknown: randomUUID() };
const port: Record<string, number> = {};
let workerPid: number;
let listenerPid: number;
let scans: HostScan[];
let busy: HostObservation;
let findings: readonly Finding[];
let unknownConductor: readonly Finding[];

async function socat(nodeUuid: string, listenPort: number): Promise<number> {
  return lab.startConsole(socatConsoleArgv({ nodeUuid, port: listenPort, pidDir: lab.dir }));
}

/**
 * Polls a condition on the host: the load of this test (and of a shared machine) makes waits
 * long. `watch` names a process that must still run meanwhile: when it has ended, the wait
 * fails at once with what it wrote to `log`.
 */
async function waitOnHost(condition: string, what: string, watch: { pid: number; log: string }, timeoutMs = 150_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = (await lab.run(`if ${condition}; then echo ready; elif [ -d /proc/${watch.pid} ]; then echo waiting; else echo gone; fi`)).trim();
    if (state === 'ready') return;
    const log = (): Promise<string> => lab.run(`tail -c 2000 ${shellQuote(watch.log)} 2>/dev/null || true`);
    if (state === 'gone') throw new Error(`busy host: ${what}: pid ${watch.pid} ended; its output: ${(await log()).trim() || '(none)'}`);
    if (Date.now() > deadline) throw new Error(`busy host: ${what} not ready after ${timeoutMs} ms; output so far: ${(await log()).trim() || '(none)'}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function startBusyLoad(): Promise<void> {
  const long = LONG_ARGV.map(shellQuote).join(' ');
  const first = join(lab.dir, 'worker0');
  const workersLog = join(lab.dir, 'workers.log');
  const listenerLog = join(lab.dir, 'listener.log');
  const listening = join(lab.dir, 'listening');
  // fork without exec: cheap, and every worker keeps the long argv it was started with.
  const workers = `$SIG{CHLD} = 'IGNORE'; for my $i (1..${WORKERS}) { my $p = fork; die "fork $i: $!" unless defined $p; if (!$p) { sleep 3600; exit } if ($i == 1) { open(my $f, '>', '${first}'); print $f "$p\\n"; close $f } } sleep 3600`;
  const parent = Number((await lab.run(`setsid perl -e ${shellQuote(workers)} busy-worker ${long} </dev/null >${shellQuote(workersLog)} 2>&1 & echo $!`)).trim());
  // Says it is ready, with the port of its last socket, only once every socket listens; any
  // error ends it with the reason in its log. That last socket holds the port a node's console
  // wants (port-conflict): taken by the listener itself, no other test can take it first.
  const script = [
    "const net = require('node:net'); const fs = require('node:fs');",
    `let left = ${SOCKETS + 1};`,
    `for (let i = 0; i <= ${SOCKETS}; i++) { const s = net.createServer(); s.on('error', (e) => { console.error(e.message); process.exit(1); });`,
    `  s.listen(0, '127.0.0.1', () => { if (--left === 0) fs.writeFileSync(${JSON.stringify(listening)}, String(s.address().port)); }); }`,
  ].join('\n');
  listenerPid = Number(
    (await lab.run(`setsid node -e ${shellQuote(script)} busy-listener ${long} </dev/null >${shellQuote(listenerLog)} 2>&1 & echo $!`)).trim(),
  );
  await waitOnHost(`[ -s ${first} ] && [ $(ls -d /proc/[0-9]* | wc -l) -ge ${WORKERS} ]`, 'workers', { pid: parent, log: workersLog });
  await waitOnHost(`[ -s ${listening} ]`, 'listening sockets', { pid: listenerPid, log: listenerLog });
  port.conflict = Number((await lab.run(`cat ${listening}`)).trim());
  workerPid = Number((await lab.run(`cat ${first}`)).trim());
}

beforeAll(async () => {
  lab = await startNamespacedHost();
  for (const name of ['good', 'wrongHost', 'disabled', 'unknown', 'duplicate', 'duplicate2', 'mismatch', 'mismatchExpected', 'missing', 'orphaned', 'unmanaged']) {
    port[name] = await freePort();
  }
  // Consoles first: startConsole waits a few seconds at most for a pid file, and the load slows that.
  await socat(node.good, port.good as number);
  await socat(node.wrongHost, port.wrongHost as number);
  await lab.startConsole(shellinaboxConsoleArgv({ nodeUuid: node.disabled, port: port.disabled as number, pidDir: lab.dir }));
  await socat(node.unknown, port.unknown as number);
  await lab.run(`printf 'pw\\n' > ${join(lab.dir, `${node.unknown}.pw`)}`);
  await socat(node.duplicate, port.duplicate2 as number);
  await socat(node.duplicate, port.duplicate as number);
  await socat(node.mismatch, port.mismatch as number);
  const orphanedListener = await socat(node.orphaned, port.orphaned as number);
  clients.push(await connectClient(port.orphaned as number));
  await new Promise((r) => setTimeout(r, 500));
  await lab.run(`kill -9 ${orphanedListener}`);
  await lab.run(
    `setsid socat TCP4-LISTEN:${port.unmanaged},bind=127.0.0.1,reuseaddr,fork 'EXEC:"ipmitool -I lanplus -H 127.0.0.1 -U admin -E sol activate"' </dev/null >/dev/null 2>&1 &`,
  );
  await waitForListen(port.unmanaged as number, '127.0.0.1');
  await startBusyLoad();
  // A pid file that names a busy, unrelated process: sent in brief, still named.
  await lab.run(`echo ${workerPid} > ${join(lab.dir, `${node.stale}.pid`)}`);

  const closed = await freePort();
  const hosts = [
    lab.host({ name: 'conductor-x' }),
    lab.host({ name: 'conductor-x-again' }),
    lab.host({ name: 'conductor-gone', port: closed }),
  ];
  ({ scans } = await observeFleet(hosts, lab.connector, { concurrency: 3, timeoutMs: 60_000 }));
  const first = scans[0] as HostScan;
  if (!first.ok) throw new Error(`busy host not scanned: ${first.error}`);
  busy = first.observation;
  const owned = (uuid: string, consolePort: number, extra: Partial<Parameters<typeof buildNode>[0]> = {}) =>
    buildNode({ name: null, uuid, conductor: 'conductor-x', consolePort, consolePortFixed: false, ...extra });
  const desired = buildDesired({
    nodes: [
      owned(node.good, port.good as number),
      owned(node.wrongHost, port.wrongHost as number, { conductor: 'conductor-y' }),
      owned(node.disabled, port.disabled as number, { consoleEnabled: false, consoleInterface: 'ipmitool-shellinabox' }),
      owned(node.duplicate, port.duplicate as number),
      owned(node.mismatch, port.mismatchExpected as number),
      owned(node.missing, port.missing as number),
      owned(node.conflict, port.conflict as number, { consolePortFixed: true }),
      owned(node.orphaned, port.orphaned as number, { consoleEnabled: false }),
      owned(node.stale, 1, { consoleEnabled: false }),
      owned(node.ownerUnknown, 2, { conductor: undefined }),
    ],
    conductors: [buildConductor({ hostname: 'conductor-x' }), buildConductor({ hostname: 'conductor-y' })],
  });
  findings = compareFleet({ desired, scans, hosts }).findings;
  // The same scan judged by an Ironic that knows no conductor of this name.
  unknownConductor = compareFleet({ desired: buildDesired({ nodes: [], conductors: [buildConductor({ hostname: 'conductor-y' })] }), scans: scans.slice(0, 1), hosts: hosts.slice(0, 1) }).findings;
}, 400_000);

afterAll(async () => {
  clients.forEach((c) => c.destroy());
  await lab?.stop(); // ends the PID namespace: every process started in it
});

const kindsOf = (list: readonly Finding[]): string[] => list.map((f) => `${f.kind}:${f.nodeUuid ?? f.host ?? 'fleet'}`);

describe('a busy conductor: 2,000 unrelated processes with long argv, 500 listening sockets', () => {
  it('was busy, and the probe sent the unrelated processes in brief', () => {
    const brief = busy.processes.filter((p) => p.brief === true);
    expect(brief.length).toBeGreaterThanOrEqual(WORKERS);
    expect(busy.processes.find((p) => p.pid === workerPid)).toMatchObject({ argv: ['perl'], brief: true });
    expect(busy.listeners.size).toBeGreaterThan(SOCKETS);
    expect(busy.listeners.all().filter((l) => l.pids.includes(listenerPid))).toHaveLength(SOCKETS + 1);
  });

  it('still finds every finding kind the tool has', () => {
    const all = new Set([...findings, ...unknownConductor].map((f) => f.kind));
    expect([...FINDING_KINDS].filter((kind) => !all.has(kind))).toEqual([]);
  });

  it('finds each situation on the node it was built for', () => {
    expect(kindsOf(findings)).toEqual(
      expect.arrayContaining([
        `wrong-host:${node.wrongHost}`,
        `console-disabled:${node.disabled}`,
        `unknown-node:${node.unknown}`,
        `stray-credential:${node.unknown}`,
        `duplicate:${node.duplicate}`,
        `port-mismatch:${node.mismatch}`,
        `missing:${node.missing}`,
        `port-conflict:${node.conflict}`,
        `orphan-session:${node.orphaned}`,
        `stale-pidfile:${node.stale}`,
        'unmanaged:conductor-x',
        'unreachable:conductor-gone',
        'host-alias:conductor-x-again',
        'owner-unknown:fleet',
      ]),
    );
    expect(kindsOf(unknownConductor)).toContain('unknown-conductor:conductor-x');
    expect(findings.filter((f) => f.nodeUuid === node.good)).toEqual([]);
  });

  it('names a brief process where it matters: the holder of an expected port and what a pid file now points at', () => {
    const conflict = findings.find((f) => f.kind === 'port-conflict' && f.nodeUuid === node.conflict);
    expect(conflict?.processes.map((p) => [p.pid, p.argv])).toEqual([[listenerPid, ['node']]]);
    const stale = findings.find((f) => f.kind === 'stale-pidfile' && f.nodeUuid === node.stale);
    expect(stale?.actual).toBe(`pid ${workerPid} is perl`);
  });

  it('keeps whole records for the consoles, their sessions and the orphan', () => {
    const orphan = findings.find((f) => f.kind === 'orphan-session' && f.nodeUuid === node.orphaned);
    expect(orphan?.processes.length).toBeGreaterThanOrEqual(2);
    for (const p of orphan?.processes ?? []) expect(p.uid).toBe(0);
    const duplicate = findings.find((f) => f.kind === 'duplicate');
    expect(duplicate?.processes[0]?.argv[0]).toBe('socat');
    expect(duplicate?.processes[0]?.argv.length).toBe(5);
  });
});
