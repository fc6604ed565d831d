/**
 * Graphical consoles through plan, plan files and the host-side stop (issue 14): a stray
 * console container becomes one `stop-container` action naming the container as scanned;
 * a missing one a restart confirmed by its container. The stop script is run here against
 * a stand-in engine on PATH (a shell script that answers as podman does and logs its
 * arguments); the real podman runs it in the e2e lab.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildStopContainerCommand, parseStopContainerOutput } from '../../src/apply/stop-container-command.js';
import { compareFleet } from '../../src/compare/compare-fleet.js';
import { parsePlan, serializePlan } from '../../src/plan/plan-file.js';
import { DEFAULT_POLICY, planFixes } from '../../src/plan/plan-fixes.js';
import { revalidatePlan } from '../../src/plan/revalidate-plan.js';
import type { StopContainerAction } from '../../src/plan/types.js';
import { describeAction } from '../../src/report/render-plan.js';
import {
  buildConductor,
  buildContainer,
  buildDesired,
  buildHostSpec,
  buildNode,
  buildObservation,
  buildScan,
  GRAPHICAL_SETTINGS,
} from '../helpers/builders.js';

const g2 = buildNode({ name: 'g2', conductor: 'conductor-b', consoleInterface: 'fake-graphical', consolePort: null, consolePortFixed: false, vncPort: 41002 });
const g3 = buildNode({ name: 'g3', conductor: 'conductor-b', consoleInterface: 'fake-graphical', consolePort: null, consolePortFixed: false, vncPort: 41003 });
const stray = buildContainer({ nodeUuid: g2.uuid });
const unlabelled = buildContainer({ nodeUuid: null, nameUuid: g3.uuid, labelled: false, conductor: null });
const HOSTS = ['conductor-a', 'conductor-b'];

/** Conductors running as root, as in the lab: their podman is root's. */
const root = { name: 'root', uid: 0, source: 'ironic-conductor process' as const, notes: [] };

function planFor(containersA: ReturnType<typeof buildContainer>[], nodes = [g2, g3]) {
  const scans = [
    buildScan(buildObservation({ host: 'conductor-a', settings: GRAPHICAL_SETTINGS, containerEngines: ['podman'], containers: containersA, conductorUser: root })),
    buildScan(buildObservation({ host: 'conductor-b', settings: GRAPHICAL_SETTINGS, containerEngines: ['podman'], containers: [], conductorUser: root })),
  ];
  const desired = buildDesired({ nodes, conductors: HOSTS.map((h) => buildConductor({ hostname: h })) });
  const report = compareFleet({ desired, scans, hosts: HOSTS.map((name) => buildHostSpec({ name })) });
  return { plan: planFixes(report, { scans, desired, desiredComplete: true }, { ...DEFAULT_POLICY, force: true }), scans };
}

describe('plan: graphical consoles', () => {
  const { plan } = planFor([stray, unlabelled]);

  it('stops a stray container by the identity the scan saw, and restarts what is missing through the API', () => {
    const stop = plan.actions.find((a) => a.kind === 'stop-container');
    expect(stop).toMatchObject({ host: 'conductor-a', nodeUuid: g2.uuid, findingKind: 'wrong-host', container: { engine: 'podman', id: stray.id, name: stray.name, nodeLabel: g2.uuid } });
    const restarts = plan.actions.filter((a) => a.kind === 'restart');
    expect(restarts).toEqual([
      expect.objectContaining({ host: 'conductor-b', nodeUuid: g2.uuid, graphical: true, expectedPort: null }),
      expect.objectContaining({ host: 'conductor-b', nodeUuid: g3.uuid, graphical: true, expectedPort: null }),
    ]);
    expect(plan.actions.map((a) => a.kind)).toEqual(['stop-container', 'restart', 'restart', 'report']);
  });

  it('never stops a container whose labels do not name the node: it is reported', () => {
    const report = plan.actions.find((a) => a.kind === 'report');
    expect(report).toMatchObject({ host: 'conductor-a', nodeUuid: g3.uuid, findingKind: 'wrong-host' });
    expect(plan.actions.some((a) => a.kind === 'stop-container' && a.container?.id === unlabelled.id)).toBe(false);
  });

  it('says what it will stop, in one line', () => {
    const stop = plan.actions.find((a) => a.kind === 'stop-container') as StopContainerAction;
    expect(describeAction(stop)).toBe(`stop     conductor-a  node ${g2.uuid.slice(0, 8)}  graphical console: podman container ${stray.name} (${stray.id.slice(0, 12)})  (wrong-host)`);
  });

  it('counts container stops against --max-kills and the share of consoles seen', () => {
    const { scans } = planFor([stray]);
    const desired = buildDesired({ nodes: [g2], conductors: HOSTS.map((h) => buildConductor({ hostname: h })) });
    const report = compareFleet({ desired, scans, hosts: HOSTS.map((name) => buildHostSpec({ name })) });
    const capped = planFixes(report, { scans, desired, desiredComplete: true }, { ...DEFAULT_POLICY, maxKills: 0 });
    expect(capped.refusal?.reason).toBe('max-kills');
    // One console seen (the stray container), one to end: more than half, refused unless forced.
    const share = planFixes(report, { scans, desired, desiredComplete: true }, { ...DEFAULT_POLICY, minKillsForShareCheck: 0 });
    expect(share.refusal?.message).toBe('the plan would end 1 of 1 consoles seen (more than 50%): is this the right cloud? --force overrides');
  });

  it('survives a plan file, and a saved stop is kept only while a fresh scan sees the same container', () => {
    const parsed = parsePlan(serializePlan(plan), 'plan.json');
    expect(parsed).toEqual(plan);
    const replaced = buildContainer({ nodeUuid: g2.uuid, name: stray.name, engine: 'podman', conductor: 'conductor-x' });
    const fresh = planFor([replaced, unlabelled]);
    const { dropped } = revalidatePlan(parsed, { fresh: fresh.plan, scans: fresh.scans, policy: { ...DEFAULT_POLICY, force: true } });
    expect(dropped.map((d) => [d.action.kind, d.reason])).toEqual([['stop-container', "the fresh plan's stop-container differs (container)"]]);
  });

  it('refuses a hand-edited stop whose container fields are not what an engine gives', () => {
    const json = JSON.parse(serializePlan(plan)) as { actions: { kind: string; container?: Record<string, unknown> }[] };
    const stop = json.actions.find((a) => a.kind === 'stop-container');
    stop!.container!['id'] = 'abc; rm -rf /';
    stop!.container!['name'] = '$(reboot)';
    stop!.container!['nodeLabel'] = 'x';
    expect(() => parsePlan(JSON.stringify(json), 'plan.json')).toThrow(
      /actions\[0\]\.container\.nodeLabel: must be a node UUID[\s\S]*actions\[0\]\.container\.id: must be a full container id[\s\S]*actions\[0\]\.container\.name: must be a container name/,
    );
  });
});

