/**
 * A healthy conductor of each Ironic release (issue 11) is clean: its console (socat, or
 * shellinaboxd before 35.0) with a connected client, under a forked worker from 32.0 on,
 * with a `.pw` file only where the release writes one. No release's normal shape is a
 * finding: not `-E` without a `.pw`, not a client's session children, not shellinabox's
 * absence.
 */
import { describe, expect, it } from 'vitest';
import { ListenerTable } from '../../src/observe/listener-table.js';
import { compareFleet } from '../../src/compare/compare-fleet.js';
import { classifyConsoles } from '../../src/observe/classify-consoles.js';
import type { HostFile, ListenSocket, ProcessInfo } from '../../src/observe/types.js';
import { redactArgv } from '../../src/redact-secrets.js';
import { buildConductor, buildDesired, buildHostSpec, buildNode, buildObservation } from '../helpers/builders.js';
import { loadReleases, type Release, type ReleaseConsole } from '../helpers/release-argv.js';

const releases = loadReleases();
const IRONIC = { uid: 997, user: 'ironic' };
const forkedWorkers = (release: string): boolean => Number.parseFloat(release) >= 32;

function proc(pid: number, ppid: number, argv: readonly string[]): ProcessInfo {
  return { pid, ppid, ...IRONIC, state: 'S', startTicks: pid * 10, argv: redactArgv(argv), nsPids: [pid] };
}
function file(path: string, kind: 'pid' | 'pw', pid: number | null): HostFile {
  const nodeUuid = path.slice(path.lastIndexOf('/') + 1).replace(/\.(pid|pw)$/, '');
  return { path, kind, nodeUuid, pid, device: 1, inode: path.length, type: 'regular', mode: kind === 'pw' ? '600' : '644', uid: 997, owner: 'ironic', mtime: 1 };
}

/** The host as the release leaves it: conductor (and worker), the console, a client's session. */
function hostOf(release: Release, c: ReleaseConsole) {
  const conductor = forkedWorkers(release.release)
    ? [proc(50, 1, ['ironic-conductor: master process [/usr/bin/ironic-conductor]']), proc(51, 50, ['ironic-conductor: ServiceWrapper worker(0)'])]
    : [proc(50, 1, ['/usr/bin/python3', '/usr/bin/ironic-conductor'])];
  const parent = c.type === 'shellinabox' ? 1 : (conductor[conductor.length - 1] as ProcessInfo).pid;
  const daemon = c.type === 'socat' ? [proc(100, parent, c.argv), proc(101, 100, c.argv)] : [proc(100, parent, c.argv), proc(101, 100, c.argv), proc(102, 101, c.argv)];
  const session = c.sessionIpmitool === null ? [] : [proc(110, (daemon[daemon.length - 1] as ProcessInfo).pid, c.sessionIpmitool)];
  const processes = [...conductor, ...daemon, ...session];
  const sockets: ListenSocket[] = [{ family: 'ipv4', address: '0.0.0.0', port: c.port, pids: [100] }];
  const listeners = ListenerTable.of(sockets);
  const files = [file(c.pidFile, 'pid', 100), ...(c.pwFile === null ? [] : [file(c.pwFile, 'pw', null)])];
  const classified = classifyConsoles({ processes, listeners, files, privileged: true });
  return buildObservation({
    host: 'conductor-a',
    settings: { tempdir: '/var/lib/ironic/tmp', pidDir: '/var/lib/ironic/tmp', portRange: release.portRange.startsWith('ListOpt') ? '9000:9100,10000:10100' : '10000:10100' },
    processes,
    listeners: sockets,
    files,
    ...classified,
  });
}

describe.each(releases)('Ironic $release', (release) => {
  it.each(release.consoles)('$name, a client connected: one console, no finding', (c) => {
    const observation = hostOf(release, c);
    expect(observation.consoles).toHaveLength(1);
    const node = buildNode({ uuid: c.nodeUuid, consolePort: c.port, consoleInterface: c.type === 'socat' ? 'ipmitool-socat' : 'ipmitool-shellinabox' });
    const report = compareFleet({
      desired: buildDesired({ nodes: [node], conductors: [buildConductor()] }),
      scans: [{ host: 'conductor-a', ok: true, observation, durationMs: 1 }],
      hosts: [buildHostSpec()],
    });
    expect(report.findings.map((f) => f.message)).toEqual([]);
  });

  it(`has shellinabox consoles only while Ironic has shellinabox (${String(release.shellinabox)})`, () => {
    expect(release.consoles.some((c) => c.type === 'shellinabox')).toBe(release.shellinabox !== false);
  });
});
