/**
 * Ironic's systemd console provider (issue 14), against output captured from a real
 * systemd 262 + podman 5.8.6 driven by Ironic 39.0's own SystemdConsoleContainer
 * (test/fixtures/containers/systemd/README.md): parsing, the verdicts, and the host-side
 * stop run against stand-in systemctl/runuser/podman that log what they are asked.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildStopContainerCommand, parseStopContainerOutput } from '../../src/apply/stop-container-command.js';
import { compareFleet } from '../../src/compare/compare-fleet.js';
import type { FleetReport } from '../../src/compare/types.js';
import type { DesiredNode } from '../../src/desire/types.js';
import { systemdConsolesOf } from '../../src/observe/parse-systemd-consoles.js';
import type { HostObservation } from '../../src/observe/types.js';
import { planFixes } from '../../src/plan/plan-fixes.js';
import type { StopContainerAction } from '../../src/plan/types.js';
import { buildConductor, buildDesired, buildHostSpec, buildNode, buildObservation, buildScan } from '../helpers/builders.js';

const DIR = join(import.meta.dirname, '../fixtures/containers/systemd');
const read = (state: string, what: string): string => readFileSync(join(DIR, `sid-39.0-${state}-${what}`), 'utf8');
const node = (n: number): string => `5b7c1d2e-${String(n).repeat(4)}-4a4a-9b9b-00000000000${n}`;

/** The probe's sections for one captured state, as the probe would print them as root. */
function sectionsOf(state: string, unitsListed = true): Map<string, string> {
  const sections = new Map([['quadlets', read(state, 'stat.txt')]]);
  if (!unitsListed) return sections;
  sections.set('quadlet-users', '102:ironic');
  sections.set('units-102', read(state, 'list-units-M.txt'));
  sections.set('user-podman-102', read(state, 'podman-ps.txt'));
  return sections;
}

function observationOf(state: string, unitsListed = true): HostObservation {
  const s = systemdConsolesOf(sectionsOf(state, unitsListed));
  return buildObservation({
    host: 'conductor-a',
    settings: { pidDir: '/tmp', tempdir: '/tmp', vncEnabled: 'True', containerProvider: 'systemd' },
    conductorUser: { name: 'ironic', uid: 102, source: 'ironic-conductor process', notes: [] },
    quadlets: s.quadlets.value,
    userUnits: s.units.value,
    containers: s.containers.value,
    userManagers: s.listed,
  });
}

const graphical = (n: number, overrides: Partial<DesiredNode> = {}): DesiredNode =>
  buildNode({ uuid: node(n), name: `g${n}`, conductor: 'conductor-a', consoleInterface: 'fake-graphical', consolePort: null, consolePortFixed: false, ...overrides });

function compare(state: string, nodes: DesiredNode[], unitsListed = true): FleetReport {
  const observation = observationOf(state, unitsListed);
  return compareFleet({
    desired: buildDesired({ nodes, conductors: ['conductor-a', 'conductor-b'].map((h) => buildConductor({ hostname: h })) }),
    scans: [buildScan(observation), buildScan(buildObservation({ host: 'conductor-b' }))],
    hosts: ['conductor-a', 'conductor-b'].map((name) => buildHostSpec({ name })),
  });
}

const lines = (report: FleetReport): string[] =>
  report.findings.map((f) => `${f.severity} ${f.kind}${f.graphical ? ' (graphical)' : ''} ${f.nodeName ?? f.nodeUuid} ${f.remedy}`);

