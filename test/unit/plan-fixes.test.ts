import { describe, expect, it } from 'vitest';
import type { Finding, FindingKind, Remedy } from '../../src/compare/types.js';
import type { HostScan } from '../../src/observe/types.js';
import { DEFAULT_POLICY, planFixes } from '../../src/plan/plan-fixes.js';
import type { Action, PlanPolicy } from '../../src/plan/types.js';
import {
  buildConductor,
  buildDaemon,
  buildDesired,
  buildFailedScan,
  buildNode,
  buildObservation,
  buildPidFile,
  buildPwFile,
  buildScan,
  uuidFor,
} from '../helpers/builders.js';
import { NODE_1, buildFinding, buildReport, socatRef } from './plan-builders.js';

const NODE_2 = uuidFor('node-2');

/** Two healthy conductors, each running `daemonsEach` consoles. */
function fleet(daemonsEach = 2): HostScan[] {
  return ['conductor-a', 'conductor-b'].map((host) =>
    buildScan(
      buildObservation({
        host,
        consoles: Array.from({ length: daemonsEach }, (_, i) => buildDaemon({ nodeUuid: uuidFor(`${host}-${i}`), port: 10100 + i })),
        extraFiles: [
          buildPidFile({ nodeUuid: NODE_1, pid: 4321 }),
          buildPwFile({ nodeUuid: NODE_1 }),
          buildPidFile({ nodeUuid: null, path: '/tmp/garbage.pid', pid: null }),
          buildPwFile({ nodeUuid: NODE_2, uid: 1001, owner: 'mallory' }),
        ],
      }),
    ),
  );
}

const desired = buildDesired({
  nodes: [buildNode({ name: 'node-1', consolePort: 10050 }), buildNode({ name: 'node-2', conductor: 'conductor-b', consolePort: 10060 })],
  conductors: [buildConductor({ hostname: 'conductor-a' }), buildConductor({ hostname: 'conductor-b' })],
});

function plan(findings: readonly Finding[], options: { scans?: HostScan[]; policy?: Partial<PlanPolicy>; complete?: boolean } = {}) {
  return planFixes(
    buildReport(findings),
    { scans: options.scans ?? fleet(), desired, desiredComplete: options.complete ?? true },
    { ...DEFAULT_POLICY, ...options.policy },
  );
}

describe('planFixes: one action per finding, by its remedy', () => {
  const listener = socatRef({ pid: 3001 });
  const session = socatRef({ pid: 3002, startTicks: 500_100 });
  const cases: { kind: FindingKind; remedy: Remedy; finding?: Partial<Finding>; expected: Partial<Action> & { kind: Action['kind'] } }[] = [
    { kind: 'wrong-host', remedy: 'kill', finding: { dependsOn: ['conductor-b'] }, expected: { kind: 'kill', processes: [listener, session], pidFile: `/tmp/${NODE_1}.pid` } },
    { kind: 'console-disabled', remedy: 'kill', expected: { kind: 'kill', processes: [listener, session], pidFile: `/tmp/${NODE_1}.pid` } },
    { kind: 'unknown-node', remedy: 'kill', expected: { kind: 'kill', host: 'conductor-a' } },
    { kind: 'duplicate', remedy: 'kill', expected: { kind: 'kill', nodeUuid: NODE_1 } },
    { kind: 'orphan-session', remedy: 'kill', finding: { paths: [] }, expected: { kind: 'kill', pidFile: null } },
    { kind: 'port-mismatch', remedy: 'restart', expected: { kind: 'restart', host: 'conductor-a', nodeUuid: NODE_1, expectedPort: 10050 } },
    { kind: 'missing', remedy: 'restart', finding: { nodeUuid: NODE_2, host: null, port: null }, expected: { kind: 'restart', host: 'conductor-b', expectedPort: 10060 } },
    { kind: 'stale-pidfile', remedy: 'remove-file', expected: { kind: 'remove-file', path: `/tmp/${NODE_1}.pid`, expectPid: 4321, fileKind: 'pid' } },
    { kind: 'stray-credential', remedy: 'remove-file', finding: { paths: [`/tmp/${NODE_1}.pw`] }, expected: { kind: 'remove-file', path: `/tmp/${NODE_1}.pw`, expectPid: null, fileKind: 'pw' } },
    { kind: 'port-conflict', remedy: 'report', expected: { kind: 'report', reason: 'port-conflict on conductor-a' } },
    { kind: 'unmanaged', remedy: 'report', expected: { kind: 'report', reason: 'unmanaged on conductor-a' } },
    { kind: 'unreachable', remedy: 'report', finding: { host: 'conductor-c', nodeUuid: null }, expected: { kind: 'report', host: 'conductor-c', nodeUuid: null } },
  ];
  it.each(cases)('$kind ($remedy) → $expected.kind', ({ kind, remedy, finding, expected }) => {
    const f = buildFinding({ kind, remedy, processes: [listener, session], ...finding });
    const result = plan([f]);
    expect(result.refusal).toBeNull();
    expect(result.skipped).toEqual([]);
    expect(result.actions).toHaveLength(1);
    expect(result.actions[0]).toMatchObject({ ...expected, id: 'a1', findingId: f.id, findingKind: kind });
  });
});

