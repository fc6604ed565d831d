import { describe, expect, it } from 'vitest';
import { ListenerTable } from '../../src/observe/listener-table.js';
import { classifyConsoles, type ClassifyInput } from '../../src/observe/classify-consoles.js';
import type { HostFile, ListenSocket, ProcessInfo } from '../../src/observe/types.js';

const NODE = '6f1c1d52-55a4-4a57-b0a4-8c1a3c7f0d11';
const PID_FILE = `/var/lib/ironic/tmp/${NODE}.pid`;
const IPMITOOL = `ipmitool -I lanplus -H 10.0.0.7 -L ADMINISTRATOR -U admin -f /var/lib/ironic/tmp/${NODE}.pw sol activate`;
const SOCAT = ['socat', '-T600', `-L${PID_FILE}`, 'TCP4-LISTEN:10001,bind=192.0.2.10,reuseaddr,fork,max-children=1', `EXEC:"${IPMITOOL}",pty,stderr`];
const SHELLINABOX = ['shellinaboxd', '-t', '-p', '10002', `--background=${PID_FILE}`, '-s', `/:995:995:HOME:${IPMITOOL}`];

function proc(pid: number, ppid: number, argv: readonly string[], overrides: Partial<ProcessInfo> = {}): ProcessInfo {
  return { pid, ppid, uid: 0, user: 'root', state: 'S', startTicks: pid * 10, argv, nsPids: [pid], ...overrides };
}
const ipmitool = (pid: number, ppid: number) => proc(pid, ppid, IPMITOOL.split(' '));
function pidFile(pid: number | null, overrides: Partial<HostFile> = {}): HostFile {
  return { path: PID_FILE, kind: 'pid', nodeUuid: NODE, pid, device: 1, inode: 2, type: 'regular', mode: '644', uid: 0, owner: 'root', mtime: 1, ...overrides };
}
function socket(port: number, pids: number[]): ListenSocket {
  return { family: 'ipv4', address: '192.0.2.10', port, pids };
}
function input(overrides: Partial<Omit<ClassifyInput, 'listeners'>> & { listeners?: readonly ListenSocket[] }): ClassifyInput {
  const { listeners = [], ...rest } = overrides;
  return { processes: [], files: [], privileged: true, ...rest, listeners: ListenerTable.of(listeners) };
}

