import { describe, expect, it } from 'vitest';
import { buildKillCommand, consoleIdentity } from '../../src/apply/kill-command.js';
import { parseKillOutput } from '../../src/apply/kill-output.js';
import { buildRemoveFileCommand, parseRemoveFileOutput } from '../../src/apply/remove-file-command.js';
import { buildConsoleProbe } from '../../src/apply/wait-for-console.js';
import { wrapForHost } from '../../src/transport/host-command.js';
import { buildHostSpec } from '../helpers/builders.js';
import { NODE_1, buildKillAction, buildRemoveFileAction, socatRef } from './plan-builders.js';

const SOCAT = [
  'socat',
  '-T600',
  `-L/tmp/${NODE_1}.pid`,
  'TCP4-LISTEN:10001,bind=127.0.0.1,reuseaddr,fork,max-children=1',
  `EXEC:ipmitool -I lanplus -H 10.0.0.10 -L ADMINISTRATOR -U admin -y 0123456789abcdef -f /tmp/${NODE_1}.pw sol activate,pty,stderr`,
];
/** `-p 623` is ipmitool's BMC port inside the ONE `-s` element: never shellinaboxd's `-p`. */
const SHELLINABOX = ['/usr/bin/shellinaboxd', '-t', '-p', '10002', `--background=/var/lib/ironic/tmp/${NODE_1}.pid`, '-s', '/:997:997:HOME:ipmitool -I lanplus -H 10.0.0.10 -p 623 -y 0123456789abcdef -E sol activate'];
const IPMITOOL = ['ipmitool', '-I', 'lanplus', '-H', '10.0.0.10', '-L', 'ADMINISTRATOR', '-U', 'admin', '-y', '0123456789abcdef', '-f', '/tmp/x.pw', 'sol', 'activate'];

describe('consoleIdentity: whole argv elements that identify a console and carry no secret', () => {
  it.each([
    { name: 'socat listener', argv: SOCAT, identity: { argv0: 'socat', anchors: [`-L/tmp/${NODE_1}.pid`, 'TCP4-LISTEN:10001,bind=127.0.0.1,reuseaddr,fork,max-children=1'] } },
    { name: 'socat on IPv6', argv: ['socat', '-L/p/u.pid', 'TCP6-LISTEN:10001,bind=[::1],fork', 'EXEC:ipmitool sol activate'], identity: { argv0: 'socat', anchors: ['-L/p/u.pid', 'TCP6-LISTEN:10001,bind=[::1],fork'] } },
    { name: 'socat with a separate -L', argv: ['socat', '-L', '/p/u.pid', 'TCP4-LISTEN:1,fork', 'EXEC:ipmitool sol activate'], identity: { argv0: 'socat', anchors: ['-L', '/p/u.pid', 'TCP4-LISTEN:1,fork'] } },
    { name: "shellinaboxd by full path, ipmitool's -p 623 inside -s", argv: SHELLINABOX, identity: { argv0: 'shellinaboxd', anchors: ['-p', '10002', `--background=/var/lib/ironic/tmp/${NODE_1}.pid`] } },
    { name: 'ipmitool', argv: IPMITOOL, identity: { argv0: 'ipmitool', anchors: ['-H', '10.0.0.10', 'sol', 'activate'] } },
    { name: 'something else', argv: ['sleep', '600'], identity: null },
    { name: 'a bare socat (no console shape)', argv: ['socat'], identity: null },
    { name: 'socat that is no console (no EXEC)', argv: ['socat', 'TCP-LISTEN:1,fork', 'TCP:127.0.0.1:2'], identity: null },
    { name: 'no argv (not visible)', argv: [], identity: null },
  ])('$name', ({ argv, identity }) => {
    expect(consoleIdentity(argv)).toEqual(identity);
  });
});