describe('planFixes: file removals', () => {
  it('carries the scanned identity of the file and runs as its owner', () => {
    const result = plan([buildFinding({ kind: 'stale-pidfile', remedy: 'remove-file' })]);
    const scanned = buildPidFile({ nodeUuid: NODE_1, pid: 4321 });
    expect(result.actions[0]).toMatchObject({
      kind: 'remove-file',
      runAs: 'ironic',
      expect: { device: scanned.device, inode: scanned.inode, uid: 997, mtime: scanned.mtime },
    });
  });

  // Issue 10: only UUID-named files owned by the conductor's user are removed; main removed /tmp/garbage.pid.
  it.each([
    { what: 'a file not named <uuid>.pid', path: '/tmp/garbage.pid', reason: 'its name is not <node-uuid>.pid or .pw' },
    { what: "another user's file", path: `/tmp/${NODE_2}.pw`, reason: "owned by mallory (uid 1001), not the conductor's user ironic (uid 997)" },
    { what: 'a file the scan did not see', path: '/tmp/elsewhere.pid', reason: 'is not in the scan of conductor-a' },
  ])('skips $what', ({ path, reason }) => {
    const finding = buildFinding({ kind: 'stray-credential', remedy: 'remove-file', paths: [path] });
    const result = plan([finding]);
    expect(result.actions).toEqual([]);
    expect(result.skipped[0]?.reason).toContain(reason);
  });
});

describe('planFixes: the pid file a kill removes follows the same removal rule', () => {
  const listener = socatRef({ pid: 3001 });
  it.each([
    { what: 'a file not named <uuid>.pid', path: '/tmp/garbage.pid' },
    { what: 'a file the scan did not see (outside the trusted directories)', path: `/home/mallory/evil/${NODE_1}.pid` },
  ])('a kill leaves $what in place', ({ path }) => {
    const result = plan([buildFinding({ kind: 'unknown-node', remedy: 'kill', processes: [listener], paths: [path] })]);
    expect(result.actions[0]).toMatchObject({ kind: 'kill', pidFile: null });
  });

  it('a kill removes the console pid file the rule allows', () => {
    const result = plan([buildFinding({ kind: 'unknown-node', remedy: 'kill', processes: [listener], paths: [`/tmp/${NODE_1}.pid`] })]);
    expect(result.actions[0]).toMatchObject({ kind: 'kill', pidFile: `/tmp/${NODE_1}.pid` });
  });
});

