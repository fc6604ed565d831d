/**
 * The built binary end to end against a real sshd (in its own PID namespace, so it is a
 * "host" of its own), real socat daemons started through that sshd exactly as Ironic
 * starts them, and a local HTTP Ironic with Ironic 21.4's response shapes.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ironicNode, startFakeIronic, type FakeServer } from '../helpers/fake-ironic.js';
import { freePort, generateKey, runOnSshd, startSshd, type SshdHandle } from '../helpers/sshd.js';
import { runTool } from '../helpers/run-tool.js';


const nodeA = randomUUID(); // enabled, owned by conductor-a: its daemon is right
const nodeB = randomUUID(); // enabled, owned by conductor-b (dead, not in the inventory): a stray copy on conductor-a
const nodeC = randomUUID(); // console disabled: its daemon is left behind
const PORTS = { a: 24701, b: 24702, c: 24703 };


describe('console-doctor binary against a real sshd and real socat daemons', () => {
  let sshd: SshdHandle;
  let ironic: FakeServer;
  let dir: string;
  let env: Record<string, string>;
  let common: string[];
  const listenerPids = new Map<string, number>();

  /** Runs a command on the "host" through the system ssh client. */
  function onHost(command: string): string {
    return runOnSshd(sshd, join(dir, 'known_hosts'), command, 10_000);
  }

  function startSocat(uuid: string, port: number): number {
    const pidFile = join(dir, 'tmp', `${uuid}.pid`);
    const cmd = `ipmitool -I lanplus -H 127.0.0.1 -L ADMINISTRATOR -U admin -f ${join(dir, 'tmp', `${uuid}.pw`)} sol activate`;
    onHost(
      `setsid socat -T600 -L${pidFile} TCP4-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork,max-children=1 'EXEC:"${cmd}",pty,stderr' </dev/null >/dev/null 2>&1 & ` +
        `for i in $(seq 50); do [ -s ${pidFile} ] && break; sleep 0.1; done; cat ${pidFile}`,
    );
    // socat's lock file holds its pid in the host's PID namespace as seen from the login.
    return Number(readFileSync(pidFile, 'utf8').trim());
  }

  function alive(pid: number): boolean {
    return onHost(`[ -d /proc/${pid} ] && echo yes || echo no`).trim() === 'yes';
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cd-cli-'));
    spawnSync('mkdir', ['-p', join(dir, 'tmp'), join(dir, 'home')]);
    sshd = await startSshd({ pidNamespace: true });
    writeFileSync(join(dir, 'known_hosts'), `${sshd.knownHostsLine}\n`);
    writeFileSync(
      join(dir, 'inventory.yaml'),
      [
        'hosts:',
        '  conductor-a:',
        `    address: ${sshd.address}`,
        `    port: ${sshd.port}`,
        `    user: ${sshd.user}`,
        `    identity_file: ${sshd.clientKeyPath}`,
        `    ironic_conf: ${join(dir, 'ironic.conf')}`,
        `    tempdir: ${join(dir, 'tmp')}`,
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'ironic.conf'), '[DEFAULT]\nhost = conductor-a\n[database]\nconnection = mysql+pymysql://ironic:SECRETPW@db/ironic\n');
    listenerPids.set(nodeA, startSocat(nodeA, PORTS.a));
    listenerPids.set(nodeB, startSocat(nodeB, PORTS.b));
    listenerPids.set(nodeC, startSocat(nodeC, PORTS.c));
    ironic = await startFakeIronic({
      nodes: [
        ironicNode(nodeA, 'node-a', 'conductor-a', PORTS.a),
        ironicNode(nodeB, 'node-b', 'conductor-b', PORTS.b),
        ironicNode(nodeC, 'node-c', 'conductor-a', PORTS.c, { console_enabled: false }),
      ],
      conductors: [
        { hostname: 'conductor-a', conductor_group: '', alive: true },
        { hostname: 'conductor-b', conductor_group: '', alive: false },
      ],
    });
    env = {
      HOME: join(dir, 'home'),
      OS_AUTH_TYPE: 'none',
      OS_ENDPOINT: ironic.url,
      CONSOLE_DOCTOR_AUDIT_DB: join(dir, 'audit.db'),
      NO_COLOR: '1',
    };
    common = ['-i', join(dir, 'inventory.yaml'), '--known-hosts-file', join(dir, 'known_hosts')];
  }, 60_000);

  afterAll(async () => {
    await ironic?.close();
    await sshd?.stop(); // ends the PID namespace and every daemon started inside it
    rmSync(dir, { recursive: true, force: true });
  });

  it('inventory --connect logs in and reports the host ready', async () => {
    const result = await runTool(['inventory', '--connect', ...common], env);
    expect(result.stderr).not.toContain('Error');
    expect(result.stdout).toMatch(/conductor-a\s+root@127\.0\.0\.1:\d+\s+-\s+ok/);
    expect(result.stdout).toContain('1 of 1 hosts ready');
    expect(result.code).toBe(0);
  });

  it('scan --format json reports exactly the stray and the disabled console, and exits 2', async () => {
    const metrics = join(dir, 'metrics.prom');
    const result = await runTool(['scan', ...common, '--format', 'json', '--metrics-file', metrics], env);
    const report = JSON.parse(result.stdout) as { schema: string; exit_code: number; findings: { kind: string; node_uuid: string | null; host: string; pids: number[] }[] };
    expect(report.schema).toBe('console-doctor/scan@1');
    const kinds = report.findings.map((f) => `${f.kind}:${f.node_uuid}`).sort();
    expect(kinds).toEqual([`console-disabled:${nodeC}`, `wrong-host:${nodeB}`].sort());
    const stray = report.findings.find((f) => f.kind === 'wrong-host');
    expect(stray?.host).toBe('conductor-a');
    expect(stray?.pids).toContain(listenerPids.get(nodeB));
    expect(result.code).toBe(2);
    expect(report.exit_code).toBe(2);
    expect(readFileSync(metrics, 'utf8')).toMatch(/console_doctor_findings\{kind="wrong-host",severity="critical"\} 1/);
    expect(result.stdout + result.stderr).not.toContain('SECRETPW');
  });

  it('scan prints a table grouped by host and a summary line', async () => {
    const result = await runTool(['scan', ...common], env);
    expect(result.stdout).toContain('conductor-a');
    expect(result.stdout).toContain('wrong-host');
    expect(result.stdout).toContain('console-disabled');
    expect(result.stdout).toMatch(/1 hosts? scanned/);
    expect(result.code).toBe(2);
  });

  it('fix refuses to act without a terminal or --yes, and --dry-run changes nothing', async () => {
    const noYes = await runTool(['fix', ...common], env);
    expect(noYes.code).toBe(3);
    expect(noYes.stderr).toContain('--yes');
    const dry = await runTool(['fix', ...common, '--dry-run'], env);
    expect(dry.stdout, dry.stdout + dry.stderr).toContain('Plan: 2 actions');
    expect(dry.code).toBe(2);
    for (const pid of listenerPids.values()) expect(alive(pid)).toBe(true);
  });

  it('fix --yes kills the stray and the disabled console, leaves the right one, and the final scan is clean', async () => {
    const result = await runTool(['fix', ...common, '--yes'], env);
    expect(result.stderr).toMatch(/done\s+kill/);
    expect(result.code).toBe(0);
    expect(alive(listenerPids.get(nodeB)!)).toBe(false);
    expect(alive(listenerPids.get(nodeC)!)).toBe(false);
    expect(alive(listenerPids.get(nodeA)!)).toBe(true);
    expect(existsSync(join(dir, 'tmp', `${nodeB}.pid`))).toBe(false);
    expect(existsSync(join(dir, 'tmp', `${nodeA}.pid`))).toBe(true);
    const again = await runTool(['scan', ...common, '--format', 'json'], env);
    expect(JSON.parse(again.stdout).findings).toEqual([]);
    expect(again.code).toBe(0);
  });

  it('history shows the fix with its actions', async () => {
    const list = await runTool(['history', '--json'], env);
    const runs = JSON.parse(list.stdout).runs as { id: number; command: string }[];
    const fix = runs.find((r) => r.command === 'fix' && r.id === Math.max(...runs.filter((x) => x.command === 'fix').map((x) => x.id)));
    expect(fix).toBeDefined();
    const show = await runTool(['history', 'show', String(fix!.id), '--json'], env);
    const detail = JSON.parse(show.stdout) as { actions: { kind: string; status: string; node_uuid: string }[] };
    expect(detail.actions.map((a) => `${a.kind}:${a.status}:${a.node_uuid}`).sort()).toEqual(
      [`kill:done:${nodeB}`, `kill:done:${nodeC}`].sort(),
    );
    expect(list.code).toBe(0);
  });

  it('fix --plan-out saves the plan, and fix --plan applies it only after a fresh scan confirms it', async () => {
    const stray = startSocat(randomUUID(), 24704); // a node Ironic does not know: unknown-node
    const planFile = join(dir, 'plan.json');
    const planned = await runTool(['fix', ...common, '--dry-run', '--plan-out', planFile], env);
    expect(planned.code).toBe(1);
    const plan = JSON.parse(readFileSync(planFile, 'utf8')) as { schema: string; actions: { kind: string; processes: { pid: number }[] }[] };
    expect(plan.schema).toBe('console-doctor/plan@2');
    expect(plan.actions.map((a) => [a.kind, a.processes[0]?.pid])).toEqual([['kill', stray]]);
    expect(alive(stray)).toBe(true);
    const applied = await runTool(['fix', ...common, '--plan', planFile, '--yes'], env);
    expect(applied.code).toBe(0);
    expect(alive(stray)).toBe(false);
    // The same plan again: its process is gone, so a fresh scan drops the action and nothing is done.
    const stale = await runTool(['fix', ...common, '--plan', planFile, '--yes'], env);
    expect(stale.stderr).toContain('dropped from saved plan');
    expect(stale.code).toBe(0);
  });

  it('scan --wait-clean re-scans until the fleet is clean, then reports the last scan', async () => {
    const stray = startSocat(randomUUID(), 24705);
    const waiting = runTool(['scan', ...common, '--wait-clean', '30s', '--interval', '1s', '--format', 'json'], env);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    onHost(`kill ${stray}`); // the stray this test started, by its pid
    const result = await waiting;
    expect(result.stderr).toMatch(/scan 1 not clean \(exit 1\)/);
    expect(JSON.parse(result.stdout).findings).toEqual([]);
    expect(result.code).toBe(0);
  });

  it('scan --wait-clean gives up at the deadline with the last scan\'s exit code', async () => {
    const stray = startSocat(randomUUID(), 24706);
    const result = await runTool(['scan', ...common, '--wait-clean', '2s', '--interval', '1s', '--format', 'json'], env);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).findings.map((f: { kind: string }) => f.kind)).toEqual(['unknown-node']);
    onHost(`kill ${stray}`);
  });

  it('bad input: an unknown host key is one line naming the host, exit 3, no stack trace', async () => {
    const emptyKnownHosts = join(dir, 'empty_known_hosts');
    writeFileSync(emptyKnownHosts, '');
    writeFileSync(join(dir, 'home', '.placeholder'), '');
    const result = await runTool(['scan', '-i', join(dir, 'inventory.yaml'), '--known-hosts-file', emptyKnownHosts, '--format', 'json'], env);
    expect(result.code).toBe(3);
    const report = JSON.parse(result.stdout) as { findings: { kind: string; message: string }[] };
    expect(report.findings.map((f) => f.kind)).toEqual(['unreachable']);
    expect(report.findings[0]!.message).toMatch(/host key .* is not known/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('bad input: broken hosts each get one line naming host and cause, exit 3, and do not stop the good one', async () => {
    const silent = createServer(() => undefined); // accepts TCP, never speaks SSH
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentPort = (silent.address() as AddressInfo).port;
    const closedPort = await freePort();
    const otherKey = join(dir, 'other_key');
    generateKey(otherKey);
    const changed = join(dir, 'changed_known_hosts');
    const otherHostKey = generateKey(join(dir, 'other_host_key'));
    writeFileSync(changed, `[${sshd.address}]:${sshd.port} ${otherHostKey}\n`);
    const host = (name: string, extra: string[]) => [`  ${name}:`, `    address: ${sshd.address}`, `    user: root`, ...extra.map((l) => `    ${l}`)];
    writeFileSync(
      join(dir, 'mixed.yaml'),
      [
        'ssh:',
        '  connect_timeout: 2s',
        'hosts:',
        ...host('good', [`port: ${sshd.port}`, `identity_file: ${sshd.clientKeyPath}`]),
        ...host('wrong-key', [`port: ${sshd.port}`, `identity_file: ${otherKey}`]),
        ...host('refused', [`port: ${closedPort}`, `identity_file: ${sshd.clientKeyPath}`]),
        ...host('silent', [`port: ${silentPort}`, `identity_file: ${sshd.clientKeyPath}`]),
        ...host('via-dead-jump', [`port: ${sshd.port}`, `identity_file: ${sshd.clientKeyPath}`, `jump: root@127.0.0.1:${closedPort}`]),
        '',
      ].join('\n'),
    );
    try {
      const result = await runTool(['inventory', '--connect', '-i', join(dir, 'mixed.yaml'), '--known-hosts-file', join(dir, 'known_hosts')], { ...env, SSH_AUTH_SOCK: '' });
      expect(result.code).toBe(3);
      const row = (name: string): string => result.stdout.split('\n').find((l) => l.startsWith(`${name} `)) ?? '';
      expect(row('good')).toMatch(/\sok\s/);
      expect(row('wrong-key')).toMatch(/failed.*authentication failed/);
      expect(row('refused')).toMatch(/failed.*connection refused/);
      expect(row('silent')).toMatch(/failed.*no SSH answer within 2s/);
      expect(row('via-dead-jump')).toMatch(/failed.*jump host root@127\.0\.0\.1:\d+: connection refused/);
      expect(result.stdout).toContain('1 of 5 hosts ready');
      // A changed host key is refused in strict mode, naming the host and the offered fingerprint.
      const changedRun = await runTool(['inventory', '--connect', ...common.slice(0, 2), '--known-hosts-file', changed], env);
      expect(changedRun.code).toBe(3);
      expect(changedRun.stdout).toMatch(/conductor-a .*has CHANGED: offered ED25519 SHA256:\S+/);
      expect(result.stderr + changedRun.stderr).not.toMatch(/\n\s+at /);
    } finally {
      silent.close();
    }
  });

  it('a host whose probe hangs times out as unreachable while the others are scanned', async () => {
    const fifo = join(dir, 'hung-ironic.conf');
    spawnSync('mkfifo', [fifo]); // reading it blocks forever: the probe hangs on this host
    writeFileSync(
      join(dir, 'hang.yaml'),
      [
        'ssh:',
        '  command_timeout: 4s', // conductor-a's probe must finish meanwhile, even on a loaded 2-core CI machine
        'hosts:',
        '  conductor-a:',
        `    address: ${sshd.address}`,
        `    port: ${sshd.port}`,
        '    user: root',
        `    identity_file: ${sshd.clientKeyPath}`,
        `    ironic_conf: ${join(dir, 'ironic.conf')}`,
        `    tempdir: ${join(dir, 'tmp')}`,
        '  hangs:',
        `    address: ${sshd.address}`,
        `    port: ${sshd.port}`,
        '    user: root',
        `    identity_file: ${sshd.clientKeyPath}`,
        `    ironic_conf: ${fifo}`,
        '    conductor_name: conductor-h',
        '',
      ].join('\n'),
    );
    const started = Date.now();
    const result = await runTool(['scan', '-i', join(dir, 'hang.yaml'), '--known-hosts-file', join(dir, 'known_hosts'), '--format', 'json'], env);
    expect(Date.now() - started).toBeLessThan(15_000);
    const report = JSON.parse(result.stdout) as { findings: { kind: string; host: string; message: string }[]; hosts: { name: string; ok: boolean }[] };
    expect(report.hosts.map((h) => [h.name, h.ok])).toEqual([['conductor-a', true], ['hangs', false]]);
    expect(report.findings.find((f) => f.host === 'hangs')?.message).toMatch(/command timed out after 4s/);
    expect(result.code).toBe(3);
  });

  it('bad input: a broken inventory lists every problem as file:path: message, exit 3', async () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'hosts:\n  ctl1:\n    address: 127.0.0.1\n    port: abc\n  ctl2:\n    sudo_usr: x\n');
    const result = await runTool(['scan', '-i', broken], env);
    expect(result.code).toBe(3);
    const lines = result.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.some((l) => l.includes(`${broken}:hosts.ctl1.port`))).toBe(true);
    expect(lines.some((l) => l.includes('sudo_usr'))).toBe(true);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('usage errors exit 3 with a hint', async () => {
    const result = await runTool(['scan', ...common, '--format', 'yaml'], env);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('--help');
  });
});