describe('buildKillCommand', () => {
  const action = buildKillAction({
    processes: [socatRef({ argv: SOCAT }), { pid: 3002, startTicks: 500_100, uid: 997, argv: SOCAT }, { pid: 3003, startTicks: 500_101, uid: 997, argv: IPMITOOL }],
  });
  const script = buildKillCommand(action, {});

  it.each([
    { name: 'names the listener and its pid file', line: `L=3001 LT='' T='' NS='' LCL='' PF=/tmp/${NODE_1}.pid` },
    { name: 'checks the listener first, by start time, uid and argv', line: `ident 3001 500001 997 socat -L/tmp/${NODE_1}.pid TCP4-LISTEN:10001,bind=127.0.0.1,reuseaddr,fork,max-children=1; R=$?` },
    { name: 'kills nothing when the listener is another process', line: 'if [ $R = 1 ]; then echo "SKIP pid-reused $L"; echo DONE; exit 0; fi' },
    { name: 'kills nothing when the listener has no console identity', line: 'if [ $R = 3 ]; then echo "SKIP unrecognised $L"; echo DONE; exit 0; fi' },
    { name: 'checks each session on its own', line: `check 3002 500100 997 socat -L/tmp/${NODE_1}.pid TCP4-LISTEN:10001,bind=127.0.0.1,reuseaddr,fork,max-children=1` },
    { name: 'checks ipmitool by its BMC', line: 'check 3003 500101 997 ipmitool -H 10.0.0.10 sol activate' },
    { name: 'sends TERM in target order (listener first)', line: 'for _e in $T; do kill -TERM ${_e%%:*} 2>/dev/null; done' },
    { name: 'waits 5 s for TERM by default', line: 'settle 50' },
    { name: 'then KILLs what is left and waits 2 s', line: '_r=$(left); if [ -n "$_r" ]; then kill -KILL $_r 2>/dev/null; settle 20; fi' },
    { name: 'ends by saying it ran to its end', line: 'echo DONE' },
  ])('$name', ({ line }) => {
    expect(script.split('\n')).toContain(line);
  });

  it('gives the host nothing to compare for a process with no console argv, so the host refuses it', () => {
    const lines = buildKillCommand(buildKillAction({ processes: [socatRef({ argv: [] }), { pid: 3002, startTicks: 1, uid: 997, argv: ['sleep', '600'] }] })).split('\n');
    expect(lines).toContain("ident 3001 500001 997 ''; R=$?");
    expect(lines).toContain("check 3002 1 997 ''");
  });

  it('never carries a secret of the observed argv, and never kills by pattern', () => {
    expect(script).not.toContain('0123456789abcdef');
    expect(script).not.toMatch(/pkill|killall|kill -9 -|kill -TERM -/);
  });

  it('takes its waits from the options', () => {
    const lines = buildKillCommand(action, { termWaitMs: 250, killWaitMs: 50 }).split('\n');
    expect(lines).toContain('settle 3');
    expect(lines).toContain('_r=$(left); if [ -n "$_r" ]; then kill -KILL $_r 2>/dev/null; settle 1; fi');
  });

  it('quotes a pid file path with spaces and quotes', () => {
    const lines = buildKillCommand(buildKillAction({ pidFile: "/tmp/it's here.pid" })).split('\n');
    expect(lines).toContain(`L=3001 LT='' T='' NS='' LCL='' PF='/tmp/it'\\''s here.pid'`);
  });

  it('removes the pid file only after the listener is gone, inside the conductor container when there is one', () => {
    const plain = buildKillCommand(buildKillAction()).split('\n');
    expect(plain).toContain('  if [ $R = 0 ] && same $L $LT; then echo "PIDFILE kept"; else sh -c "$PFS" sh "$PF" "$L" "$NS"; fi');
    const kolla = buildKillCommand(buildKillAction(), { container: { runtime: 'podman', name: 'ironic_conductor' } }).split('\n');
    expect(kolla).toContain('  if [ $R = 0 ] && same $L $LT; then echo "PIDFILE kept"; else podman exec ironic_conductor sh -c "$PFS" sh "$PF" "$L" "$NS"; fi');
  });

  it('leaves the pid file alone when the action names none', () => {
    expect(buildKillCommand(buildKillAction({ pidFile: null }))).toContain("PF=''");
  });
});

