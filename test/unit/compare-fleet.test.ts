import { describe, expect, it } from 'vitest';
import { compareFleet, type CompareInput } from '../../src/compare/compare-fleet.js';
import type { ConductorInfo, DesiredNode } from '../../src/desire/types.js';
import type { FleetReport } from '../../src/compare/types.js';
import type { HostObservation, HostScan } from '../../src/observe/types.js';
import {
  buildConductor,
  buildDaemon,
  buildDesired,
  buildFailedScan,
  buildHostSpec,
  buildListener,
  buildNode,
  buildObservation,
  buildOrphan,
  buildPidFile,
  buildProcess,
  buildPwFile,
  buildScan,
  buildUnmanaged,
  uuidFor,
} from '../helpers/builders.js';

const HOSTS = ['conductor-a', 'conductor-b', 'conductor-c'];

/** Three conductor hosts, all alive unless `conductors` says otherwise; hosts without an observation are failed scans only when listed in `failed`. */
function fleet(input: {
  nodes: readonly DesiredNode[];
  observations: readonly HostObservation[];
  failed?: readonly string[];
  conductors?: readonly ConductorInfo[];
}): CompareInput {
  const scans: HostScan[] = [
    ...input.observations.map((o) => buildScan(o)),
    ...(input.failed ?? []).map((h) => buildFailedScan(h)),
  ];
  return {
    desired: buildDesired({ nodes: input.nodes, conductors: input.conductors ?? HOSTS.map((h) => buildConductor({ hostname: h })) }),
    scans,
    hosts: HOSTS.map((name) => buildHostSpec({ name })),
  };
}

/** One line per finding: what an operator reads first. */
function lines(report: FleetReport): string[] {
  return report.findings.map((f) => `${f.severity} ${f.kind} ${f.host ?? '-'} ${f.nodeName ?? f.nodeUuid ?? '-'}`);
}

const n1 = buildNode({ name: 'n1', conductor: 'conductor-a', consolePort: 10001 });
const n2 = buildNode({ name: 'n2', conductor: 'conductor-b', consolePort: 10002 });
const daemonOf = (node: DesiredNode, overrides: Parameters<typeof buildDaemon>[0] = {}) =>
  buildDaemon({ nodeUuid: node.uuid, port: node.consolePort ?? 10000, ...overrides });
const deadA = HOSTS.map((h) => buildConductor({ hostname: h, alive: h !== 'conductor-a' }));