describe('the stop script on the host', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cd-stop-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const action: StopContainerAction = {
    kind: 'stop-container', id: 'a1', host: 'conductor-a', nodeUuid: g2.uuid, findingId: 'f', findingKind: 'wrong-host',
    container: { engine: 'podman', id: stray.id, name: stray.name, state: 'running', nodeLabel: g2.uuid, conductorLabel: 'conductor-a' },
  };
  /** A stand-in podman: `ps` prints $LISTED (until `rm` empties it), every call is logged. */
  writeFileSync(
    join(dir, 'podman'),
    `#!/bin/sh\necho "$*" >> "${dir}/calls"\ncase $1 in\n  ps) [ -e "${dir}/removed" ] || printf '%s\\n' "$LISTED" | grep . ;;\n  rm) touch "${dir}/removed" ;;\nesac\nexit 0\n`,
  );
  chmodSync(join(dir, 'podman'), 0o755);
  const run = (listed: string): { status: string; detail: string; calls: string[] } => {
    rmSync(join(dir, 'calls'), { force: true });
    rmSync(join(dir, 'removed'), { force: true });
    const out = execFileSync('sh', ['-s'], { input: buildStopContainerCommand(action), env: { PATH: `${dir}:/usr/bin:/bin`, LISTED: listed }, encoding: 'utf8' });
    let calls: string[] = [];
    try {
      calls = readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n');
    } catch {
      calls = [];
    }
    return { ...parseStopContainerOutput(out), calls };
  };

  it('removes the container by id when it still has the scanned name and labels', () => {
    const r = run(`${stray.id} ${stray.name} true ${g2.uuid}`);
    expect(r.status).toBe('removed');
    expect(r.calls).toContain(`rm --force ${stray.id}`);
  });

  it.each([
    ['its node label names another node', `${stray.id} ${stray.name} true ${g3.uuid}`],
    ['it lost the console label', `${stray.id} ${stray.name}  ${g2.uuid}`],
    ['its name changed', `${stray.id} other-name true ${g2.uuid}`],
  ])('keeps it when %s', (_, listed) => {
    const r = run(listed);
    expect(r.status).toBe('kept');
    expect(r.calls.some((c) => c.startsWith('rm'))).toBe(false);
  });

  it('calls a container already gone done, without removing anything', () => {
    const r = run('');
    expect(r.status).toBe('absent');
    expect(r.calls.some((c) => c.startsWith('rm'))).toBe(false);
  });

  it('runs a rootless container\'s podman as its user (a conductor that is not root)', () => {
    writeFileSync(join(dir, 'runuser'), `#!/bin/sh\necho "runuser $*" >> "${dir}/calls"\nshift 3\nexec "$@"\n`);
    chmodSync(join(dir, 'runuser'), 0o755);
    const me = execFileSync('id', ['-un'], { encoding: 'utf8' }).trim();
    const rootless: StopContainerAction = { ...action, container: { ...action.container!, user: me } };
    rmSync(join(dir, 'calls'), { force: true });
    rmSync(join(dir, 'removed'), { force: true });
    const out = execFileSync('sh', ['-s'], {
      input: buildStopContainerCommand(rootless),
      env: { PATH: `${dir}:/usr/bin:/bin`, LISTED: `${stray.id} ${stray.name} true ${g2.uuid}` },
      encoding: 'utf8',
    });
    expect(parseStopContainerOutput(out).status).toBe('removed');
    const calls = readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n');
    // Each podman call (ps, rm, ps) comes through runuser as the container's user.
    expect(calls).toEqual([
      expect.stringMatching(new RegExp(`^runuser -u ${me} -- env (XDG_RUNTIME_DIR=/run/user/\\d+|-u XDG_RUNTIME_DIR) podman ps -a`)),
      expect.stringMatching(/^ps -a --no-trunc --filter id=/),
      expect.stringMatching(new RegExp(`^runuser -u ${me} -- env .* podman rm --force ${stray.id}$`)),
      `rm --force ${stray.id}`,
      expect.stringMatching(new RegExp(`^runuser -u ${me} -- env .* podman ps -a -q`)),
      expect.stringMatching(/^ps -a -q --no-trunc --filter id=/),
    ]);
  });

  it('never runs inspect (the container environment holds BMC credentials)', () => {
    expect(buildStopContainerCommand(action)).not.toMatch(/inspect/);
  });
});