describe('classifyConsoles', () => {
  it.each([
    {
      what: 'an unrelated socat relay is nothing',
      input: input({ processes: [proc(10, 1, ['socat', 'TCP-LISTEN:9000,fork', 'TCP:db:3306'])], listeners: [socket(9000, [10])] }),
      consoles: [],
      orphans: [],
      unmanaged: [],
    },
    {
      what: 'a socat listener with a session child and its ipmitool',
      input: input({ processes: [proc(10, 5, SOCAT), proc(11, 10, SOCAT), ipmitool(12, 11)], listeners: [socket(10001, [10])], files: [pidFile(10)] }),
      consoles: [{ pid: 10, port: 10001, sessionPids: [11, 12], listening: true, bindAddress: '192.0.2.10' }],
      orphans: [],
      unmanaged: [],
    },
    {
      what: 'a reparented session child (root: owns no socket, lock names another pid)',
      input: input({ processes: [proc(11, 1, SOCAT), ipmitool(12, 11)], files: [pidFile(10)] }),
      consoles: [],
      orphans: [{ pid: 11, pids: [11, 12], nodeUuid: NODE, bmc: '10.0.0.7' }],
      unmanaged: [],
    },
    {
      what: 'without root: the lock file names the listener',
      input: input({ privileged: false, processes: [proc(10, 5, SOCAT), proc(11, 1, SOCAT), ipmitool(12, 11)], listeners: [socket(10001, [])], files: [pidFile(10)] }),
      consoles: [{ pid: 10, listening: null, sessionPids: [] }],
      orphans: [{ pid: 11, pids: [11, 12] }],
      unmanaged: [],
    },
    {
      what: 'without root or lock file: a socat running ipmitool itself is a session',
      input: input({ privileged: false, processes: [proc(10, 5, SOCAT), proc(11, 1, SOCAT), ipmitool(12, 11)] }),
      consoles: [{ pid: 10 }],
      orphans: [{ pid: 11 }],
      unmanaged: [],
    },
    {
      what: 'a socat console without a lock file is unmanaged',
      input: input({ processes: [proc(10, 5, SOCAT.filter((a) => !a.startsWith('-L'))), proc(11, 10, SOCAT.filter((a) => !a.startsWith('-L'))), ipmitool(12, 11)] }),
      consoles: [],
      orphans: [],
      unmanaged: [{ pid: 10 }],
    },
    {
      what: 'shellinaboxd: listener, its helper, and a session under the helper',
      input: input({
        processes: [proc(20, 1, SHELLINABOX), proc(21, 20, SHELLINABOX), proc(22, 21, SHELLINABOX), ipmitool(23, 22)],
        listeners: [{ family: 'ipv4', address: '0.0.0.0', port: 10002, pids: [20] }],
        files: [pidFile(20)],
      }),
      consoles: [{ type: 'shellinabox', pid: 20, port: 10002, helperPids: [21], sessionPids: [22, 23], listening: true }],
      orphans: [],
      unmanaged: [],
    },
    {
      what: 'shellinaboxd without a --background pid file is unmanaged',
      input: input({ processes: [proc(20, 1, SHELLINABOX.filter((a) => !a.startsWith('--background'))), proc(21, 20, SHELLINABOX.filter((a) => !a.startsWith('--background')))] }),
      consoles: [],
      orphans: [],
      unmanaged: [{ pid: 20 }],
    },
    {
      what: 'a lone ipmitool sol activate is an orphan',
      input: input({ processes: [ipmitool(30, 1)] }),
      consoles: [],
      orphans: [{ pid: 30, pids: [30], nodeUuid: NODE, bmc: '10.0.0.7' }],
      unmanaged: [],
    },
    {
      what: 'a zombie named by the pid file is noted as a zombie daemon',
      input: input({ processes: [proc(40, 5, [], { state: 'Z', comm: 'socat' })], files: [pidFile(40)] }),
      consoles: [{ pid: 40, zombie: true, listening: false, type: 'socat' }],
      orphans: [],
      unmanaged: [],
    },
    {
      what: "a zombie socat 1.8 (comm socat1) named by the pid file is noted as a zombie daemon",
      input: input({ processes: [proc(41, 5, [], { state: 'Z', comm: 'socat1' })], files: [pidFile(41)] }),
      consoles: [{ pid: 41, zombie: true, listening: false, type: 'socat' }],
      orphans: [],
      unmanaged: [],
    },
    {
      what: 'in a container the pid file holds the container pid',
      input: input({ privileged: false, processes: [proc(4242, 4200, SOCAT, { nsPids: [4242, 17] })], files: [pidFile(17)] }),
      consoles: [{ pid: 4242, containerPid: 17 }],
      orphans: [],
      unmanaged: [],
    },
    {
      what: 'a listener in another network namespace: its socket cannot be seen',
      input: input({ processes: [proc(50, 5, SOCAT)], foreignNetNs: new Set([50]) }),
      consoles: [{ pid: 50, listening: null }],
      orphans: [],
      unmanaged: [],
    },
  ])('$what', ({ input: given, consoles, orphans, unmanaged }) => {
    const result = classifyConsoles(given);
    expect(result.consoles).toHaveLength(consoles.length);
    consoles.forEach((expected, i) => expect(result.consoles[i]).toMatchObject(expected));
    expect(result.orphans).toHaveLength(orphans.length);
    orphans.forEach((expected, i) => expect(result.orphans[i]).toMatchObject(expected));
    expect(result.unmanaged).toHaveLength(unmanaged.length);
    unmanaged.forEach((expected, i) => expect(result.unmanaged[i]).toMatchObject(expected));
  });

  describe('socat is the child of a forked conductor worker (Ironic 32.0+)', () => {
    const master = proc(5, 1, ['ironic-conductor: master process [/usr/bin/ironic-conductor]']);
    const worker = proc(6, 5, ['ironic-conductor: ServiceWrapper worker(0)']);
    it.each([
      { what: 'under its worker', listenerPpid: 6, privileged: true },
      { what: 'under its worker, without root', listenerPpid: 6, privileged: false },
      { what: 'reparented to pid 1 after the worker exited', listenerPpid: 1, privileged: true },
      { what: 'reparented to pid 1 after the worker exited, without root', listenerPpid: 1, privileged: false },
    ])('a listener $what with a connected client is one console', ({ listenerPpid, privileged }) => {
      const processes = [master, ...(listenerPpid === 6 ? [worker] : []), proc(10, listenerPpid, SOCAT), proc(11, 10, SOCAT), ipmitool(12, 11)];
      const result = classifyConsoles(input({ privileged, processes, listeners: [socket(10001, privileged ? [10] : [])], files: [pidFile(10)] }));
      expect(result.consoles).toEqual([expect.objectContaining({ pid: 10, sessionPids: [11, 12] })]);
      expect(result.orphans).toEqual([]);
      expect(result.unmanaged).toEqual([]);
    });

    it('two workers each with a console of another node: two consoles, no duplicate session', () => {
      const other = SOCAT.map((a) => a.replace(NODE, '7f1c1d52-55a4-4a57-b0a4-8c1a3c7f0d12').replace('10001', '10003'));
      const processes = [master, worker, proc(7, 5, ['ironic-conductor: ServiceWrapper worker(1)']), proc(10, 6, SOCAT), proc(20, 7, other), proc(21, 20, other)];
      const result = classifyConsoles(input({ processes, listeners: [socket(10001, [10]), socket(10003, [20])], files: [pidFile(10)] }));
      expect(result.consoles.map((c) => [c.pid, c.sessionPids])).toEqual([[10, []], [20, [21]]]);
    });
  });

  it('recognises IPv6 listen addresses and shell-quoted EXEC', () => {
    const argv = ['socat', `-L${PID_FILE}`, 'TCP6-LISTEN:10005,bind=[2001:db8::1],reuseaddr,fork', `EXEC:'${IPMITOOL}',pty`];
    const [daemon] = classifyConsoles(input({ processes: [proc(60, 5, argv)], listeners: [socket(10005, [60])] })).consoles;
    expect(daemon).toMatchObject({ port: 10005, bindAddress: '2001:db8::1', nodeUuid: NODE, listening: true });
  });
});
