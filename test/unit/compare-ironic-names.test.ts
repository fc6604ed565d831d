/** compareFleet when Ironic's names leave things open (issue 10, items 5 and 6). */
import { describe, expect, it } from 'vitest';
import { compareFleet, compareWithoutDesired, type CompareInput } from '../../src/compare/compare-fleet.js';
import { findSameMachines } from '../../src/compare/same-machine.js';
import type { FleetReport } from '../../src/compare/types.js';
import type { ConductorInfo, DesiredNode } from '../../src/desire/types.js';
import type { HostObservation } from '../../src/observe/types.js';
import {
  buildConductor,
  buildContainer,
  buildDaemon,
  buildDesired,
  buildFailedScan,
  buildHostSpec,
  buildNode,
  buildObservation,
  buildProcess,
  buildScan,
  uuidFor,
} from '../helpers/builders.js';

function fleet(nodes: readonly DesiredNode[], observations: readonly HostObservation[], conductors: readonly ConductorInfo[]): CompareInput {
  return {
    desired: buildDesired({ nodes, conductors }),
    scans: observations.map((o) => buildScan(o)),
    hosts: observations.map((o) => buildHostSpec({ name: o.host })),
  };
}

function lines(report: FleetReport): string[] {
  return report.findings.map((f) => `${f.severity} ${f.kind} ${f.host ?? '-'} ${f.nodeName ?? f.nodeUuid ?? '-'} ${f.remedy}`);
}

const daemonOf = (node: DesiredNode, pid: number) => buildDaemon({ nodeUuid: node.uuid, port: node.consolePort ?? 10000, pid });
/** A machine's own processes besides its consoles: what tells two machines on one kernel apart. */
const system = (seed: number) => [1, 2, 3, 4].map((pid) => buildProcess({ pid, startTicks: seed + pid, argv: [`init-${seed}`] }));

