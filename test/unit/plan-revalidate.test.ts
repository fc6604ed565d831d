import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/compare/types.js';
import { revalidatePlan } from '../../src/plan/revalidate-plan.js';
import type { Action } from '../../src/plan/types.js';
import { buildFinding, buildKillAction, buildPlan, buildRemoveFileAction, buildReport, buildRestartAction, socatRef } from './plan-builders.js';

const listener = socatRef({ pid: 3001, startTicks: 500_001 });
const session = socatRef({ pid: 3002, startTicks: 500_100 });
const kill = buildKillAction({ id: 'a1', processes: [listener, session] });
const remove = buildRemoveFileAction({ id: 'a2' });
const restart = buildRestartAction({ id: 'a3' });
const report: Action = { kind: 'report', id: 'a4', host: 'conductor-a', nodeUuid: null, reason: 'r', findingId: 'unmanaged:conductor-a:8001', findingKind: 'unmanaged' };

const killFinding = buildFinding({ processes: [listener, session] });
const removeFinding = buildFinding({ kind: 'stale-pidfile', remedy: 'remove-file', paths: [remove.path] });
const restartFinding = buildFinding({ kind: 'missing', remedy: 'restart', processes: [] });
const reportFinding = buildFinding({ kind: 'unmanaged', remedy: 'report', nodeUuid: null });
const stillThere = [killFinding, removeFinding, restartFinding, reportFinding];

function revalidate(action: Action, findings: readonly Finding[]) {
  return revalidatePlan(buildPlan({ actions: [action] }), buildReport(findings));
}

describe('revalidatePlan', () => {
  it('keeps every action whose finding still holds, in order and with its id', () => {
    const saved = buildPlan({ actions: [kill, remove, restart, report] });
    expect(revalidatePlan(saved, buildReport(stillThere))).toEqual({ plan: saved, dropped: [] });
  });

  it('keeps a kill when sessions came or went since the plan was made', () => {
    const newSession = socatRef({ pid: 3050, startTicks: 600_000 });
    expect(revalidate(kill, [buildFinding({ processes: [listener, newSession] })]).dropped).toEqual([]);
    expect(revalidate(kill, [buildFinding({ processes: [listener] })]).dropped).toEqual([]);
  });

  const drops: { name: string; action: Action; findings: Finding[]; reason: string }[] = [
    { name: 'a kill whose finding vanished', action: kill, findings: [removeFinding], reason: 'the unknown-node finding is gone from a fresh scan' },
    { name: 'a kill whose listener pid was reused', action: kill, findings: [buildFinding({ processes: [{ ...listener, startTicks: 900_000 }] })], reason: 'pid 3001 was reused (start time 500001 → 900000)' },
    { name: 'a kill whose session pid was reused', action: kill, findings: [buildFinding({ processes: [listener, { ...session, startTicks: 1 }] })], reason: 'pid 3002 was reused' },
    { name: 'a kill whose finding is now about another listener', action: kill, findings: [buildFinding({ processes: [socatRef({ pid: 4000 })] })], reason: 'listener 3001 is no longer reported' },
    { name: 'a kill whose daemon moved to another host', action: kill, findings: [buildFinding({ host: 'conductor-b' })], reason: 'the unknown-node finding is gone from a fresh scan' },
    { name: 'a removal whose file is no longer reported', action: remove, findings: [buildFinding({ kind: 'stale-pidfile', remedy: 'remove-file', paths: ['/tmp/other.pid'] })], reason: `${remove.path} is no longer reported` },
    { name: 'a restart whose node is no longer missing', action: restart, findings: [buildFinding({ kind: 'missing', nodeUuid: 'another' })], reason: 'the missing finding is gone from a fresh scan' },
    { name: 'a report whose finding is gone', action: report, findings: [], reason: 'the unmanaged finding is gone from a fresh scan' },
  ];
  it.each(drops)('drops $name', ({ action, findings, reason }) => {
    const { plan, dropped } = revalidate(action, findings);
    expect(plan.actions).toEqual([]);
    expect(dropped).toEqual([{ action, reason }]);
  });

  it('keeps the rest of the plan value as it was', () => {
    const saved = buildPlan({ actions: [kill], skipped: [{ findingId: 'x', reason: 'y' }], createdAt: '2024-12-31T00:00:00.000Z' });
    const { plan } = revalidatePlan(saved, buildReport([]));
    expect(plan).toEqual({ ...saved, actions: [] });
  });
});
