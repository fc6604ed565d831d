import { describe, expect, it } from 'vitest';
import { conductorUserOf } from '../../src/observe/conductor-user.js';
import type { ProcessInfo } from '../../src/observe/types.js';
import { buildDaemon, buildProcess } from '../helpers/builders.js';

const conductor = (overrides: Partial<ProcessInfo>): ProcessInfo =>
  buildProcess({ pid: 100, argv: ['/usr/bin/python3', '/usr/bin/ironic-conductor', '--config-file', '/etc/ironic/ironic.conf'], ...overrides });
const ironic = { uid: 106, user: 'ironic' };
const root = { uid: 0, user: 'root' };
const mallory = { uid: 1001, user: 'mallory' };
const nobody = { uid: 65534, user: 'nobody' };
const kolla = { uid: 42422, user: '42422' };
const console = (pid: number) => buildDaemon({ pid });

describe('conductorUserOf: who the conductor runs as', () => {
  it.each([
    { what: 'the running ironic-conductor (Debian: ironic)', processes: [conductor(ironic)], expected: { name: 'ironic', uid: 106, source: 'ironic-conductor process' } },
    { what: 'ironic-conductor as argv[0] (the e2e lab: root)', processes: [conductor({ ...root, argv: ['ironic-conductor', '--config-file', 'x'] })], expected: { name: 'root', uid: 0, source: 'ironic-conductor process' } },
    { what: 'a container user the host has no account for (kolla)', processes: [conductor(kolla)], expected: { uid: 42422, source: 'ironic-conductor process' } },
    { what: "a dead conductor's consoles", processes: [buildProcess({ pid: 200, ...ironic })], expected: { name: 'ironic', uid: 106, source: 'console processes' } },
    { what: 'nothing: root', processes: [], expected: { name: 'root', uid: 0, source: 'default' } },
  ])('$what', ({ processes, expected }) => {
    expect(conductorUserOf(processes, [console(200)])).toMatchObject(expected);
  });

  it.each([
    { what: 'a local user’s process named ironic-conductor', processes: [conductor(mallory)] },
    { what: 'nobody’s console-shaped socat, the only console on a host whose conductor is dead', processes: [buildProcess({ pid: 200, ...nobody })] },
  ])('never lets $what choose the user', ({ processes }) => {
    expect(conductorUserOf(processes, [console(200)])).toMatchObject({ name: 'root', uid: 0, source: 'default' });
  });

  // Ironic 32.0+ runs the conductor under cotyledon, which sets process titles (setproctitle):
  // one cmdline element padded with NULs, "<argv0 basename>: master process [<argv>]" and
  // "<argv0 basename>: <service> worker(<n>)"; socat is a child of a worker (as seen on
  // Debian sid's 39.0 in the e2e lab: "ironic-conductor: ServiceWrapper worker(0)").
  const MASTER = ['ironic-conductor: master process [/usr/bin/ironic-conductor --config-file /etc/ironic/ironic.conf]'];
  const WORKER = ['ironic-conductor: ServiceWrapper worker(0)'];
  it.each([
    { what: 'a titled master and its worker', processes: [conductor({ ...ironic, argv: MASTER }), conductor({ ...ironic, pid: 101, argv: WORKER })] },
    { what: 'a worker left after its master exited', processes: [conductor({ ...ironic, pid: 101, argv: WORKER })] },
    { what: 'a worker whose cmdline kept NUL padding', processes: [conductor({ ...ironic, pid: 101, argv: [...WORKER, '', '', ''] })] },
    { what: 'a titled master whose cmdline kept NUL padding', processes: [conductor({ ...ironic, argv: [...MASTER, '', ''] })] },
  ])('Ironic 32.0+ (cotyledon titles): $what', ({ processes }) => {
    expect(conductorUserOf(processes, [])).toMatchObject({ name: 'ironic', uid: 106, source: 'ironic-conductor process' });
  });

  it('never lets a local user’s process titled like a conductor worker choose the user', () => {
    expect(conductorUserOf([conductor({ ...mallory, argv: WORKER })], [])).toMatchObject({ name: 'root', source: 'default' });
  });

  it('skips a rule whose processes disagree, and says so', () => {
    const user = conductorUserOf([conductor(ironic), conductor({ ...root, pid: 101 })], []);
    expect(user).toMatchObject({ name: 'root', source: 'default', notes: ['ironic-conductor processes run as different users'] });
  });
});
