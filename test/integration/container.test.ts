/**
 * A conductor in a container with its own PID namespace, as kolla-ansible runs
 * `ironic_conductor`: the host's `ps` shows host PIDs while the pid files hold container
 * PIDs. The "host" is a real sshd in its own PID and mount namespace; the "container" is a
 * nested PID namespace inside it, and `docker` is a stand-in (bind-mounted over
 * /usr/local/bin in the host's mount namespace only) that runs `docker exec` with nsenter.
 * Everything else is real: socat started inside the container as Ironic starts it, the
 * probe, the kill and the pid-file removal, through the built binary.
 */
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeIronic, type FakeServer } from '../helpers/fake-ironic.js';
import { runOnSshd, startSshd, type SshdHandle } from '../helpers/sshd.js';
import { runTool } from '../helpers/run-tool.js';

const enabled = randomUUID();
const disabled = randomUUID();


describe('a conductor in a container with its own PID namespace (kolla)', () => {
  let dir: string;
  let sshd: SshdHandle;
  let ironic: FakeServer;
  let env: Record<string, string>;
  let args: string[];

  function onHost(command: string): string {
    return runOnSshd(sshd, join(dir, 'known_hosts'), command, 15_000);
  }

  const socat = (uuid: string, port: number): string =>
    `socat -T600 -L${dir}/ctr-tmp/${uuid}.pid TCP4-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork,max-children=1 ` +
    `'EXEC:"ipmitool -I lanplus -H 127.0.0.1 -L ADMINISTRATOR -U admin -f ${dir}/ctr-tmp/${uuid}.pw sol activate",pty,stderr'`;

  /** The host PIDs of a node's socat (not the shell that started it), from the host's side of the namespaces. */
  function hostPidsOf(uuid: string): number[] {
    return onHost(`for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline 2>/dev/null | grep -q -- '^socat -T600 -L${dir}/ctr-tmp/${uuid}.pid' && echo \${p#/proc/}; done; true`)
      .split('\n')
      .filter(Boolean)
      .map(Number);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cd-ctr-'));
    for (const sub of ['bin', 'ctr-tmp', 'containers']) mkdirSync(join(dir, sub));
    // `docker exec [-i] NAME CMD…` enters the container's PID and mount namespaces.
    writeFileSync(
      join(dir, 'bin', 'docker'),
      `#!/bin/sh\ncmd=$1; shift\ncase "$cmd" in\n  exec) [ "$1" = -i ] && shift; name=$1; shift\n     exec nsenter -t "$(cat ${dir}/containers/$name.pid)" -p -m -- "$@" ;;\n  inspect) echo true ;;\n  *) echo "stand-in docker: $cmd unsupported" >&2; exit 2 ;;\nesac\n`,
    );
    chmodSync(join(dir, 'bin', 'docker'), 0o755);
    writeFileSync(join(dir, 'ironic.conf'), `[DEFAULT]\nhost = conductor-k\ntempdir = ${dir}/ctr-tmp\n`);
    sshd = await startSshd({ pidNamespace: true, bindMounts: [[join(dir, 'bin'), '/usr/local/bin']] });
    writeFileSync(join(dir, 'known_hosts'), `${sshd.knownHostsLine}\n`);
    // The container: a nested PID namespace whose init starts both consoles, as a conductor would.
    onHost(
      `setsid unshare --pid --fork --mount-proc sh -c '${socat(enabled, 24801).replace(/'/g, `'\\''`)} & ${socat(disabled, 24802).replace(/'/g, `'\\''`)} & exec sleep 100000' </dev/null >/dev/null 2>&1 & ` +
        `u=$!; for i in $(seq 50); do c=$(ps -o pid= --ppid $u | tr -d ' '); [ -n "$c" ] && break; sleep 0.1; done; echo $c > ${dir}/containers/ironic_conductor.pid; ` +
        `for i in $(seq 50); do [ -s ${dir}/ctr-tmp/${enabled}.pid ] && [ -s ${dir}/ctr-tmp/${disabled}.pid ] && break; sleep 0.1; done`,
    );
    writeFileSync(
      join(dir, 'inventory.yaml'),
      ['hosts:', '  ctl-k:', `    address: ${sshd.address}`, `    port: ${sshd.port}`, '    user: root', `    identity_file: ${sshd.clientKeyPath}`, `    ironic_conf: ${join(dir, 'ironic.conf')}`, '    container: docker:ironic_conductor', ''].join('\n'),
    );
    const node = (uuid: string, name: string, on: boolean, port: number) => ({
      uuid, name, console_enabled: on, console_interface: 'ipmitool-socat', conductor: 'conductor-k', conductor_group: '',
      provision_state: 'active', maintenance: false, reservation: null, driver_info: { ipmi_terminal_port: port }, driver_internal_info: {},
    });
    ironic = await startFakeIronic({
      nodes: [node(enabled, 'kolla-1', true, 24801), node(disabled, 'kolla-2', false, 24802)],
      conductors: [{ hostname: 'conductor-k', conductor_group: '', alive: true }],
    });
    env = { HOME: dir, OS_AUTH_TYPE: 'none', OS_ENDPOINT: ironic.url, NO_COLOR: '1' };
    args = ['-i', join(dir, 'inventory.yaml'), '--known-hosts-file', join(dir, 'known_hosts'), '--no-audit'];
  }, 60_000);

  afterAll(async () => {
    await ironic?.close();
    await sshd?.stop(); // ends the host's PID namespace, the container's inside it, and the consoles
    rmSync(dir, { recursive: true, force: true });
  });

  it('the pid files hold container PIDs, unlike the host PIDs the probe sees', () => {
    const inFile = Number(readFileSync(join(dir, 'ctr-tmp', `${enabled}.pid`), 'utf8'));
    const [hostPid] = hostPidsOf(enabled);
    expect(hostPid).toBeGreaterThan(0);
    expect(inFile).not.toBe(hostPid);
  });

  it('scan maps container PIDs through NSpid: the right console is clean, the disabled one is found', async () => {
    const result = await runTool(['scan', ...args, '--format', 'json'], env);
    const report = JSON.parse(result.stdout) as { findings: { kind: string; node_uuid: string | null }[] };
    expect(report.findings.map((f) => `${f.kind} ${f.node_uuid}`).sort()).toEqual([`console-disabled ${disabled}`]);
    expect(result.code).toBe(1);
  });

  it('fix kills by host PID, removes the pid file inside the container, and leaves the right console', async () => {
    const [stray] = hostPidsOf(disabled);
    const [right] = hostPidsOf(enabled);
    const result = await runTool(['fix', ...args, '--yes'], env);
    expect(result.stderr, result.stdout + result.stderr).toMatch(/done\s+kill/);
    expect(result.code).toBe(0);
    // Gone, or a zombie its parent (the container's init here, the conductor on kolla) has not reaped.
    expect(onHost(`s=$(cut -d' ' -f3 /proc/${stray}/stat 2>/dev/null); [ -n "$s" ] && [ "$s" != Z ] && echo alive || echo gone`).trim(), result.stderr).toBe('gone');
    expect(hostPidsOf(enabled)).toEqual([right]);
    expect(existsSync(join(dir, 'ctr-tmp', `${disabled}.pid`))).toBe(false);
    expect(existsSync(join(dir, 'ctr-tmp', `${enabled}.pid`))).toBe(true);
  });
});