describe('parsing the real capture', () => {
  it('reads the quadlet files (stat only), the units and the rootless containers of a running provider', () => {
    const s = systemdConsolesOf(sectionsOf('running'));
    expect(s.quadlets.value.map((q) => [q.nodeUuid, q.dirUid, q.owner, q.type])).toEqual([
      [node(1), 102, 'ironic', 'regular'],
      [node(2), 102, 'ironic', 'regular'],
    ]);
    expect(s.units.value.map((u) => [u.name, u.load, u.active, u.sub, u.user])).toEqual([
      [`ironic-console-${node(1)}.service`, 'loaded', 'active', 'running', 'ironic'],
      [`ironic-console-${node(2)}.service`, 'loaded', 'active', 'running', 'ironic'],
    ]);
    expect(s.containers.value.map((c) => [c.name, c.provider, c.uid, c.labelled, c.nameUuid, c.ports[0]?.hostPort])).toEqual([
      [`systemd-ironic-console-${node(1)}`, 'systemd', 102, false, node(1), 43281],
      [`systemd-ironic-console-${node(2)}`, 'systemd', 102, false, node(2), 41983],
    ]);
    expect([s.quadlets.dropped, s.units.dropped, s.containers.dropped]).toEqual([[], [], []]);
    expect(s.listed).toEqual([102]);
  });

  it('reads a unit whose quadlet file is gone (not-found active running)', () => {
    const s = systemdConsolesOf(sectionsOf('b-file-removed-after-reload'));
    expect(s.units.value.find((u) => u.nodeUuid === node(2))).toMatchObject({ load: 'not-found', active: 'active', sub: 'running' });
    expect(s.quadlets.value.map((q) => q.nodeUuid)).toEqual([node(1)]);
  });

  it('reads the rootless podman of a conductor user without quadlets (the container provider as ironic)', () => {
    const line = ['f'.repeat(64), `ironic-console-${node(1)}`, 'running', 'true', 'conductor-a', node(1), '10.0.0.1:40001->5900/tcp'].join('\t');
    const s = systemdConsolesOf(new Map([['podman-users', '998:ironic'], ['user-podman-998', line]]));
    expect(s.containers.value.map((c) => [c.provider, c.uid, c.labelled, c.nodeUuid])).toEqual([['container', 998, true, node(1)]]);
    expect([s.listed, s.podmanUsers]).toEqual([[], [998]]);
    // Named but not listed (its section missing): nothing, and the user is not counted as listed.
    expect(systemdConsolesOf(new Map([['podman-users', '998:ironic']])).podmanUsers).toEqual([]);
  });

  it('drops a forged line, and lists no user whose units could not be listed', () => {
    const sections = sectionsOf('running');
    sections.set('quadlets', `${read('running', 'stat.txt')}1 2 81a4 0 root 3 /etc/shadow\n`);
    const s = systemdConsolesOf(sections);
    expect(s.quadlets.value).toHaveLength(2);
    expect(s.quadlets.dropped).toEqual(['1 2 81a4 0 root 3 /etc/shadow']);
    expect(systemdConsolesOf(sectionsOf('running', false)).listed).toEqual([]);
  });
});

