import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { HostSpec } from '../../src/inventory/types.js';
import { parseProbeOutput } from '../../src/observe/parse-probe-output.js';
import { buildHostSpec } from '../helpers/builders.js';

/**
 * Real probe output captured on a host running: socat consoles with both quotings and
 * on ::1, a shellinaboxd, a client on each (session children and ipmitool), a socat whose
 * listener was killed -9 (its session child orphaned), an unrelated
 * `socat TCP-LISTEN TCP:`, a stale pid file and .pw files. See README.md next to it.
 */
const FIXTURES = join(import.meta.dirname, '../fixtures/probe');
const scenario = JSON.parse(readFileSync(join(FIXTURES, 'scenario.json'), 'utf8')) as {
  dir: string;
  ports: Record<'plain' | 'shell' | 'ipv6' | 'shellinabox' | 'orphaned' | 'unrelated', number>;
  uuids: string[];
  listeners: Record<'plain' | 'shell' | 'ipv6' | 'shellinabox' | 'killedListener' | 'unrelated', number>;
  stalePidFile: string;
};
const uuid = (i: number): string => scenario.uuids[i] as string;

function buildHost(overrides: Partial<HostSpec> = {}): HostSpec {
  return buildHostSpec({
    name: 'conductor-1.lab',
    connection: 'local',
    user: undefined,
    sudo: false,
    ironicConf: join(scenario.dir, 'ironic.conf'),
    ...overrides,
  });
}

const fixture = (name: string): string => readFileSync(join(FIXTURES, `${name}.txt`), 'utf8');
const ours = (uuids: readonly (string | null)[]) => uuids.filter((u) => u !== null && scenario.uuids.includes(u));