describe('compareFleet: one case per finding kind', () => {
  const unknownUuid = uuidFor('deleted-node');
  const cases: { name: string; input: CompareInput; expected: string[] }[] = [
    {
      name: 'clean fleet: every console on its owner, on its port',
      input: fleet({
        nodes: [n1, n2, buildNode({ name: 'off', consoleEnabled: false })],
        observations: [
          buildObservation({ host: 'conductor-a', consoles: [daemonOf(n1)] }),
          buildObservation({ host: 'conductor-b', consoles: [daemonOf(n2)] }),
          buildObservation({ host: 'conductor-c' }),
        ],
      }),
      expected: [],
    },
    {
      name: 'wrong-host: a console on a host that does not own the node',
      input: fleet({
        nodes: [n2],
        observations: [
          buildObservation({ host: 'conductor-a', consoles: [daemonOf(n2)] }),
          buildObservation({ host: 'conductor-b', consoles: [daemonOf(n2)] }),
        ],
      }),
      expected: ['critical wrong-host conductor-a n2', 'warning stray-credential conductor-a n2'],
    },
    {
      name: 'wrong-host as a warning, report only: no alive conductor owns the node, so its only console and its credential are kept',
      input: fleet({
        nodes: [buildNode({ name: 'orphaned', conductor: null, conductorGroup: 'rack-9' })],
        observations: [buildObservation({ host: 'conductor-a', consoles: [daemonOf(buildNode({ name: 'orphaned' }))] })],
      }),
      expected: ['warning wrong-host conductor-a orphaned'],
    },
    {
      name: 'console-disabled: a daemon for a node whose console is off, and its credential (one fix clears both)',
      input: fleet({
        nodes: [{ ...n1, consoleEnabled: false }],
        observations: [buildObservation({ host: 'conductor-a', consoles: [daemonOf(n1)] })],
      }),
      expected: ['warning console-disabled conductor-a n1', 'warning stray-credential conductor-a n1'],
    },
    {
      name: 'unknown-node: a daemon for a node Ironic does not list',
      input: fleet({
        nodes: [],
        observations: [buildObservation({ host: 'conductor-a', consoles: [buildDaemon({ nodeUuid: unknownUuid })] })],
      }),
      expected: [`warning unknown-node conductor-a ${unknownUuid}`, `warning stray-credential conductor-a ${unknownUuid}`],
    },
    {
      name: 'duplicate: two instances on the owner, the pid file names one',
      input: fleet({
        nodes: [n1],
        observations: [
          buildObservation({
            host: 'conductor-a',
            consoles: [daemonOf(n1, { pid: 3001 }), daemonOf(n1, { pid: 3002, port: 10011 })],
            files: [buildPidFile({ nodeUuid: n1.uuid, pid: 3001 }), buildPwFile({ nodeUuid: n1.uuid })],
          }),
        ],
      }),
      expected: ['critical duplicate conductor-a n1'],
    },
    {
      name: 'port-mismatch: the owner listens on another port than Ironic allocated',
      input: fleet({
        nodes: [{ ...n1, consolePort: 10005 }],
        observations: [buildObservation({ host: 'conductor-a', consoles: [daemonOf(n1, { port: 10001 })] })],
      }),
      expected: ['warning port-mismatch conductor-a n1'],
    },
    {
      name: 'missing: an active node without a console on its owner is critical',
      input: fleet({ nodes: [n1], observations: [buildObservation({ host: 'conductor-a' })] }),
      expected: ['critical missing conductor-a n1'],
    },
    {
      name: 'missing: a non-active node without a console is a warning',
      input: fleet({ nodes: [{ ...n1, provisionState: 'available' }], observations: [buildObservation({ host: 'conductor-a' })] }),
      expected: ['warning missing conductor-a n1'],
    },
    {
      name: 'missing: a node in maintenance is a warning',
      input: fleet({ nodes: [{ ...n1, maintenance: true }], observations: [buildObservation({ host: 'conductor-a' })] }),
      expected: ['warning missing conductor-a n1'],
    },
    {
      name: 'orphan-session: a session whose listener is gone',
      input: fleet({
        nodes: [n1],
        observations: [buildObservation({ host: 'conductor-a', consoles: [daemonOf(n1)], orphans: [buildOrphan({ nodeUuid: n1.uuid })] })],
      }),
      expected: ['critical orphan-session conductor-a n1'],
    },
    {
      name: 'stale-pidfile: the pid file of a disabled console names a pid that is gone',
      input: fleet({
        nodes: [{ ...n1, consoleEnabled: false }],
        observations: [buildObservation({ host: 'conductor-a', files: [buildPidFile({ nodeUuid: n1.uuid, pid: 31337 })] })],
      }),
      expected: ['warning stale-pidfile conductor-a n1'],
    },
    {
      name: 'stray-credential: a .pw file on a host that does not own the node',
      input: fleet({
        nodes: [n2],
        observations: [
          buildObservation({ host: 'conductor-a', files: [buildPwFile({ nodeUuid: n2.uuid })] }),
          buildObservation({ host: 'conductor-b', consoles: [daemonOf(n2)] }),
        ],
      }),
      expected: ['warning stray-credential conductor-a n2'],
    },
    {
      name: 'port-conflict: another program holds the expected port, so the console cannot start',
      input: fleet({
        nodes: [n1],
        observations: [
          buildObservation({
            host: 'conductor-a',
            extraProcesses: [buildProcess({ pid: 6000, argv: ['nginx: master process'] })],
            extraListeners: [buildListener({ address: '0.0.0.0', port: 10001, pids: [6000] })],
          }),
        ],
      }),
      expected: ['critical missing conductor-a n1', 'critical port-conflict conductor-a n1'],
    },
    {
      name: 'unmanaged: a console-like process that maps to no node',
      input: fleet({ nodes: [], observations: [buildObservation({ host: 'conductor-a', unmanaged: [buildUnmanaged()] })] }),
      expected: ['info unmanaged conductor-a -'],
    },
    {
      name: 'unreachable: a host that could not be scanned, and nothing concluded about its nodes',
      input: fleet({ nodes: [n1, n2], observations: [buildObservation({ host: 'conductor-a', consoles: [daemonOf(n1)] })], failed: ['conductor-b'] }),
      expected: ['critical unreachable conductor-b -'],
    },
  ];

  it.each(cases)('$name', ({ input, expected }) => {
    expect(lines(compareFleet(input))).toEqual(expected);
  });

  it('has a case for every finding kind', () => {
    const seen = new Set(cases.flatMap((c) => compareFleet(c.input).findings.map((f) => f.kind)));
    expect([...seen].sort()).toEqual(
      ['console-disabled', 'duplicate', 'missing', 'orphan-session', 'port-conflict', 'port-mismatch', 'stale-pidfile', 'stray-credential', 'unknown-node', 'unmanaged', 'unreachable', 'wrong-host'],
    );
  });
});