describe('planFixes: order', () => {
  it('kills, then file removals, then restarts, then reports; by host and node within each group', () => {
    const findings = [
      buildFinding({ kind: 'unmanaged', remedy: 'report', nodeUuid: null }),
      buildFinding({ kind: 'missing', remedy: 'restart', host: 'conductor-b', nodeUuid: NODE_2 }),
      buildFinding({ kind: 'stale-pidfile', remedy: 'remove-file' }),
      buildFinding({ kind: 'unknown-node', host: 'conductor-b', processes: [socatRef({ pid: 3100 })] }),
      buildFinding({ kind: 'orphan-session', host: 'conductor-a', nodeUuid: NODE_2, processes: [socatRef({ pid: 3200 })] }),
      buildFinding({ kind: 'duplicate', host: 'conductor-a', nodeUuid: NODE_1, processes: [socatRef({ pid: 3300 })] }),
    ];
    const result = plan(findings, { scans: fleet(10) });
    expect(result.actions.map((a) => [a.id, a.kind, a.host, a.findingKind])).toEqual([
      ['a1', 'kill', 'conductor-a', 'duplicate'],
      ['a2', 'kill', 'conductor-a', 'orphan-session'],
      ['a3', 'kill', 'conductor-b', 'unknown-node'],
      ['a4', 'remove-file', 'conductor-a', 'stale-pidfile'],
      ['a5', 'restart', 'conductor-b', 'missing'],
      ['a6', 'report', 'conductor-a', 'unmanaged'],
    ]);
  });

  it('gives the same plan for the findings in any order', () => {
    const findings = [
      buildFinding({ kind: 'unknown-node', host: 'conductor-b', processes: [socatRef({ pid: 3100 })] }),
      buildFinding({ kind: 'stale-pidfile', remedy: 'remove-file' }),
      buildFinding({ kind: 'duplicate', processes: [socatRef({ pid: 3300 })] }),
    ];
    expect(plan([...findings].reverse())).toEqual(plan(findings));
  });

  it('makes one kill of two findings about the same listener', () => {
    const result = plan([buildFinding({ kind: 'duplicate' }), buildFinding({ kind: 'console-disabled' })]);
    expect(result.actions.map((a) => a.findingKind)).toEqual(['duplicate']);
    expect(result.skipped).toEqual([{ findingId: `console-disabled:conductor-a:${NODE_1}`, reason: `same process as duplicate:conductor-a:${NODE_1}` }]);
  });
});

describe('planFixes: restarts', () => {
  it('expects no particular port when the node\'s port was allocated: Ironic allocates anew on every start', () => {
    const allocated = buildDesired({
      nodes: [buildNode({ name: 'node-1', consolePort: 10050, consolePortFixed: false })],
      conductors: [buildConductor({ hostname: 'conductor-a' })],
    });
    const result = planFixes(
      buildReport([buildFinding({ kind: 'missing', remedy: 'restart', processes: [], port: 10050 })]),
      { scans: fleet(), desired: allocated, desiredComplete: true },
      DEFAULT_POLICY,
    );
    expect(result.actions).toMatchObject([{ kind: 'restart', nodeUuid: NODE_1, expectedPort: null }]);
  });
});

describe('planFixes: a port held by another process', () => {
  it('does not restart a console whose port is taken: the start would fail and Ironic would disable it', () => {
    const result = plan([
      buildFinding({ kind: 'missing', remedy: 'restart', processes: [], port: 10050 }),
      buildFinding({ kind: 'port-conflict', remedy: 'report', processes: [], port: 10050, message: 'port 10050 is held by nc (pid 77)' }),
    ]);
    expect(result.actions.map((a) => a.kind)).toEqual(['report']);
    expect(result.skipped).toEqual([
      {
        findingId: `missing:conductor-a:${NODE_1}`,
        reason: `not restarted: port 10050 is held by nc (pid 77) (port-conflict:conductor-a:${NODE_1}); a restart would fail and Ironic would disable the console`,
      },
    ]);
  });

  it('still restarts other nodes', () => {
    const result = plan([
      buildFinding({ kind: 'missing', remedy: 'restart', processes: [], nodeUuid: NODE_2 }),
      buildFinding({ kind: 'port-conflict', remedy: 'report', processes: [] }),
    ]);
    expect(result.actions.map((a) => [a.kind, a.nodeUuid])).toEqual([['restart', NODE_2], ['report', NODE_1]]);
  });
});