describe('verdicts on the real capture', () => {
  it('running, both nodes wanted here: clean', () => {
    expect(lines(compare('running', [graphical(1), graphical(2)]))).toEqual([]);
  });

  it('running, node 2 now owned by conductor-b: its console here is a stray, stopped through its unit', () => {
    const report = compare('running', [graphical(1), graphical(2, { conductor: 'conductor-b' })]);
    expect(lines(report)).toEqual(['critical wrong-host (graphical) g2 stop-container']);
    expect(report.findings[0]?.graphical).toMatchObject({
      provider: 'systemd',
      container: { name: `systemd-ironic-console-${node(2)}`, user: 'ironic' },
      quadlet: { user: 'ironic', uid: 102, unit: `ironic-console-${node(2)}.service`, file: { path: `/etc/containers/systemd/users/102/containers/systemd/ironic-console-${node(2)}.container` } },
    });
  });

  it('(a) unit stopped, file left, console disabled: a leftover that the next user-manager start would run again', () => {
    const report = compare('a-unit-stopped-file-left', [graphical(1, { consoleEnabled: false }), graphical(2)]);
    expect(lines(report)).toEqual(['warning stale-pidfile (graphical) g1 stop-container']);
    expect(report.findings[0]?.evidence).toContain('the unit is wanted by default.target: the next start of the user manager (a reboot) starts this console again');
  });

  it('(b) file removed and reloaded, console disabled: the container podman still calls running is stopped', () => {
    const report = compare('b-file-removed-after-reload', [graphical(1, { consoleEnabled: false }), graphical(2, { consoleEnabled: false })]);
    expect(lines(report)).toEqual(['warning stale-pidfile (graphical) g1 stop-container', 'warning console-disabled (graphical) g2 stop-container']);
    expect(report.findings.find((f) => f.kind === 'console-disabled')?.graphical?.quadlet?.file).toBeNull();
  });

  it('(c) containers killed under systemd, both nodes wanted here: missing, restarted through the API', () => {
    expect(lines(compare('c-container-killed', [graphical(4), graphical(5), graphical(1, { consoleEnabled: false }), graphical(3, { consoleEnabled: false })]))).toEqual([
      'warning stale-pidfile (graphical) g1 stop-container',
      'warning console-disabled (graphical) g3 stop-container',
      'critical missing (graphical) g4 restart',
      'critical missing (graphical) g5 restart',
    ]);
  });

  it('no verdict of missing when the user units could not be listed (no user manager), and leftovers are only reported', () => {
    expect(lines(compare('c-container-killed', [graphical(4), graphical(5)], false))).toEqual([
      'warning stale-pidfile (graphical) 5b7c1d2e-1111-4a4a-9b9b-000000000001 report',
    ]);
  });

  it('a node Ironic does not know: its leftover unit and file go', () => {
    expect(lines(compare('a-unit-stopped-file-left', [graphical(2)]))).toEqual(['warning stale-pidfile (graphical) 5b7c1d2e-1111-4a4a-9b9b-000000000001 stop-container']);
  });
});