describe.each([
  { name: 'root-ss', privileged: true },
  { name: 'root-proc', privileged: true },
  { name: 'nobody-ss', privileged: false },
])('parseProbeOutput on $name', ({ name, privileged }) => {
  const observation = parseProbeOutput(fixture(name), buildHost());
  const consoleFor = (i: number) => observation.consoles.filter((c) => c.nodeUuid === uuid(i));

  it.each([
    { node: 0, type: 'socat', port: scenario.ports.plain, pid: scenario.listeners.plain, bind: '127.0.0.1' },
    { node: 1, type: 'socat', port: scenario.ports.shell, pid: scenario.listeners.shell, bind: '127.0.0.1' },
    { node: 2, type: 'socat', port: scenario.ports.ipv6, pid: scenario.listeners.ipv6, bind: '::1' },
    { node: 3, type: 'shellinabox', port: scenario.ports.shellinabox, pid: scenario.listeners.shellinabox, bind: null },
  ])('finds the $type console of node $node on its port', ({ node, type, port, pid, bind }) => {
    const found = consoleFor(node);
    expect(found).toHaveLength(1);
    const daemon = found[0]!;
    expect(daemon).toMatchObject({ type, port, pid, bindAddress: bind, zombie: false, containerPid: null });
    expect(daemon.pidFile).toBe(join(scenario.dir, `${uuid(node)}.pid`));
    expect(daemon.listening).toBe(privileged ? true : null);
    // A client is connected to each: a session child (or shellinabox session) and its ipmitool.
    expect(daemon.sessionPids).toHaveLength(2);
    const sessionArgv = daemon.sessionPids.map((p) => observation.processes.find((q) => q.pid === p)?.argv[0]);
    expect(sessionArgv).toContain('ipmitool');
    expect(daemon.helperPids).toHaveLength(type === 'shellinabox' ? 1 : 0);
  });

  it('reports the session child of the killed listener, with its ipmitool, as an orphan', () => {
    const orphans = observation.orphans.filter((o) => o.nodeUuid === uuid(4));
    expect(orphans).toHaveLength(1);
    expect(orphans[0]!.pid).not.toBe(scenario.listeners.killedListener);
    expect(orphans[0]!.pids).toHaveLength(2);
    expect(orphans[0]!.bmc).toBe('127.0.0.1');
    expect(consoleFor(4)).toEqual([]);
  });

  it('does not take the unrelated socat or anything else for a console', () => {
    const pids = [...observation.consoles.map((c) => c.pid), ...observation.unmanaged.map((u) => u.pid)];
    expect(pids).not.toContain(scenario.listeners.unrelated);
    expect(ours(observation.consoles.map((c) => c.nodeUuid)).sort()).toEqual([uuid(0), uuid(1), uuid(2), uuid(3)]);
    expect(ours(observation.orphans.map((o) => o.nodeUuid))).toEqual([uuid(4)]);
    expect(observation.unmanaged).toEqual([]);
  });

  it('sees the pid and password files, reading pids only where it may', () => {
    const stale = observation.files.find((f) => f.path === scenario.stalePidFile);
    expect(stale).toMatchObject({ kind: 'pid', nodeUuid: uuid(5), pid: 4194000 });
    const pw = observation.files.filter((f) => f.kind === 'pw' && f.path.startsWith(scenario.dir));
    expect(pw.map((f) => f.nodeUuid).sort()).toEqual([...scenario.uuids].sort());
    expect(pw.every((f) => f.mode === '600' && f.owner === 'root' && f.pid === null)).toBe(true);
    const plain = observation.files.find((f) => f.path === join(scenario.dir, `${uuid(0)}.pid`));
    expect(plain?.pid).toBe(privileged ? scenario.listeners.plain : null);
  });

  it('reads the settings from the filtered ironic.conf', () => {
    expect(observation.conductorName).toBe('conductor-1');
    expect(observation.settings).toMatchObject({
      host: 'conductor-1',
      tempdir: scenario.dir,
      terminalPidDir: scenario.dir,
      pidDir: scenario.dir,
      portRange: '23000:23499',
      socatAddress: '127.0.0.1',
    });
    expect(observation.privileged).toBe(privileged);
    expect(observation.bootId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('keeps no secret of an argv', () => {
    const text = JSON.stringify(observation);
    expect(fixture(name)).toContain('topsecretpw');
    expect(text).not.toContain('topsecretpw');
    expect(text).not.toContain('0123456789abcdef0123456789abcdef01234567');
    expect(text).toContain('-y ***');
  });

  it('lists every listening socket of the scenario with its family', () => {
    const byPort = (port: number) => observation.listeners.onPort(port)[0];
    expect(byPort(scenario.ports.ipv6)).toMatchObject({ family: 'ipv6', address: '::1' });
    expect(byPort(scenario.ports.shellinabox)).toMatchObject({ family: 'ipv4', address: '0.0.0.0' });
    expect(byPort(scenario.ports.plain)?.pids).toEqual(privileged ? [scenario.listeners.plain] : []);
  });
});

describe('parseProbeOutput overrides and errors', () => {
  it.each([
    { overrides: {}, expected: 'conductor-1' },
    { overrides: { conductorName: 'cond-a' }, expected: 'cond-a' },
    { overrides: { settings: { host: 'from-inventory' } }, expected: 'from-inventory' },
  ])('names the conductor $expected', ({ overrides, expected }) => {
    expect(parseProbeOutput(fixture('root-ss'), buildHost(overrides)).conductorName).toBe(expected);
  });

  it('lets inventory settings win over ironic.conf', () => {
    const settings = parseProbeOutput(fixture('root-ss'), buildHost({ settings: { terminalPidDir: '/run/ironic' } })).settings;
    expect(settings).toMatchObject({ pidDir: '/run/ironic', tempdir: scenario.dir });
  });

  it.each([
    { what: 'no header', text: 'hello\n', message: /conductor-1.lab: probe output has no header/ },
    { what: 'cut short', text: fixture('root-ss').split('@@cd probe0 end@@')[0]!, message: /conductor-1.lab: probe output was cut short/ },
    {
      what: 'a stat section without one process (sed without -z)',
      text: fixture('root-ss').replace(/@@cd probe0 stat@@\n[^@]*/, '@@cd probe0 stat@@\n\n'),
      message: /conductor-1.lab: the probe read no process from \/proc \(it needs a grep with -z\)/,
    },
    {
      what: 'a broken meta section',
      text: fixture('root-ss').replace(/uid=\d+/, 'uid='),
      message: /conductor-1.lab: malformed meta section/,
    },
  ])('throws an InternalError naming host and section on $what', ({ text, message }) => {
    expect(() => parseProbeOutput(text, buildHost())).toThrow(message);
  });

  it('drops a broken stat record with a warning naming host and record, and keeps the host', () => {
    const text = fixture('root-ss').replace(/@@cd probe0 stat@@\n/, '@@cd probe0 stat@@\n/proc/4190001/stat\n4190001 (x) ? nonsense$\n');
    const observation = parseProbeOutput(text, buildHost());
    expect(observation.processes.some((p) => p.pid === 4190001)).toBe(false);
    expect(observation.consoles.filter((c) => scenario.uuids.includes(c.nodeUuid))).toHaveLength(4);
    expect(observation.warnings).toContain('conductor-1.lab: dropped an unreadable stat record: /proc/4190001/stat: 4190001 (x) ? nonsense');
  });

  it('ignores files in a directory no conductor setting or conductor-run console names, with one warning', () => {
    const evil = `/home/mallory/evil/${uuid(0)}.pw`;
    const text = fixture('root-ss').replace('@@cd probe0 files@@\n', `@@cd probe0 files@@\n2049 77 8180 600 1001 mallory 1 6 ${evil}\n`);
    const observation = parseProbeOutput(text, buildHost());
    expect(observation.files.map((f) => f.path)).not.toContain(evil);
    expect(observation.warnings).toContain(
      'conductor-1.lab: ignored 1 pid/password file(s) in directories no conductor setting or conductor-run console names (/home/mallory/evil)',
    );
    expect(observation.fileDirs).toContainEqual({ dir: scenario.dir, source: 'ironic.conf' });
    expect(observation.conductorUser).toMatchObject({ name: 'root', uid: 0 });
  });

  it('ignores forged section headers (the nonce does not match)', () => {
    const forged = fixture('root-ss').replace('@@cd probe0 end@@', '@@cd other files@@\n600 0 root 1 /etc/shadow.pid\n@@cd probe0 end@@');
    expect(parseProbeOutput(forged, buildHost()).files.map((f) => f.path)).not.toContain('/etc/shadow.pid');
  });
});
