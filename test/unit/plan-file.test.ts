import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { parsePlan, serializePlan } from '../../src/plan/plan-file.js';
import { buildKillAction, buildPlan, buildRemoveFileAction, buildRestartAction, socatRef } from './plan-builders.js';

const full = buildPlan({
  actions: [
    buildKillAction({ processes: [socatRef(), socatRef({ pid: 3002, startTicks: 500_200 })] }),
    buildRemoveFileAction({ expectPid: null, fileKind: 'pw', path: '/tmp/x.pw', runAs: 'ironic' }),
    buildRestartAction({ expectedPort: null }),
    { kind: 'report', id: 'a4', host: null, nodeUuid: null, reason: 'port 10001 is held by nginx', findingId: 'port-conflict:-:10001', findingKind: 'port-conflict' },
  ],
  skipped: [{ findingId: 'wrong-host:b:n', reason: 'host b could not be scanned' }],
  refusal: { reason: 'max-kills', message: 'too many' },
});

function problemsOf(text: string): readonly string[] {
  try {
    parsePlan(text, 'plan.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('parsePlan accepted the plan');
}

/** The full plan as JSON with one change made by `edit`. */
function edited(edit: (plan: Record<string, any>) => void): string {
  const copy = JSON.parse(serializePlan(full)) as Record<string, any>;
  edit(copy);
  return JSON.stringify(copy);
}

describe('plan file', () => {
  it('reads back exactly what it wrote', () => {
    expect(parsePlan(serializePlan(full), 'plan.json')).toEqual(full);
    expect(parsePlan(serializePlan(buildPlan()), 'plan.json')).toEqual(buildPlan());
  });

  it('rejects text that is not JSON in one line naming the file', () => {
    expect(problemsOf('{"schema":')[0]).toMatch(/^plan\.json: not a JSON plan file \(/);
    expect(problemsOf('[]')).toEqual(['plan.json:(root): must be an object']);
  });

  const cases: { name: string; edit: (p: Record<string, any>) => void; problems: string[] }[] = [
    { name: 'an older plan version, in one line', edit: (p) => (p.schema = 'console-doctor/plan@1'), problems: ['plan.json: a console-doctor/plan@1 plan cannot be applied by this version (console-doctor/plan@2 keeps argv as an array, each process\'s uid, the user a kill runs as and the Ironic endpoint); make a new plan with fix --dry-run --plan-out'] },
    { name: 'another schema', edit: (p) => (p.schema = 'something/else'), problems: ['plan.json:schema: must be "console-doctor/plan@2"'] },
    { name: 'no endpoint', edit: (p) => delete p.endpoint, problems: ['plan.json:endpoint: must be a non-empty string'] },
    { name: 'a kill without the user it runs as', edit: (p) => delete p.actions[0].runAs, problems: ['plan.json:actions[0].runAs: must be a non-empty string'] },
    { name: 'argv as a joined string (plan@1 shape) and no uid', edit: (p) => { p.actions[0].processes[0].argv = 'socat -L/x.pid'; delete p.actions[0].processes[0].uid; }, problems: ['plan.json:actions[0].processes[0].uid: must be a user id (an integer from 0)', 'plan.json:actions[0].processes[0].argv: must be an array of strings (the argv as observed)'] },
    { name: 'no createdAt', edit: (p) => delete p.createdAt, problems: ['plan.json:createdAt: must be a non-empty string'] },
    { name: 'actions not an array', edit: (p) => (p.actions = {}), problems: ['plan.json:actions: must be an array'] },
    { name: 'an unknown action kind', edit: (p) => (p.actions[0].kind = 'reboot'), problems: ['plan.json:actions[0].kind: must be one of kill, remove-file, stop-container, restart, report'] },
    { name: 'an unknown finding kind', edit: (p) => (p.actions[1].findingKind = 'weird'), problems: [expect.stringMatching(/^plan\.json:actions\[1\]\.findingKind: must be one of wrong-host, /)] as never },
    { name: 'a kill without processes', edit: (p) => (p.actions[0].processes = []), problems: ['plan.json:actions[0].processes: must name at least one process'] },
    { name: 'pid 1 and a missing start time', edit: (p) => { p.actions[0].processes[1].pid = 1; delete p.actions[0].processes[1].startTicks; }, problems: ['plan.json:actions[0].processes[1].startTicks: must be a start time in clock ticks (an integer from 0)', 'plan.json:actions[0].processes[1].pid: must be a process id (an integer above 1)'] },
    { name: 'a bad file kind and expected pid', edit: (p) => { p.actions[1].fileKind = 'sock'; p.actions[1].expectPid = 'x'; }, problems: ['plan.json:actions[1].expectPid: must be an integer from 2, or null', 'plan.json:actions[1].fileKind: must be one of pid, pw'] },
    { name: 'a removal without the scanned identity', edit: (p) => delete p.actions[1].expect, problems: ['plan.json:actions[1].expect: must be an object'] },
    { name: 'a removal with a bad identity', edit: (p) => { p.actions[1].expect.inode = -1; p.actions[1].expect.mtime = '1'; }, problems: ['plan.json:actions[1].expect.inode: must be a whole number from 0', 'plan.json:actions[1].expect.mtime: must be a whole number from 0'] },
    { name: 'a removal run as a shell word', edit: (p) => (p.actions[1].runAs = 'root; rm -rf /'), problems: ['plan.json:actions[1].runAs: must be a user name or #uid'] },
    { name: 'a restart without a node', edit: (p) => (p.actions[2].nodeUuid = null), problems: ['plan.json:actions[2].nodeUuid: must be a non-empty string'] },
    { name: 'duplicate ids', edit: (p) => (p.actions[3].id = 'a1'), problems: ['plan.json:actions[3].id: duplicate id a1'] },
    { name: 'a bad refusal', edit: (p) => (p.refusal = { reason: 'tired' }), problems: ['plan.json:refusal.reason: must be one of incomplete-desired-state, implausible-kill-share, max-kills', 'plan.json:refusal.message: must be a non-empty string'] },
    { name: 'a bad skipped entry', edit: (p) => (p.skipped = [{ findingId: 3 }]), problems: ['plan.json:skipped[0].findingId: must be a non-empty string', 'plan.json:skipped[0].reason: must be a non-empty string'] },
    { name: 'several problems at once', edit: (p) => { p.schema = 1; p.actions[0].host = ''; p.actions[2].expectedPort = 0; }, problems: ['plan.json:schema: must be "console-doctor/plan@2"', 'plan.json:actions[0].host: must be a non-empty string', 'plan.json:actions[2].expectedPort: must be an integer from 1, or null'] },
  ];
  it.each(cases)('reports $name', ({ edit, problems }) => {
    expect(problemsOf(edited(edit))).toEqual(problems);
  });
});