describe('compareFleet: names Ironic gives conductors and nodes', () => {
  it('a node without the conductor field gets no verdict by owner, and one fleet warning says how many', () => {
    const { conductor: _dropped, ...rest } = buildNode({ name: 'x1' });
    const x1 = { ...rest, conductor: undefined };
    const x2 = { ...buildNode({ name: 'x2', consolePort: 10002 }), conductor: undefined };
    const report = compareFleet(
      fleet([x1, x2], [buildObservation({ host: 'conductor-a', consoles: [daemonOf(x1, 3001)] }), buildObservation({ host: 'conductor-b' })], [
        buildConductor({ hostname: 'conductor-a' }),
        buildConductor({ hostname: 'conductor-b' }),
      ]),
    );
    expect(lines(report)).toEqual(['warning owner-unknown - - report']);
    expect(report.findings[0]?.message).toMatch(/^2 nodes have no "conductor" field/);
    expect(report.findings[0]?.evidence).toContain('their consoles seen: conductor-a pid 3001 (node ' + x1.uuid + ')');
  });

  it('a host:port conductor owns its nodes; a missing console there is missing, a copy elsewhere is wrong-host', () => {
    const m1 = buildNode({ name: 'm1', conductor: 'conductor-a:8099' });
    const m2 = buildNode({ name: 'm2', conductor: 'conductor-a:8099', consolePort: 10002 });
    const report = compareFleet(
      fleet([m1, m2], [buildObservation({ host: 'conductor-a', consoles: [daemonOf(m1, 3001)] }), buildObservation({ host: 'conductor-b', consoles: [daemonOf(m1, 4001)], processes: system(500) })], [
        buildConductor({ hostname: 'conductor-a:8099' }),
        buildConductor({ hostname: 'conductor-b:8099' }),
      ]),
    );
    expect(lines(report).sort()).toEqual([
      'critical missing conductor-a m2 restart',
      'critical wrong-host conductor-b m1 kill',
      'warning stray-credential conductor-b m1 remove-file',
    ]);
    expect(report.findings.find((f) => f.kind === 'wrong-host')?.message).toBe('console of node m1 runs on conductor-b, but Ironic maps the node to conductor-a:8099');
  });

  it('a host Ironic does not know: said once, its consoles are strays only where the owner runs the console', () => {
    const seen = buildNode({ name: 'seen', conductor: 'conductor-b' });
    const unseen = buildNode({ name: 'unseen', conductor: 'conductor-b', consolePort: 10002 });
    const report = compareFleet(
      fleet(
        [seen, unseen],
        [
          buildObservation({ host: 'conductor-x', consoles: [daemonOf(seen, 3001), daemonOf(unseen, 3002)] }),
          buildObservation({ host: 'conductor-b', consoles: [daemonOf(seen, 4001)], processes: system(700) }),
        ],
        [buildConductor({ hostname: 'conductor-b' })],
      ),
    );
    expect(lines(report).sort()).toEqual([
      'critical missing conductor-b unseen restart',
      'critical wrong-host conductor-x seen kill',
      'warning unknown-conductor conductor-x - report',
    ]);
    expect(report.findings.find((f) => f.kind === 'unknown-conductor')?.message).toMatch(/conductor conductor-x matches no conductor Ironic lists: its 2 consoles are not called strays/);
  });

  it('two inventory names for one machine: compared once, under the name Ironic knows, the other said so', () => {
    const n1 = buildNode({ name: 'n1', conductor: 'conductor-a' });
    const machine = { consoles: [daemonOf(n1, 3001)], bootId: 'b00t', extraProcesses: system(100) };
    const report = compareFleet(
      fleet([n1], [buildObservation({ host: '10.0.0.1', conductorName: '10.0.0.1', ...machine }), buildObservation({ host: 'conductor-a', ...machine })], [
        buildConductor({ hostname: 'conductor-a' }),
      ]),
    );
    expect(lines(report)).toEqual(['info host-alias 10.0.0.1 - report']);
    expect(report.consolesSeen).toBe(1);
    expect(report.findings[0]?.message).toBe('10.0.0.1 is the same machine as conductor-a (same boot and processes): compared once, as conductor-a');
  });

  it('one machine that Ironic knows as two conductors stays two hosts', () => {
    const machine = { bootId: 'b00t', extraProcesses: system(100) };
    const hosts = [buildObservation({ host: 'a', ...machine }), buildObservation({ host: 'b', ...machine })];
    expect(findSameMachines(hosts.map((o) => ({ host: o.host, ironicName: o.host, observation: o })))).toEqual(new Map());
    expect(findSameMachines(hosts.map((o) => ({ host: o.host, ironicName: o.host === 'a' ? 'a' : null, observation: o })))).toEqual(new Map([['b', 'a']]));
  });

  it('two PID namespaces on one kernel share the boot but not the processes: two machines', () => {
    const a = buildObservation({ host: 'a', bootId: 'b00t', extraProcesses: system(100) });
    const b = buildObservation({ host: 'b', bootId: 'b00t', extraProcesses: system(900) });
    expect(findSameMachines([a, b].map((o) => ({ host: o.host, ironicName: o.host, observation: o })))).toEqual(new Map());
  });
});

describe('compareWithoutDesired: Ironic could not be read', () => {
  it('gives no verdict: only unreachable hosts, and the consoles seen listed and counted', () => {
    const n1 = buildNode({ name: 'n1' });
    const report = compareWithoutDesired(
      [buildScan(buildObservation({ host: 'conductor-a', consoles: [daemonOf(n1, 3001)] })), buildFailedScan('conductor-c', 'connect ETIMEDOUT')],
      'GET /v1/nodes: 503',
    );
    expect(report.findings.map((f) => f.kind)).toEqual(['unreachable']);
    expect(report.consolesSeen).toBe(1);
    expect(report.observed).toEqual([{ host: 'conductor-a', nodeUuid: n1.uuid, type: 'socat', pid: 3001, port: 10001 }]);
    expect(report.ironicError).toBe('GET /v1/nodes: 503');
  });

  it('counts running console containers among the consoles seen, and gives them no verdict either', () => {
    const running = buildContainer({ nodeUuid: uuidFor('g1') });
    const exited = buildContainer({ nodeUuid: uuidFor('g2'), state: 'exited' });
    const report = compareWithoutDesired([buildScan(buildObservation({ host: 'conductor-a', containers: [running, exited] }))], 'GET /v1/nodes: 503');
    expect(report.findings).toEqual([]);
    expect(report.consolesSeen).toBe(1);
  });
});