describe('planFixes: refusals', () => {
  const kills = (n: number): Finding[] =>
    Array.from({ length: n }, (_, i) => buildFinding({ nodeUuid: uuidFor(`gone-${i}`), processes: [socatRef({ pid: 5000 + i })] }));

  it('plans nothing on an incomplete desired state', () => {
    const result = plan(kills(1), { complete: false });
    expect(result.actions).toEqual([]);
    expect(result.refusal?.reason).toBe('incomplete-desired-state');
  });

  const shareCases = [
    { kills: 3, daemons: 4, force: false, refused: true },
    { kills: 3, daemons: 4, force: true, refused: false },
    { kills: 3, daemons: 6, force: false, refused: false },
    { kills: 2, daemons: 2, force: false, refused: false },
    { kills: 4, daemons: 0, force: false, refused: true },
  ];
  it.each(shareCases)('$kills kills of $daemons daemons, force $force: refused $refused', ({ kills: n, daemons, force, refused }) => {
    const result = plan(kills(n), { scans: fleet(daemons / 2), policy: { force } });
    expect(result.refusal?.reason ?? null).toBe(refused ? 'implausible-kill-share' : null);
    expect(result.actions).toHaveLength(n);
    if (refused) expect(result.refusal?.message).toBe(`the plan would end ${n} of ${daemons} consoles seen (more than 50%): is this the right cloud? --force overrides`);
  });

  it('does not count orphan sessions as daemons killed', () => {
    const orphans = kills(3).map((f) => ({ ...f, kind: 'orphan-session' as const }));
    expect(plan(orphans, { scans: fleet(1) }).refusal).toBeNull();
  });

  it('refuses more kills than maxKills, even when forced', () => {
    const result = plan(kills(3), { scans: fleet(10), policy: { maxKills: 2, force: true } });
    expect(result.refusal).toEqual({ reason: 'max-kills', message: 'the plan would end 3 consoles (process trees and containers), more than the limit of 2' });
    expect(plan(kills(2), { scans: fleet(10), policy: { maxKills: 2 } }).refusal).toBeNull();
  });
});

describe('planFixes: no fix that depends on a host that could not be scanned', () => {
  const withB = (b: HostScan): HostScan[] => [fleet()[0]!, b];
  const bDown = withB(buildFailedScan('conductor-b'));
  const cases = [
    { name: 'kill on an unreachable host', finding: buildFinding({ host: 'conductor-b' }), scans: bDown, reason: 'host conductor-b could not be scanned' },
    { name: 'restart depending on an unreachable host', finding: buildFinding({ kind: 'missing', remedy: 'restart', dependsOn: ['conductor-b'] }), scans: bDown, reason: 'depends on conductor-b, which could not be scanned' },
    { name: 'file removal depending on a host not in the inventory', finding: buildFinding({ kind: 'stray-credential', remedy: 'remove-file', dependsOn: ['conductor-z'] }), scans: bDown, reason: 'depends on conductor-z, which could not be scanned' },
    { name: 'wrong-host kill whose alive owner is unreachable', finding: buildFinding({ kind: 'wrong-host', nodeUuid: NODE_2, dependsOn: ['conductor-b'] }), scans: bDown, reason: 'owner conductor conductor-b is alive but its host was not scanned' },
    { name: 'wrong-host kill whose alive owner is not in the inventory', finding: buildFinding({ kind: 'wrong-host', nodeUuid: NODE_2, dependsOn: [] }), scans: [fleet()[0]!], reason: 'owner conductor conductor-b is alive but its host was not scanned' },
  ];
  it.each(cases)('skips a $name', ({ finding, scans, reason }) => {
    const result = plan([finding], { scans });
    expect(result.actions).toEqual([]);
    expect(result.skipped).toEqual([{ findingId: finding.id, reason }]);
  });

  it('kills on the wrong host when the owner conductor is dead, reachable or not', () => {
    const deadB = { ...desired, conductors: [buildConductor({ hostname: 'conductor-a' }), buildConductor({ hostname: 'conductor-b', alive: false })] };
    const finding = buildFinding({ kind: 'wrong-host', nodeUuid: NODE_2, dependsOn: ['conductor-b'] });
    const result = planFixes(buildReport([finding]), { scans: bDown, desired: deadB, desiredComplete: true }, DEFAULT_POLICY);
    expect(result.actions.map((a) => a.kind)).toEqual(['kill']);
  });

  it('still reports about an unreachable host', () => {
    const finding = buildFinding({ kind: 'unreachable', remedy: 'report', host: 'conductor-b', nodeUuid: null });
    expect(plan([finding], { scans: bDown }).actions.map((a) => a.kind)).toEqual(['report']);
  });
});

describe('planFixes: the plan value', () => {
  it('has the schema, a createdAt from the context, and no refusal when clean', () => {
    const result = planFixes(buildReport([]), { scans: fleet(), desired, desiredComplete: true, now: '2025-02-02T00:00:00.000Z' }, DEFAULT_POLICY);
    expect(result).toEqual({ schema: 'console-doctor/plan@2', endpoint: 'http://127.0.0.1:6385', createdAt: '2025-02-02T00:00:00.000Z', actions: [], skipped: [], refusal: null });
  });
});
