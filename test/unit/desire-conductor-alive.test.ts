/**
 * `alive` on /v1/conductors (25.0+: online and heartbeating recently). On Ironic 29 a
 * SIGTERM'd conductor deregisters at once (alive: false within seconds) while its process
 * lingers up to graceful_shutdown_timeout and its consoles keep running. Until Ironic's
 * hash ring maps the node to another conductor (node.conductor still names the dead one),
 * nothing else runs or will restart the node's console: it is kept and reported. Once
 * Ironic maps the node elsewhere, the console is a stray of a dead conductor, as before.
 */
import { describe, expect, it } from 'vitest';
import { compareFleet } from '../../src/compare/compare-fleet.js';
import type { DesiredNode } from '../../src/desire/types.js';
import { buildConductor, buildDaemon, buildDesired, buildHostSpec, buildNode, buildObservation, buildScan } from '../helpers/builders.js';

const HOSTS = ['conductor-a', 'conductor-b'];
const aDeregistered = [buildConductor({ hostname: 'conductor-a', alive: false }), buildConductor({ hostname: 'conductor-b' })];

function scanWith(node: DesiredNode, onB: boolean) {
  const daemon = (pid: number) => buildDaemon({ nodeUuid: node.uuid, port: 10001, pid });
  return compareFleet({
    desired: buildDesired({ nodes: [node], conductors: aDeregistered, apiVersion: '1.96' }),
    scans: [
      // conductor-a's process still runs (graceful shutdown), and so does its console.
      buildScan(buildObservation({ host: 'conductor-a', consoles: [daemon(4001)] })),
      buildScan(buildObservation({ host: 'conductor-b', consoles: onB ? [daemon(4002)] : [] })),
    ],
    hosts: HOSTS.map((name) => buildHostSpec({ name })),
  });
}

const summary = (report: ReturnType<typeof compareFleet>) =>
  report.findings.map((f) => `${f.severity} ${f.kind} ${f.host} ${f.remedy}`);

describe('a conductor listed alive: false whose process and consoles still run', () => {
  it('Ironic still maps the node to it: the console is kept and reported, not called a stray of a dead conductor', () => {
    const report = scanWith(buildNode({ name: 'n1', conductor: 'conductor-a', consolePort: 10001 }), false);
    expect(summary(report)).toEqual(['warning wrong-host conductor-a report']);
    const finding = report.findings[0];
    expect(finding?.message).toBe('console of node n1 runs on conductor-a, whose conductor is listed dead (alive: false) while Ironic still maps the node to it: kept until Ironic maps the node elsewhere');
    expect(finding?.evidence).toContain('conductor conductor-a is listed with alive: false, and Ironic still maps the node to it: no other conductor runs or restarts this console until its hash ring moves the node');
  });

  it('Ironic mapped the node to conductor-b, which runs it: the old copy is a stray of a dead conductor (critical, killed)', () => {
    const report = scanWith(buildNode({ name: 'n1', conductor: 'conductor-b', consolePort: 10001 }), true);
    expect(summary(report)).toEqual(['critical wrong-host conductor-a kill', 'warning stray-credential conductor-a remove-file']);
    expect(report.findings[0]?.evidence).toContain("this host's conductor conductor-a is dead (alive: false)");
  });

  it('Ironic mapped the node to conductor-b, which has not started it yet: still a stray, killed only once b runs it (plan)', () => {
    const report = scanWith(buildNode({ name: 'n1', conductor: 'conductor-b', consolePort: 10001 }), false);
    expect(summary(report)).toEqual(['critical wrong-host conductor-a kill', 'warning stray-credential conductor-a remove-file', 'critical missing conductor-b restart']);
    expect(report.findings[0]?.dependsOn).toEqual(['conductor-b']);
  });
});
