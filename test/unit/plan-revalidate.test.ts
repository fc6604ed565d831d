import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { DEFAULT_POLICY } from '../../src/plan/plan-fixes.js';
import { revalidatePlan } from '../../src/plan/revalidate-plan.js';
import type { Action, KillAction, PlanPolicy } from '../../src/plan/types.js';
import { buildKillAction, buildPlan, buildRemoveFileAction, buildRestartAction, socatRef } from './plan-builders.js';

const listener = socatRef({ pid: 3001, startTicks: 500_001 });
const session = socatRef({ pid: 3002, startTicks: 500_100 });
const kill = buildKillAction({ id: 'a1', processes: [listener, session] });
const remove = buildRemoveFileAction({ id: 'a2' });
const restart = buildRestartAction({ id: 'a3' });
const report: Action = { kind: 'report', id: 'a4', host: 'conductor-a', nodeUuid: null, reason: 'r', findingId: 'unmanaged:conductor-a:8001', findingKind: 'unmanaged' };

/** The plan made now from a fresh scan: ids are its own, not the saved plan's. */
const renumber = (actions: readonly Action[]): Action[] => actions.map((a, i) => ({ ...a, id: `f${i + 1}` }));

function revalidate(saved: readonly Action[], fresh: readonly Action[], policy: PlanPolicy = DEFAULT_POLICY) {
  return revalidatePlan(buildPlan({ actions: saved }), { fresh: buildPlan({ actions: renumber(fresh) }), scans: [], policy });
}

describe('revalidatePlan: a saved plan is a proposal', () => {
  it('keeps every saved action the fresh plan holds, in order and with its id', () => {
    const { plan, dropped } = revalidate([kill, remove, restart, report], [report, restart, remove, kill]);
    expect(plan.actions).toEqual([kill, remove, restart, report]);
    expect(dropped).toEqual([]);
    expect(plan.refusal).toBeNull();
  });

  it('keeps a kill when a session began since the plan was made (the host re-lists the tree)', () => {
    const newSession = socatRef({ pid: 3050, startTicks: 600_000 });
    expect(revalidate([kill], [{ ...kill, processes: [listener, session, newSession] }]).dropped).toEqual([]);
  });

  const killWith = (overrides: Partial<KillAction>): KillAction => ({ ...kill, ...overrides });
  const drops: { name: string; action: Action; fresh: Action[]; reason: string }[] = [
    { name: 'a kill the fresh plan does not hold', action: kill, fresh: [remove], reason: 'a fresh scan calls for no kill (unknown-node) of this node on conductor-a' },
    { name: 'a kill whose listener pid was reused', action: kill, fresh: [killWith({ processes: [{ ...listener, startTicks: 900_000 }, session] })], reason: 'listener 3001 is not the listener a fresh scan sees' },
    { name: 'a kill whose listener runs as another uid now', action: kill, fresh: [killWith({ processes: [{ ...listener, uid: 0 }, session] })], reason: 'listener 3001 is not the listener a fresh scan sees' },
    { name: 'a kill whose listener argv changed', action: kill, fresh: [killWith({ processes: [{ ...listener, argv: [...listener.argv, 'x'] }, session] })], reason: 'listener 3001 is not the listener a fresh scan sees' },
    { name: 'a kill with a hand-added process (another console, empty argv)', action: killWith({ processes: [listener, { pid: 4001, startTicks: 7, uid: 997, argv: [] }] }), fresh: [killWith({ processes: [listener] })], reason: 'pid 4001 is not part of this console in a fresh scan (or is another process now)' },
    { name: 'a kill whose session ended since', action: kill, fresh: [killWith({ processes: [listener] })], reason: 'pid 3002 is not part of this console in a fresh scan (or is another process now)' },
    { name: 'a kill with another pid file', action: kill, fresh: [killWith({ pidFile: '/tmp/other.pid' })], reason: `pid file ${kill.pidFile} is now /tmp/other.pid` },
    { name: 'a kill that would run as another user', action: killWith({ runAs: 'root' }), fresh: [kill], reason: "it would run as root, the console is now ironic's" },
    { name: 'a kill whose daemon moved to another host', action: kill, fresh: [killWith({ host: 'conductor-b' })], reason: 'a fresh scan calls for no kill (unknown-node) of this node on conductor-a' },
    { name: 'a removal of another file', action: remove, fresh: [{ ...remove, path: '/tmp/other.pid' }], reason: "the fresh plan's remove-file differs (path)" },
    { name: 'a removal expecting another pid', action: remove, fresh: [{ ...remove, expectPid: 4 }], reason: "the fresh plan's remove-file differs (expectPid)" },
    { name: 'a restart whose node is no longer missing', action: restart, fresh: [], reason: 'a fresh scan calls for no restart (missing) of this node on conductor-a' },
  ];
  it.each(drops)('drops $name', ({ action, fresh, reason }) => {
    const { plan, dropped } = revalidate([action], fresh);
    expect(plan.actions).toEqual([]);
    expect(dropped).toEqual([{ action, reason }]);
  });

  it('applies --max-kills again to what is kept', () => {
    const kills = [3001, 3101, 3201].map((pid, i) => buildKillAction({ id: `a${i + 1}`, nodeUuid: `node-${i}`, processes: [socatRef({ pid })] }));
    const { plan } = revalidate(kills, kills, { ...DEFAULT_POLICY, force: true, maxKills: 1 });
    expect(plan.refusal).toEqual({ reason: 'max-kills', message: 'the plan would end 3 consoles (process trees and containers), more than the limit of 1' });
  });

  it('refuses a plan made against another Ironic endpoint', () => {
    const saved = buildPlan({ actions: [kill], endpoint: 'https://ironic.other-cloud:6385' });
    const fresh = buildPlan({ actions: [kill] });
    expect(() => revalidatePlan(saved, { fresh, scans: [], policy: DEFAULT_POLICY })).toThrow(ConfigError);
    expect(() => revalidatePlan(saved, { fresh, scans: [], policy: DEFAULT_POLICY })).toThrow(
      'saved plan was made against Ironic https://ironic.other-cloud:6385, but this run reads http://127.0.0.1:6385; nothing was changed',
    );
  });

  it('carries a fresh refusal for partial knowledge', () => {
    const refusal = { reason: 'incomplete-desired-state' as const, message: 'partial' };
    const { plan } = revalidatePlan(buildPlan({ actions: [kill] }), { fresh: buildPlan({ refusal }), scans: [], policy: DEFAULT_POLICY });
    expect(plan.refusal).toEqual(refusal);
  });
});
