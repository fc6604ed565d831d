/**
 * Every form of console argv Ironic gives socat and shellinaboxd, release by release
 * (issue 11): fixtures in test/fixtures/probe/releases, derived from Ironic's source at
 * each tag (see the README there). Recognition, node, port, bind address, redaction and
 * the kill's identity anchor must hold for each.
 */
import { describe, expect, it } from 'vitest';
import { ListenerTable } from '../../src/observe/listener-table.js';
import { consoleIdentity } from '../../src/apply/kill-command.js';
import { classifyConsoles } from '../../src/observe/classify-consoles.js';
import { recogniseArgv } from '../../src/observe/console-argv.js';
import type { HostFile, ProcessInfo } from '../../src/observe/types.js';
import { REDACTED, redactArgv } from '../../src/redact-secrets.js';
import { loadReleases, type ReleaseConsole } from '../helpers/release-argv.js';

const releases = loadReleases();
const cases = releases.flatMap((r) => r.consoles.map((c) => ({ release: r.release, form: r.execForm, ...c })));

function proc(pid: number, ppid: number, argv: readonly string[], overrides: Partial<ProcessInfo> = {}): ProcessInfo {
  return { pid, ppid, uid: 997, user: 'ironic', state: 'S', startTicks: pid * 10, argv: redactArgv(argv), nsPids: [pid], ...overrides };
}
function pidFile(path: string, pid: number): HostFile {
  return { path, kind: 'pid', nodeUuid: path.slice(path.lastIndexOf('/') + 1, -4), pid, device: 1, inode: 2, type: 'regular', mode: '644', uid: 997, owner: 'ironic', mtime: 1 };
}

describe('the fixtures cover every form the brief names', () => {
  it.each(['plain', 'shell-quoted', 'socat-escaped'])('exec form %s', (form) => {
    expect(releases.some((r) => r.execForm === form)).toBe(true);
  });
  it.each([
    ['-f <tempdir>/<uuid>.pw', (c: ReleaseConsole) => c.argv.some((a) => / -f \S+\.pw sol activate/.test(a))],
    ['no password argument', (c: ReleaseConsole) => c.argv.some((a) => /-U admin( -y \S+)? sol activate/.test(a))],
    ['-E', (c: ReleaseConsole) => c.argv.some((a) => / -E sol activate/.test(a))],
  ] as const)('password form %s', (_, has) => {
    expect(cases.some(has)).toBe(true);
  });
});

describe.each(cases)('$release, $name ($form)', (c) => {
  const redacted = redactArgv(c.argv);

  it('redaction hides every secret and keeps what names the console', () => {
    for (const secret of c.secrets) expect(redacted.join(' ')).not.toContain(secret);
    if (c.secrets.length > 0) expect(redacted.join(' ')).toContain(REDACTED);
    // The program, the lock/pid file and the listen address carry no secret: untouched.
    expect(redacted.slice(0, 4)).toEqual(c.argv.slice(0, 4));
  });

  it('is recognised with its node, port and bind address (from the redacted argv)', () => {
    const shape = recogniseArgv(redacted);
    if (c.type === 'socat') {
      expect(shape).toEqual({ shape: 'socat-console', lockFile: c.pidFile, nodeUuid: c.nodeUuid, port: c.port, bindAddress: c.bindAddress, runsIpmitool: true });
    } else {
      expect(shape).toEqual({ shape: 'shellinabox-console', pidFile: c.pidFile, nodeUuid: c.nodeUuid, port: c.port });
    }
  });

  it('socat 1.8 named socat1 in argv[0] is the same console', () => {
    if (c.type !== 'socat') return;
    for (const argv0 of ['socat1', '/usr/bin/socat1']) {
      expect(recogniseArgv([argv0, ...redacted.slice(1)])).toMatchObject({ shape: 'socat-console', nodeUuid: c.nodeUuid, port: c.port });
    }
  });

  it('gives the kill an identity anchored on whole, unredacted elements', () => {
    const identity = consoleIdentity(redacted);
    expect(identity).not.toBeNull();
    expect(identity?.argv0).toBe(c.type === 'socat' ? 'socat' : 'shellinaboxd');
    for (const anchor of identity?.anchors ?? []) expect(c.argv).toContain(anchor);
    if (c.type === 'socat') expect(identity?.anchors).toEqual(expect.arrayContaining([`-L${c.pidFile}`, c.argv[3]]));
    else expect(identity?.anchors).toEqual(expect.arrayContaining([`--background=${c.pidFile}`, '-p', String(c.port)]));
  });

  it("the session's ipmitool is a SOL session of the node's BMC", () => {
    if (c.sessionIpmitool === null) return;
    const shape = recogniseArgv(redactArgv(c.sessionIpmitool));
    expect(shape).toMatchObject({ shape: 'ipmitool-sol', bmc: c.sessionIpmitool[4] });
    expect(shape).toMatchObject({ nodeUuid: c.pwFile === null ? null : c.nodeUuid });
  });

  it('a connected client makes one console with its session, not two', () => {
    const listener = proc(100, 50, c.argv);
    const session = c.type === 'socat' ? [proc(101, 100, c.argv)] : [proc(101, 100, c.argv), proc(102, 101, c.argv)];
    const last = session[session.length - 1] as ProcessInfo;
    const ipmitool = c.sessionIpmitool === null ? [] : [proc(110, last.pid, c.sessionIpmitool)];
    const result = classifyConsoles({
      processes: [proc(50, 1, ['/usr/bin/python3', '/usr/bin/ironic-conductor']), listener, ...session, ...ipmitool],
      listeners: ListenerTable.of([{ family: 'ipv4', address: '0.0.0.0', port: c.port, pids: [100] }]),
      files: [pidFile(c.pidFile, 100)],
      privileged: true,
    });
    expect(result.consoles).toHaveLength(1);
    expect(result.consoles[0]).toMatchObject({ pid: 100, nodeUuid: c.nodeUuid, port: c.port, listening: true });
    expect(result.orphans).toEqual([]);
    expect(result.unmanaged).toEqual([]);
  });
});
