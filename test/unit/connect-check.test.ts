import { describe, expect, it } from 'vitest';
import { buildConnectCheck, parseConnectCheck, sudoCheckPassed, sudoChecks } from '../../src/observe/connect-check.js';
import { buildHostSpec } from '../helpers/builders.js';

describe('sudoChecks: the exact commands scan and fix run, each with a harmless script', () => {
  it.each([
    { name: 'no sudo: nothing to check', host: buildHostSpec({ sudo: false }), user: 'ironic', commands: [] },
    { name: "sudo: scan as root, fix as the conductor's user", host: buildHostSpec({ sudo: true }), user: 'ironic', commands: [['scan', 'sudo -n sh -s'], ['fix', 'sudo -n -u ironic sh -s']] },
    { name: 'no conductor process seen: fix as ironic', host: buildHostSpec({ sudo: true }), user: null, commands: [['scan', 'sudo -n sh -s'], ['fix', 'sudo -n -u ironic sh -s']] },
    { name: 'a uid without a name', host: buildHostSpec({ sudo: true }), user: '42422', commands: [['scan', 'sudo -n sh -s'], ['fix', "sudo -n -u '#42422' sh -s"]] },
    { name: 'a conductor running as root', host: buildHostSpec({ sudo: true }), user: 'root', commands: [['scan', 'sudo -n sh -s'], ['fix', 'sudo -n sh -s']] },
    { name: 'a container: fix needs root for docker exec', host: buildHostSpec({ sudo: true, container: { runtime: 'docker', name: 'ironic_conductor' } }), user: 'ironic', commands: [['scan', 'sudo -n sh -s'], ['fix', 'sudo -n sh -s']] },
  ])('$name', ({ host, user, commands }) => {
    expect(sudoChecks(host, user).map((c) => [c.use, c.command.command])).toEqual(commands);
  });

  it('runs harmless scripts that first print ok; scan also checks the container and ironic.conf', () => {
    const host = buildHostSpec({ sudo: true, container: { runtime: 'docker', name: 'ironic_conductor' } });
    const [scan, fix] = sudoChecks(host, 'ironic');
    expect(scan!.command.stdin.split('\n')[0]).toBe('echo ok');
    expect(scan!.command.stdin).toContain("docker inspect -f '{{.State.Running}}' ironic_conductor");
    expect(scan!.command.stdin).toContain('docker exec ironic_conductor test -r /etc/ironic/ironic.conf');
    expect(fix!.command.stdin).toBe('echo ok\n');
    expect(sudoCheckPassed('ok\ncontainer=yes\n')).toBe(true);
    expect(sudoCheckPassed('sudo: a password is required\n')).toBe(false);
    expect(sudoCheckPassed('')).toBe(false);
  });

  it('never runs anything under sudo in the login check of a sudo host (a strict sudoers refuses it)', () => {
    expect(buildConnectCheck(buildHostSpec({ sudo: true }))).not.toContain('sudo');
  });

  it('reads the conductor user', () => {
    expect(parseConnectCheck('user=op\nconductor_user=ironic\nss=yes\n')).toMatchObject({ user: 'op', conductorUser: 'ironic', ss: true });
    expect(parseConnectCheck('user=op\nconductor_user=\n').conductorUser).toBeNull();
  });
});