describe('compareFleet: what the hash ring leaves behind', () => {
  // n1 and n3 are active; n2 is enabled but available. All three were on conductor-a.
  const m1 = buildNode({ name: 'm1', conductor: 'conductor-b', consolePort: 10001 });
  const m2 = buildNode({ name: 'm2', conductor: 'conductor-c', consolePort: 10002, provisionState: 'available' });
  const m3 = buildNode({ name: 'm3', conductor: 'conductor-b', consolePort: 10003 });
  const x = buildNode({ name: 'deleted-x' });

  const cases: { name: string; input: CompareInput; expected: string[] }[] = [
    {
      name: 'conductor-a killed: its daemons stay, b copies the active node only, c has none for the available one',
      input: fleet({
        conductors: deadA,
        nodes: [m1, m2, m3],
        observations: [
          buildObservation({ host: 'conductor-a', consoles: [daemonOf(m1), daemonOf(m2)] }),
          buildObservation({ host: 'conductor-b', consoles: [daemonOf(m1), daemonOf(m3)] }),
          buildObservation({ host: 'conductor-c' }),
        ],
      }),
      expected: [
        'critical wrong-host conductor-a m1',
        'warning stray-credential conductor-a m1',
        'critical wrong-host conductor-a m2',
        'warning stray-credential conductor-a m2',
        'warning missing conductor-c m2',
      ],
    },
    {
      name: 'conductor-a stopped gracefully (shellinabox): the same picture, the dead host still answers',
      input: fleet({
        conductors: deadA,
        nodes: [m1, m2],
        observations: [
          buildObservation({ host: 'conductor-a', consoles: [daemonOf(m1, { type: 'shellinabox' }), daemonOf(m2, { type: 'shellinabox' })] }),
          buildObservation({ host: 'conductor-b', consoles: [daemonOf(m1, { type: 'shellinabox' })] }),
          buildObservation({ host: 'conductor-c' }),
        ],
      }),
      expected: [
        'critical wrong-host conductor-a m1',
        'warning stray-credential conductor-a m1',
        'critical wrong-host conductor-a m2',
        'warning stray-credential conductor-a m2',
        'warning missing conductor-c m2',
      ],
    },
    {
      name: 'conductor-a restarted: it runs n1 again while the copy b started meanwhile stays',
      input: fleet({
        nodes: [n1],
        observations: [
          buildObservation({ host: 'conductor-a', consoles: [daemonOf(n1)] }),
          buildObservation({ host: 'conductor-b', consoles: [daemonOf(n1, { pid: 5555 })] }),
        ],
      }),
      expected: ['critical wrong-host conductor-b n1', 'warning stray-credential conductor-b n1'],
    },
    {
      name: 'port re-allocated from port_range on the last start: restart to match',
      input: fleet({
        nodes: [{ ...n1, consolePort: 10417 }],
        observations: [buildObservation({ host: 'conductor-a', consoles: [daemonOf(n1, { port: 10001 })] })],
      }),
      expected: ['warning port-mismatch conductor-a n1'],
    },
    {
      name: 'node deleted: its daemon runs on a, its former host b keeps a stale pid file and the credential',
      input: fleet({
        nodes: [],
        observations: [
          buildObservation({ host: 'conductor-a', consoles: [daemonOf(x)] }),
          buildObservation({ host: 'conductor-b', files: [buildPidFile({ nodeUuid: x.uuid, pid: 29999 }), buildPwFile({ nodeUuid: x.uuid })] }),
        ],
      }),
      expected: [
        `warning unknown-node conductor-a ${x.uuid}`,
        `warning stray-credential conductor-a ${x.uuid}`,
        `warning stale-pidfile conductor-b ${x.uuid}`,
        `warning stray-credential conductor-b ${x.uuid}`,
      ],
    },
    {
      name: 'console disabled: one still running, one stopped but its credential left',
      input: fleet({
        nodes: [{ ...n1, consoleEnabled: false }, buildNode({ name: 'n4', consoleEnabled: false })],
        observations: [
          buildObservation({
            host: 'conductor-a',
            consoles: [daemonOf(n1)],
            extraFiles: [buildPwFile({ nodeUuid: uuidFor('n4') })],
          }),
        ],
      }),
      expected: ['warning console-disabled conductor-a n1', 'warning stray-credential conductor-a n1', 'warning stray-credential conductor-a n4'],
    },
    {
      name: 'an unreachable owner: no missing for its nodes, its only finding is unreachable',
      input: fleet({
        nodes: [n1, n2, buildNode({ name: 'n5', conductor: 'conductor-b', consolePort: 10005 })],
        observations: [buildObservation({ host: 'conductor-a', consoles: [daemonOf(n1)] }), buildObservation({ host: 'conductor-c' })],
        failed: ['conductor-b'],
      }),
      expected: ['critical unreachable conductor-b -'],
    },
    {
      name: 'a socat that is not a console: no finding',
      input: fleet({
        nodes: [n1],
        observations: [
          buildObservation({
            host: 'conductor-a',
            consoles: [daemonOf(n1)],
            extraProcesses: [buildProcess({ pid: 6100, argv: ['socat', 'TCP-LISTEN:8080,fork', 'TCP:10.0.0.1:80'] })],
            extraListeners: [buildListener({ address: '0.0.0.0', port: 8080, pids: [6100] })],
          }),
        ],
      }),
      expected: [],
    },
  ];

  it.each(cases)('$name', ({ input, expected }) => {
    expect(lines(compareFleet(input))).toEqual(expected);
  });
});