describe('parseKillOutput', () => {
  const none = { gone: [], alive: [], reused: [], refused: [] };
  it.each([
    { name: 'a whole tree ended', text: 'GONE 3001\nGONE 3002\nGONE 3003\nPIDFILE removed\nDONE\n', report: { ...none, gone: [3001, 3002, 3003], pidFile: 'removed', complete: true } },
    { name: 'a reused listener', text: 'SKIP pid-reused 3001\nDONE\n', report: { ...none, skipped: 'pid-reused 3001', complete: true } },
    { name: 'a listener with no console identity', text: 'SKIP unrecognised 3001\nDONE\n', report: { ...none, skipped: 'unrecognised 3001', complete: true } },
    { name: 'a session whose pid was reused', text: 'REUSED 3002\nGONE 3001\nPIDFILE absent\nDONE', report: { ...none, gone: [3001], reused: [3002], pidFile: 'absent', complete: true } },
    { name: 'a target refused for want of identity', text: 'REFUSED 3009\nGONE 3001\nDONE', report: { ...none, gone: [3001], refused: [3009], complete: true } },
    { name: 'a process that survived KILL', text: 'GONE 3002\nALIVE 3001\nPIDFILE kept\nDONE\n', report: { ...none, gone: [3002], alive: [3001], pidFile: 'kept', complete: true } },
    { name: 'a listener already gone, seen twice', text: 'GONE 3001\nGONE 3001\nDONE\n', report: { ...none, gone: [3001], complete: true } },
    { name: 'a script cut short', text: 'GONE 3001\n', report: { ...none, gone: [3001], complete: false } },
    { name: 'sudo refusing', text: '', report: { ...none, complete: false } },
    { name: 'noise around the lines', text: '  GONE 12 \nwarning: something\nGONE x\nPIDFILE weird\nDONE', report: { ...none, gone: [12], complete: true } },
  ])('$name', ({ text, report }) => {
    expect(parseKillOutput(text)).toEqual(report);
  });
});

describe('buildRemoveFileCommand', () => {
  it.each([
    { name: 'a pid file naming a pid', action: buildRemoveFileAction({ path: '/tmp/a.pid', expectPid: 3001 }), first: 'F=/tmp/a.pid K=pid E=3001' },
    { name: 'an empty or garbage pid file', action: buildRemoveFileAction({ path: '/tmp/a.pid', expectPid: null }), first: "F=/tmp/a.pid K=pid E=''" },
    { name: 'a credential file', action: buildRemoveFileAction({ path: '/tmp/a b.pw', expectPid: null, fileKind: 'pw' }), first: "F='/tmp/a b.pw' K=pw E=''" },
  ])('$name', ({ action, first }) => {
    const lines = buildRemoveFileCommand(action).split('\n');
    expect(lines[0]).toBe(first);
    expect(lines).toContain('if rm -f -- "$F"; then echo REMOVED; else echo FAILED; fi');
    // The path must still be the scanned regular file: never a symlink, same device, inode, owner, mtime.
    expect(lines).toContain(`ID='${action.expect.device} ${action.expect.inode} ${action.expect.uid} ${action.expect.mtime}'`);
    expect(lines).toContain('if [ -L "$F" ]; then echo "KEPT symlink"; exit 0; fi');
    expect(lines).toContain(`S=$(stat -c '%d %i %u %Y' -- "$F" 2>/dev/null) || { echo "KEPT cannot-stat"; exit 0; }`);
    expect(lines).toContain('[ "$S" = "$ID" ] || { echo "KEPT not-the-scanned-file"; exit 0; }');
    expect(lines.indexOf('[ "$S" = "$ID" ] || { echo "KEPT not-the-scanned-file"; exit 0; }')).toBeLessThan(lines.indexOf('if rm -f -- "$F"; then echo REMOVED; else echo FAILED; fi'));
    expect(lines).toContain(`    case "$NL$L$NL" in *"$NL-L$F$NL"*|*"$NL--background=$F$NL"*) echo "KEPT in-use"; exit 0;; esac`);
  });
});