describe('the systemd stop on the host', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cd-sysd-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, 'calls');
  const tool = (name: string, body: string): void => {
    writeFileSync(join(dir, name), `#!/bin/sh\necho "${name} $*" >> ${log}\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  };
  tool('systemctl', 'exit 0');
  tool('runuser', 'shift 3; exec "$@"');
  tool('podman', `case $1 in ps) [ -e ${dir}/removed ] || printf '%s\\n' "$LISTED" | grep . ;; rm) touch ${dir}/removed ;; esac; exit 0`);
  const quadletFile = join(dir, 'q.container');

  function stop(options: { listed: string; file?: 'same' | 'changed' | 'none' }): { status: string; calls: string[] } {
    rmSync(log, { force: true });
    rmSync(join(dir, 'removed'), { force: true });
    writeFileSync(quadletFile, '[Container]\n');
    const [dev, ino, uid, mtime] = execFileSync('stat', ['-c', '%d %i %u %Y', quadletFile], { encoding: 'utf8' }).trim().split(' ').map(Number);
    const file = options.file === 'none' ? null : { path: quadletFile, device: dev!, inode: ino! + (options.file === 'changed' ? 1 : 0), uid: uid!, mtime: mtime! };
    const id = 'e13492899e818646127a4b15ee1074bbbed8a64d2f8e96a720ff09f731899e5f';
    const action: StopContainerAction = {
      kind: 'stop-container', id: 'a1', host: 'conductor-a', nodeUuid: node(2), findingId: 'f', findingKind: 'wrong-host',
      container: { engine: 'podman', id, name: `systemd-ironic-console-${node(2)}`, state: 'running', nodeLabel: null, conductorLabel: null, user: 'ironic' },
      quadlet: { user: 'ironic', uid: 102, unit: `ironic-console-${node(2)}.service`, file },
    };
    const out = execFileSync('sh', ['-s'], { input: buildStopContainerCommand(action), env: { PATH: `${dir}:/usr/bin:/bin`, LISTED: options.listed.replace('ID', id) }, encoding: 'utf8' });
    let calls: string[] = [];
    try {
      calls = readFileSync(log, 'utf8').trim().split('\n');
    } catch {
      calls = [];
    }
    return { status: parseStopContainerOutput(out).status, calls };
  }

  it('stops the unit, removes the quadlet file, reloads, then removes a container podman still lists', () => {
    const r = stop({ listed: `ID systemd-ironic-console-${node(2)}`, file: 'same' });
    expect(r.status).toBe('removed');
    expect(r.calls.filter((c) => !c.startsWith('runuser') && !c.startsWith('podman ps'))).toEqual([
      `systemctl --user -M ironic@ stop ironic-console-${node(2)}.service`,
      'systemctl --user -M ironic@ daemon-reload',
      `podman rm --force e13492899e818646127a4b15ee1074bbbed8a64d2f8e96a720ff09f731899e5f`,
    ]);
    expect(() => readFileSync(quadletFile)).toThrow();
  });

  it('changes nothing when the quadlet file is not the one scanned', () => {
    const r = stop({ listed: `ID systemd-ironic-console-${node(2)}`, file: 'changed' });
    expect(r.status).toBe('kept');
    expect(r.calls.some((c) => c.startsWith('systemctl') || c.startsWith('podman rm'))).toBe(false);
    expect(readFileSync(quadletFile, 'utf8')).toBe('[Container]\n');
  });

  it('changes nothing when the container id now has another name', () => {
    const r = stop({ listed: 'ID some-other-container', file: 'same' });
    expect(r.status).toBe('kept');
    expect(r.calls.some((c) => c.startsWith('systemctl'))).toBe(false);
  });

  it('a unit left without file or container: stopped and reloaded only', () => {
    const r = stop({ listed: '', file: 'none' });
    expect(r.status).toBe('removed');
    expect(r.calls.filter((c) => c.startsWith('systemctl') || c.startsWith('podman rm'))).toEqual([
      `systemctl --user -M ironic@ stop ironic-console-${node(2)}.service`,
      'systemctl --user -M ironic@ daemon-reload',
    ]);
  });

  it('never reads the quadlet file (it holds the BMC credentials)', () => {
    const r = stop({ listed: '', file: 'same' });
    expect(r.calls.join('\n')).not.toMatch(/cat|inspect|show/);
    const script = buildStopContainerCommand({
      kind: 'stop-container', id: 'a1', host: 'h', nodeUuid: node(2), findingId: 'f', findingKind: 'wrong-host', container: null,
      quadlet: { user: 'ironic', uid: 102, unit: `ironic-console-${node(2)}.service`, file: { path: quadletFile, device: 1, inode: 2, uid: 3, mtime: 4 } },
    });
    expect(script).not.toMatch(/\b(cat|head|read|inspect|show|status)\b[^-]/);
  });
});

describe('plan on the real capture', () => {
  it('one stop per leftover or stray, each naming its unit', () => {
    const observation = observationOf('b-file-removed-after-reload');
    const desired = buildDesired({ nodes: [graphical(1, { consoleEnabled: false }), graphical(2, { consoleEnabled: false })], conductors: [buildConductor({ hostname: 'conductor-a' })] });
    const scans = [buildScan(observation)];
    const report = compareFleet({ desired, scans, hosts: [buildHostSpec({ name: 'conductor-a' })] });
    const plan = planFixes(report, { scans, desired, desiredComplete: true }, { force: true, maxKillShare: 0.5, minKillsForShareCheck: 2, maxKills: undefined });
    expect(plan.actions.map((a) => (a.kind === 'stop-container' ? [a.nodeUuid, a.quadlet?.unit, a.quadlet?.file?.path ?? null, a.container?.name ?? null] : a.kind))).toEqual([
      [node(1), `ironic-console-${node(1)}.service`, `/etc/containers/systemd/users/102/containers/systemd/ironic-console-${node(1)}.container`, null],
      [node(2), `ironic-console-${node(2)}.service`, null, `systemd-ironic-console-${node(2)}`],
    ]);
  });
});