describe('compareFleet: what a finding carries', () => {
  it('wrong-host names the listener first, then sessions, the owner it depends on and both endpoints', () => {
    const stray = daemonOf(n2, { pid: 3100, sessionPids: [3101, 3102] });
    const report = compareFleet(
      fleet({
        nodes: [n2],
        observations: [buildObservation({ host: 'conductor-a', consoles: [stray] }), buildObservation({ host: 'conductor-b', consoles: [daemonOf(n2)] })],
      }),
    );
    const finding = report.findings.find((f) => f.kind === 'wrong-host');
    expect(finding).toMatchObject({
      id: `wrong-host:conductor-a:${n2.uuid}`,
      host: 'conductor-a',
      nodeUuid: n2.uuid,
      nodeName: 'n2',
      port: 10002,
      paths: [`/tmp/${n2.uuid}.pid`],
      expected: 'conductor-b:10002',
      actual: 'conductor-a:10002',
      remedy: 'kill',
      dependsOn: ['conductor-b'],
    });
    expect(finding?.processes.map((p) => p.pid)).toEqual([3100, 3101, 3102]);
    expect(finding?.processes[0]?.startTicks).toBe(stray.startTicks);
    expect(finding?.processes[0]?.argv.join(' ')).toMatch(/^socat -T600 -L\/tmp\/.*\.pid TCP4-LISTEN:10002/);
    expect(finding?.processes[2]?.argv.join(' ')).toMatch(/^ipmitool .* sol activate$/);
    expect(finding?.evidence).toContain(`owner host conductor-b runs the console (pid ${daemonOf(n2).pid})`);
  });

  it('wrong-host for an owner outside the inventory depends on nothing and says missing cannot be judged', () => {
    const outside = buildNode({ name: 'far', conductor: 'conductor-z' });
    const report = compareFleet(fleet({ nodes: [outside], observations: [buildObservation({ host: 'conductor-a', consoles: [daemonOf(outside)] })] }));
    const finding = report.findings.find((f) => f.kind === 'wrong-host');
    expect(finding?.dependsOn).toEqual([]);
    expect(finding?.expected).toBe('conductor-z:10001');
    expect(finding?.evidence).toContain('conductor conductor-z is not in the inventory: whether its console runs cannot be checked');
    expect(report.findings.filter((f) => f.kind === 'missing')).toEqual([]);
  });

  it('wrong-host whose owner could not be scanned still depends on the owner, and no missing is guessed', () => {
    const report = compareFleet(
      fleet({ nodes: [n2], observations: [buildObservation({ host: 'conductor-a', consoles: [daemonOf(n2)] })], failed: ['conductor-b'] }),
    );
    expect(lines(report)).toEqual(['critical wrong-host conductor-a n2', 'warning stray-credential conductor-a n2', 'critical unreachable conductor-b -']);
    const [wrong, stray] = report.findings;
    expect(wrong?.dependsOn).toEqual(['conductor-b']);
    expect(wrong?.evidence).toContain('owner host conductor-b could not be scanned: its console is unknown');
    expect(stray?.dependsOn).toEqual(['conductor-b']);
  });

  it('maps conductors to hosts by the observed conductor name, not the inventory name', () => {
    const node = buildNode({ name: 'n1', conductor: 'ironic-cond-1.example.org' });
    const input = fleet({
      nodes: [node],
      conductors: [buildConductor({ hostname: 'ironic-cond-1.example.org' })],
      observations: [buildObservation({ host: 'conductor-a', conductorName: 'ironic-cond-1.example.org' })],
    });
    expect(lines(compareFleet(input))).toEqual(['critical missing conductor-a n1']);
  });

  it('keeps the duplicate whose container pid the pid file holds, and kills the other', () => {
    const kept = daemonOf(n1, { pid: 40001, containerPid: 57, startTicks: 100 });
    const extra = daemonOf(n1, { pid: 40002, containerPid: 58, startTicks: 200 });
    const report = compareFleet(
      fleet({
        nodes: [n1],
        observations: [buildObservation({ host: 'conductor-a', consoles: [kept, extra], files: [buildPidFile({ nodeUuid: n1.uuid, pid: 57 })] })],
      }),
    );
    expect(report.findings.map((f) => [f.kind, f.id, f.processes[0]?.pid])).toEqual([['duplicate', 'duplicate:conductor-a:40002', 40002]]);
  });

  it('without a pid file, keeps the duplicate on the expected port, then the newest', () => {
    const onPort = daemonOf(n1, { pid: 3001, port: 10001, startTicks: 100 });
    const offPort = daemonOf(n1, { pid: 3002, port: 10009, startTicks: 900 });
    const newer = daemonOf(n1, { pid: 3003, port: 10001, startTicks: 500 });
    const report = compareFleet(
      fleet({ nodes: [n1], observations: [buildObservation({ host: 'conductor-a', consoles: [onPort, offPort, newer], files: [] })] }),
    );
    expect(report.findings.map((f) => `${f.kind} ${f.processes[0]?.pid}`)).toEqual(['duplicate 3001', 'duplicate 3002']);
  });

  it.each([
    { name: 'pid file names the host pid of its console', filePid: 3001, containerPid: null, stale: false },
    { name: 'pid file names the container pid of its console', filePid: 42, containerPid: 42, stale: false },
    { name: 'pid reused by another process', filePid: 6200, containerPid: null, stale: true },
    { name: 'pid gone', filePid: 31999, containerPid: null, stale: true },
    { name: 'pid file empty', filePid: null, containerPid: null, stale: true },
  ])('stale-pidfile: $name', ({ filePid, containerPid, stale }) => {
    const report = compareFleet(
      fleet({
        nodes: [n1],
        observations: [
          buildObservation({
            host: 'conductor-a',
            consoles: [daemonOf(n1, { pid: 3001, containerPid })],
            files: [buildPidFile({ nodeUuid: n1.uuid, pid: filePid })],
            extraProcesses: [buildProcess({ pid: 6200, argv: ['postgres'] })],
          }),
        ],
      }),
    );
    expect(report.findings.map((f) => f.kind)).toEqual(stale ? ['stale-pidfile'] : []);
  });

  it('stale-pidfile for a reused pid names the process now holding it, and asks only to remove the file', () => {
    const report = compareFleet(
      fleet({
        nodes: [{ ...n1, consoleEnabled: false }],
        observations: [
          buildObservation({
            host: 'conductor-a',
            files: [buildPidFile({ nodeUuid: n1.uuid, pid: 6200 })],
            extraProcesses: [buildProcess({ pid: 6200, argv: ['postgres', '-D', '/var/lib/pg'] })],
          }),
        ],
      }),
    );
    expect(report.findings[0]).toMatchObject({
      id: `stale-pidfile:conductor-a:/tmp/${n1.uuid}.pid`,
      remedy: 'remove-file',
      paths: [`/tmp/${n1.uuid}.pid`],
      actual: 'pid 6200 is postgres',
      message: `pid file of node n1 on conductor-a names pid 6200, which is now another process (postgres -D /var/lib/pg)`,
    });
  });

  it('a zombie listener is not a live console: the node is missing, and the evidence says why', () => {
    const report = compareFleet(
      fleet({ nodes: [n1], observations: [buildObservation({ host: 'conductor-a', consoles: [daemonOf(n1, { pid: 3300, zombie: true })] })] }),
    );
    expect(lines(report)).toEqual(['critical missing conductor-a n1']);
    expect(report.findings[0]?.evidence).toContain('zombie listener pid 3300 (port 10001) is not a live daemon');
    expect(report.consolesSeen).toBe(0);
  });

  it('port-conflict when another node\'s console holds the port: reported, never killed', () => {
    const n3 = buildNode({ name: 'n3', conductor: 'conductor-a', consolePort: 10003 });
    const squatter = daemonOf(n3, { pid: 3500, port: 10001 });
    const report = compareFleet(
      fleet({ nodes: [n1, { ...n3, consolePort: 10001 }], observations: [buildObservation({ host: 'conductor-a', consoles: [daemonOf(n1, { pid: 3400, port: 10002 }), squatter] })] }),
    );
    const conflict = report.findings.find((f) => f.kind === 'port-conflict' && f.nodeName === 'n1');
    expect(conflict).toMatchObject({ remedy: 'report', severity: 'critical', port: 10001 });
    expect(conflict?.processes.map((p) => p.pid)).toEqual([3500]);
    expect(conflict?.evidence).toContain(`pid 3500 is the console of node ${n3.uuid}`);
  });

  it('no port-conflict for an allocated port: Ironic allocates a free one on the next start', () => {
    // Seen on a real Ironic 21.4 after a takeover: two nodes' allocated ports coincide.
    const n3 = buildNode({ name: 'n3', conductor: 'conductor-a', consolePort: 10003 });
    const allocated = { ...n1, provisionState: 'manageable', consolePortFixed: false };
    const report = compareFleet(
      fleet({ nodes: [allocated, n3], observations: [buildObservation({ host: 'conductor-a', consoles: [daemonOf(n3, { pid: 3500, port: 10001 })] })] }),
    );
    expect(lines(report).filter((l) => l.includes(' n1'))).toEqual(['warning missing conductor-a n1']);
  });

  it('gives distinct ids to two stray instances of one node on one host', () => {
    const report = compareFleet(
      fleet({
        nodes: [n2],
        observations: [
          buildObservation({ host: 'conductor-a', consoles: [daemonOf(n2, { pid: 3601 }), daemonOf(n2, { pid: 3602, port: 10020 })] }),
          buildObservation({ host: 'conductor-b', consoles: [daemonOf(n2)] }),
        ],
      }),
    );
    const ids = report.findings.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => id.startsWith('wrong-host:'))).toEqual([
      `wrong-host:conductor-a:${n2.uuid}:3601`,
      `wrong-host:conductor-a:${n2.uuid}:3602`,
    ]);
  });

  it('is deterministic: the order of scans does not change the report', () => {
    const input = fleet({
      conductors: deadA,
      nodes: [n1, n2],
      observations: [
        buildObservation({ host: 'conductor-a', consoles: [daemonOf(n1), daemonOf(n2)], unmanaged: [buildUnmanaged()] }),
        buildObservation({ host: 'conductor-c', orphans: [buildOrphan()] }),
      ],
      failed: ['conductor-b'],
    });
    const reversed = { ...input, scans: [...input.scans].reverse() };
    expect(compareFleet(reversed)).toEqual(compareFleet(input));
  });

  it('counts hosts, consoles and nodes', () => {
    const report = compareFleet(
      fleet({
        nodes: [n1, n2, buildNode({ name: 'off', consoleEnabled: false })],
        observations: [buildObservation({ host: 'conductor-a', consoles: [daemonOf(n1)] }), buildObservation({ host: 'conductor-c' })],
        failed: ['conductor-b'],
      }),
    );
    expect(report).toMatchObject({ hostsScanned: 2, hostsUnreachable: 1, nodesSeen: 3, consolesSeen: 1, nodesConsoleEnabled: 2 });
  });
});