describe('parseRemoveFileOutput', () => {
  it.each([
    { text: 'REMOVED\n', status: 'removed', detail: 'removed' },
    { text: 'ABSENT\n', status: 'absent', detail: 'already gone' },
    { text: 'KEPT names-other-pid\n', status: 'kept', detail: 'names-other-pid' },
    { text: 'KEPT in-use\n', status: 'kept', detail: 'in-use' },
    { text: 'FAILED\n', status: 'failed', detail: 'rm failed' },
    { text: '', status: 'failed', detail: 'no answer from the removal script' },
  ])('$text → $status', ({ text, status, detail }) => {
    expect(parseRemoveFileOutput(text)).toEqual({ status, detail });
  });
});

describe('wrapForHost', () => {
  it.each([
    { host: buildHostSpec({ sudo: false }), command: 'sh -s' },
    { host: buildHostSpec({ sudo: true }), command: 'sudo -n sh -s' },
    { host: buildHostSpec({ sudo: true, sudoUser: 'ironic' }), command: 'sudo -n -u ironic sh -s' },
    { host: buildHostSpec({ sudo: true, sudoUser: "o'neil" }), command: `sudo -n -u 'o'\\''neil' sh -s` },
  ])('$command', ({ host, command }) => {
    expect(wrapForHost(host, 'echo hi\n')).toEqual({ command, stdin: 'echo hi\n' });
  });

  it.each([
    { name: "as the console's user with sudo", host: buildHostSpec({ sudo: true }), asUser: 'ironic', command: 'sudo -n -u ironic sh -s' },
    { name: 'as a uid without a name', host: buildHostSpec({ sudo: true }), asUser: '#42422', command: "sudo -n -u '#42422' sh -s" },
    { name: 'as root: the host prefix', host: buildHostSpec({ sudo: true }), asUser: 'root', command: 'sudo -n sh -s' },
    { name: 'as root with a sudo user: the host prefix', host: buildHostSpec({ sudo: true, sudoUser: 'admin' }), asUser: 'root', command: 'sudo -n -u admin sh -s' },
    { name: 'without sudo: as the login user', host: buildHostSpec({ sudo: false }), asUser: 'ironic', command: 'sh -s' },
  ])('least privilege: $name', ({ host, asUser, command }) => {
    expect(wrapForHost(host, 'x', 'host', asUser).command).toBe(command);
  });

  it.each([
    { where: 'host' as const, command: 'sudo -n sh -s' },
    { where: 'conductor' as const, command: 'sudo -n docker exec -i ironic_conductor sh -s' },
  ])('runs on the $where of a containerised conductor as $command', ({ where, command }) => {
    const host = buildHostSpec({ sudo: true, container: { runtime: 'docker', name: 'ironic_conductor' } });
    expect(wrapForHost(host, 'x', where).command).toBe(command);
    expect(wrapForHost(buildHostSpec({ sudo: false }), 'x', where).command).toBe('sh -s');
  });

  it.each([
    { host: buildHostSpec({ sudo: true }), asUser: 'ironic', command: 'sudo -n -u ironic sh -s' },
    { host: buildHostSpec({ sudo: true }), asUser: '#42422', command: "sudo -n -u '#42422' sh -s" },
    { host: buildHostSpec({ sudo: true }), asUser: 'root', command: 'sudo -n sh -s' },
    { host: buildHostSpec({ sudo: true, sudoUser: 'ops' }), asUser: undefined, command: 'sudo -n -u ops sh -s' },
    { host: buildHostSpec({ sudo: false }), asUser: 'ironic', command: 'sh -s' },
  ])('runs as $asUser: $command', ({ host, asUser, command }) => {
    expect(wrapForHost(host, 'x', 'conductor', asUser).command).toBe(command);
  });
});

describe('buildConsoleProbe', () => {
  it('looks for the node pid file in argv and a listening socket on the port, without matching itself', () => {
    const probe = buildConsoleProbe(NODE_1, 10001);
    expect(probe).toContain(`grep -lE -- '${NODE_1}[.]pid' /proc/[0-9]*/cmdline`);
    expect(probe).toContain(`grep -Eq '^ *[0-9]+: [0-9A-F]+:2711 [0-9A-F]+:[0-9A-F]+ 0A ' /proc/net/tcp /proc/net/tcp6`);
  });
});
