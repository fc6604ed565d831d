/**
 * Adversarial suite, operator input (issue 10 items 8, 9, 10, 12): the built binary against
 * a real sshd in its own PID namespace, real socat daemons started through it, a fake
 * Ironic and a real SQLite audit trail. Each case is an attack or a fault an operator,
 * a broken environment or a local user on a conductor can cause.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ironicNode, startFakeIronic, type FakeServer } from '../helpers/fake-ironic.js';
import { runOnSshd, startSshd, type SshdHandle } from '../helpers/sshd.js';
import { BIN, runTool } from '../helpers/run-tool.js';

const owned = randomUUID(); // enabled, owned by conductor-a: its daemon is right
const straySingle = randomUUID(); // owned by the dead conductor-b: a stray here, password in single quotes
const strayEscaped = randomUUID(); // the same, the password in backslash-escaped double quotes
const stalePid = randomUUID(); // a pid file naming a process that is not a console
const SECRETS = ['Two Words-6666', 'Words-6666', 'Two Words-7777', 'Words-7777', 'Hunter-8888'];
const PORTS = { owned: 24751, single: 24752, escaped: 24753 };


describe('operator input against a real sshd, real socat and a fake Ironic', () => {
  let sshd: SshdHandle;
  let ironic: FakeServer;
  let dir: string;
  let env: Record<string, string>;
  let common: string[];

  function onHost(command: string): string {
    return runOnSshd(sshd, join(dir, 'known_hosts'), command, 30_000);
  }

  /** socat started from a script file, so the EXEC quoting is exactly what the test wrote. */
  function startSocat(uuid: string, port: number, passwordArg: string): void {
    const pidFile = join(dir, 'tmp', `${uuid}.pid`);
    const script = join(dir, `start-${uuid}.sh`);
    const exec = `EXEC:"ipmitool -I lanplus -H 127.0.0.1 -U admin ${passwordArg} -N 5 sol activate",pty,stderr`;
    writeFileSync(script, `setsid socat -T600 -L${pidFile} TCP4-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork,max-children=1 '${exec.replaceAll("'", `'\\''`)}' </dev/null >/dev/null 2>&1 &\nfor i in $(seq 50); do [ -s ${pidFile} ] && break; sleep 0.1; done\n`);
    onHost(`sh ${script}`);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cd-adv-op-'));
    spawnSync('mkdir', ['-p', join(dir, 'tmp'), join(dir, 'home'), join(dir, 'root')]);
    // A host of its own, with an empty /root: no login runs this machine's ~/.bashrc.
    sshd = await startSshd({ pidNamespace: true, bindMounts: [[join(dir, 'root'), '/root']] });
    writeFileSync(join(dir, 'known_hosts'), `${sshd.knownHostsLine}\n`);
    writeFileSync(join(dir, 'inventory.yaml'), ['hosts:', '  conductor-a:', `    address: ${sshd.address}`, `    port: ${sshd.port}`, `    user: ${sshd.user}`,
      `    identity_file: ${sshd.clientKeyPath}`, `    ironic_conf: ${join(dir, 'ironic.conf')}`, `    tempdir: ${join(dir, 'tmp')}`, ''].join('\n'));
    writeFileSync(join(dir, 'ironic.conf'), '[DEFAULT]\nhost = conductor-a\n');
    startSocat(owned, PORTS.owned, '-f /dev/null');
    startSocat(straySingle, PORTS.single, "-P 'Two Words-6666'");
    startSocat(strayEscaped, PORTS.escaped, '-P \\"Two Words-7777\\"');
    // A process that is no console, holding a secret in its argv, named by a pid file.
    const pid = onHost(`setsid sh -c 'sleep 600; :' holder --password=Hunter-8888 </dev/null >/dev/null 2>&1 & echo $!`).trim();
    writeFileSync(join(dir, 'tmp', `${stalePid}.pid`), `${pid}\n`);
    ironic = await startFakeIronic({
      nodes: [
        ironicNode(owned, 'node-owned', 'conductor-a', PORTS.owned, { conductor_group: 'rack1' }),
        ironicNode(straySingle, 'node-single', 'conductor-b', PORTS.single),
        ironicNode(strayEscaped, 'node-escaped', 'conductor-b', PORTS.escaped),
        { ...ironicNode(stalePid, 'node-stale', 'conductor-a', 24759), console_enabled: false },
      ],
      conductors: [{ hostname: 'conductor-a', conductor_group: 'rack1', alive: true }, { hostname: 'conductor-b', conductor_group: '', alive: false }],
    });
    env = { HOME: join(dir, 'home'), OS_AUTH_TYPE: 'none', OS_ENDPOINT: ironic.url, CONSOLE_DOCTOR_AUDIT_DB: join(dir, 'audit.db'), NO_COLOR: '1' };
    common = ['-i', join(dir, 'inventory.yaml'), '--known-hosts-file', join(dir, 'known_hosts')];
  }, 120_000);

  afterAll(async () => {
    await ironic?.close();
    await sshd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('filters that match nothing are usage errors (item 8)', () => {
    it('--host with a typo exits 3 in one line naming the inventory hosts, before any scan', async () => {
      const before = ironic.requests.length;
      const result = await runTool(['scan', ...common, '--host', 'conductor-aa'], env);
      expect(result.code).toBe(3);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/--host conductor-aa: no such host in the inventory \(did you mean "conductor-a"\?\)/)]);
      expect(ironic.requests.length).toBe(before);
    });

    it('--node with a name Ironic does not know exits 3 and suggests the close one', async () => {
      const result = await runTool(['scan', ...common, '--node', 'node-singel'], env);
      expect(result.code).toBe(3);
      expect(result.stdout).not.toContain('clean');
      expect(result.stderr).toMatch(/--node node-singel: no such node in Ironic or on any host \(did you mean "node-single"\?\)/);
    });

    it('--node accepts the 8-character short uuid the table prints', async () => {
      const result = await runTool(['scan', ...common, '--node', straySingle.slice(0, 8), '--format', 'json'], env);
      const report = JSON.parse(result.stdout) as { findings: { kind: string; node_uuid: string | null }[] };
      expect(report.findings.map((f) => f.node_uuid)).toEqual([straySingle]);
      expect(result.code).toBe(2);
    });

    it('--conductor-group that no node or conductor has exits 3 listing the groups', async () => {
      const result = await runTool(['scan', ...common, '--conductor-group', 'rack2'], env);
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/--conductor-group rack2: no such conductor group in Ironic \(did you mean "rack1"\?\)/);
    });
  });

  describe('secrets with spaces never reach output, plan files or the audit trail (item 10)', () => {
    it('text, JSON, JUnit, fix --dry-run --plan-out and the audit DB hold none of the secret bytes', async () => {
      const json = await runTool(['scan', ...common, '--format', 'json'], env);
      expect(json.stdout).toContain(straySingle);
      expect(json.stdout).toContain('stale-pidfile');
      const plan = join(dir, 'plan.json');
      const dry = await runTool(['fix', ...common, '--dry-run', '--plan-out', plan], env);
      expect(dry.stdout).toContain(strayEscaped.slice(0, 8));
      const text = await runTool(['scan', ...common], env);
      const junit = await runTool(['scan', ...common, '--format', 'junit'], env);
      expect(junit.stdout).toContain('<testsuite');
      const db = new Database(join(dir, 'audit.db'), { readonly: true });
      const dump = ['runs', 'findings', 'host_results'].map((t) => JSON.stringify(db.prepare(`SELECT * FROM ${t}`).all())).join('\n');
      db.close();
      for (const output of [json.stdout, json.stderr, dry.stdout, dry.stderr, readFileSync(plan, 'utf8'), text.stdout, junit.stdout, dump]) {
        for (const secret of SECRETS) expect(output).not.toContain(secret);
      }
      expect(json.stdout).toContain('-P ***');
    }, 180_000);
  });

  describe('durations are validated (item 9)', () => {
    it.each([
      ['fix', '--restart-timeout', '0s'],
      ['scan', '--wait-clean', '30d'],
      ['scan', '--command-timeout', '0'],
    ])('%s %s %s is a usage error', async (command, option, value) => {
      const result = await runTool([command, ...common, option, value], env);
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(new RegExp(`${option}.*(above 0|at most 24 days)`));
      expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(2); // the line and commander's "(run with --help for usage)"
    });
  });

  describe('history (item 12)', () => {
    it('history show abc says what is wrong', async () => {
      const result = await runTool(['history', 'show', 'abc'], env);
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/history show abc: .*run number/);
    });
  });

  describe('without a loadable better-sqlite3 (item 12)', () => {
    /** A copy of the built tool whose node_modules holds every package but a broken better-sqlite3. */
    function copyWithBrokenSqlite(): string {
      const root = join(dir, 'broken-install');
      const repo = join(BIN, '..', '..');
      for (const part of ['bin', 'dist', 'package.json']) cpSync(join(repo, part), join(root, part), { recursive: true });
      const modules = join(root, 'node_modules');
      mkdirSync(join(modules, 'better-sqlite3'), { recursive: true });
      for (const name of readdirSync(join(repo, 'node_modules'))) {
        if (name !== 'better-sqlite3' && !name.startsWith('.')) symlinkSync(join(repo, 'node_modules', name), join(modules, name));
      }
      writeFileSync(join(modules, 'better-sqlite3', 'package.json'), '{"name":"better-sqlite3","main":"index.js"}');
      writeFileSync(join(modules, 'better-sqlite3', 'index.js'), "throw new Error('Could not locate the bindings file.');");
      return join(root, 'bin', 'console-doctor.js');
    }

    it('--version, --help, inventory and scan --no-audit work; scan with auditing says what to do in one line', async () => {
      const bin = copyWithBrokenSqlite();
      const version = await runTool(['--version'], env, bin);
      expect([version.code, version.stderr]).toEqual([0, '']);
      expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
      const help = await runTool(['--help'], env, bin);
      expect([help.code, help.stderr]).toEqual([0, '']);
      const inventory = await runTool(['inventory', '-i', join(dir, 'inventory.yaml')], env, bin);
      expect(inventory.code).toBe(0);
      expect(inventory.stdout).toContain('conductor-a');
      const noAudit = await runTool(['scan', ...common, '--no-audit'], env, bin);
      expect(noAudit.code).toBe(2);
      expect(noAudit.stderr).not.toMatch(/\n\s+at /);
      const audited = await runTool(['scan', ...common, '--audit-db', join(dir, 'other.db')], env, bin);
      expect(audited.code).toBe(3);
      expect(audited.stderr.trim().split('\n').at(-1)).toMatch(/cannot load the SQLite driver better-sqlite3 .*--no-audit/);
      writeFileSync(join(dir, 'history.db'), '');
      const history = await runTool(['history', '--audit-db', join(dir, 'history.db')], env, bin);
      expect(history.code).toBe(3);
      expect(history.stderr).toMatch(/^console-doctor: audit database .*better-sqlite3/);
    }, 120_000);
  });
});
