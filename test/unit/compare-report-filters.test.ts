import { describe, expect, it } from 'vitest';
import { exitCodeFor, filterReport } from '../../src/compare/compare-fleet.js';
import { makeFinding } from '../../src/compare/make-finding.js';
import type { Finding, FleetReport } from '../../src/compare/types.js';
import { buildConductor, buildDesired, buildNode } from '../helpers/builders.js';

function finding(overrides: Partial<Finding> & Pick<Finding, 'kind' | 'severity'>): Finding {
  return { ...makeFinding({ host: 'conductor-a', key: 'k', message: 'm', remedy: 'report', ...overrides }), ...overrides };
}

function report(findings: readonly Finding[], hostsUnreachable = 0): FleetReport {
  return { findings, hostsScanned: 3, hostsUnreachable, nodesSeen: 10, consolesSeen: 4 };
}

describe('exitCodeFor', () => {
  it.each([
    { name: 'clean', findings: [], code: 0 },
    { name: 'info only', findings: [finding({ kind: 'unmanaged', severity: 'info' })], code: 0 },
    { name: 'a warning', findings: [finding({ kind: 'stale-pidfile', severity: 'warning' })], code: 1 },
    {
      name: 'a critical among warnings',
      findings: [finding({ kind: 'stale-pidfile', severity: 'warning' }), finding({ kind: 'wrong-host', severity: 'critical' })],
      code: 2,
    },
    {
      name: 'an unreachable host wins over critical',
      findings: [finding({ kind: 'wrong-host', severity: 'critical' }), finding({ kind: 'unreachable', severity: 'critical' })],
      code: 3,
    },
  ])('$name → $code', ({ findings, code }) => {
    expect(exitCodeFor(report(findings))).toBe(code);
  });
});

describe('filterReport', () => {
  const alpha = buildNode({ name: 'alpha', conductorGroup: 'rack-1' });
  const beta = buildNode({ name: 'beta', conductorGroup: 'rack-2' });
  const desired = buildDesired({
    nodes: [alpha, beta],
    conductors: [buildConductor({ hostname: 'conductor-a', conductorGroup: 'rack-1' }), buildConductor({ hostname: 'ironic-b', conductorGroup: 'rack-2' })],
  });
  const all = report(
    [
      finding({ id: 'a-alpha', kind: 'missing', severity: 'critical', host: 'conductor-a', nodeUuid: alpha.uuid, nodeName: 'alpha' }),
      finding({ id: 'b-beta', kind: 'wrong-host', severity: 'critical', host: 'conductor-b', nodeUuid: beta.uuid, nodeName: null }),
      finding({ id: 'b-unmanaged', kind: 'unmanaged', severity: 'info', host: 'conductor-b' }),
      finding({ id: 'c-unreachable', kind: 'unreachable', severity: 'critical', host: 'conductor-c' }),
    ],
    1,
  );
  const hostConductors = new Map([['conductor-b', 'ironic-b']]);

  it.each([
    { name: 'no filters keep everything', filters: {}, ids: ['a-alpha', 'b-beta', 'b-unmanaged', 'c-unreachable'] },
    { name: 'empty lists do not filter', filters: { hosts: [], nodes: [], conductorGroups: [] }, ids: ['a-alpha', 'b-beta', 'b-unmanaged', 'c-unreachable'] },
    { name: '--host', filters: { hosts: ['conductor-b'] }, ids: ['b-beta', 'b-unmanaged'] },
    { name: '--node by name, also where the finding carries only the uuid', filters: { nodes: ['beta'] }, ids: ['b-beta'] },
    { name: '--node by uuid', filters: { nodes: [alpha.uuid] }, ids: ['a-alpha'] },
    { name: '--conductor-group by the node, and by the host for findings without a node', filters: { conductorGroups: ['rack-2'] }, ids: ['b-beta', 'b-unmanaged'] },
    { name: 'filters combine', filters: { hosts: ['conductor-a', 'conductor-b'], conductorGroups: ['rack-1'] }, ids: ['a-alpha'] },
  ])('$name', ({ filters, ids }) => {
    expect(filterReport(all, filters, desired, hostConductors).findings.map((f) => f.id)).toEqual(ids);
  });

  it('counts unreachable hosts among the findings kept, so a filtered view exits by what it shows', () => {
    const onlyA = filterReport(all, { hosts: ['conductor-a'] }, desired);
    expect(onlyA.hostsUnreachable).toBe(0);
    expect(exitCodeFor(onlyA)).toBe(2);
    expect(exitCodeFor(all)).toBe(3);
  });
});
