/**
 * Adversarial: least privilege (issue 10, item 11). A conductor host (a real sshd in its own
 * PID namespace) whose sudoers allows the operator exactly the documented lines and nothing
 * else: scan works, a console owned by the unprivileged `ironic` user is killed as `ironic`
 * (`sudo -n -u ironic sh -s`), and `inventory --connect` reports which of those commands work.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import { compareFleet } from '../../src/compare/compare-fleet.js';
import { observeHost } from '../../src/observe/observe-host.js';
import { DEFAULT_POLICY, planFixes } from '../../src/plan/plan-fixes.js';
import type { KillAction } from '../../src/plan/types.js';
import type { ExecOptions, ExecResult, RemoteShell } from '../../src/transport/types.js';
import { buildConductor, buildDesired, buildNode } from '../helpers/builders.js';
import { socatConsoleArgv } from '../helpers/console-daemons.js';
import { startNamespacedHost, type NamespacedHost } from '../helpers/namespaced-host.js';
import { freePort } from '../helpers/sshd.js';

const BIN = new URL('../../bin/console-doctor.js', import.meta.url).pathname;
const tag = String(process.pid % 100_000);
/** The operator console-doctor logs in as: the README's two sudoers lines. */
const OPERATOR = `cdop${tag}`;
/** An operator with only the scan line. */
const SCAN_ONLY = `cdscan${tag}`;
const SUDOERS = `/etc/sudoers.d/console-doctor-test-${tag}`;

/** The README's sudoers lines for scan and fix, for one operator. */
export function sudoersLines(operator: string, consoleUser: string): string[] {
  return [`${operator} ALL=(root) NOPASSWD: /bin/sh -s`, `${operator} ALL=(${consoleUser}) NOPASSWD: /bin/sh -s`];
}

const haveSudo = spawnSync('sh', ['-c', 'command -v sudo && id ironic && command -v useradd'], { encoding: 'utf8' }).status === 0;

let lab: NamespacedHost;
let nodeUuid: string;
let listener: number;

function sh(command: string): void {
  const result = spawnSync('sh', ['-c', command], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command}: ${result.stderr}`);
}

beforeAll(async () => {
  if (!haveSudo) return;
  for (const user of [OPERATOR, SCAN_ONLY]) sh(`id ${user} >/dev/null 2>&1 || useradd -M -s /bin/sh -p '*' ${user}`);
  const draft = join(tmpdir(), `cd-sudoers-${tag}`);
  writeFileSync(draft, [...sudoersLines(OPERATOR, 'ironic'), `${SCAN_ONLY} ALL=(root) NOPASSWD: /bin/sh -s`, ''].join('\n'), { mode: 0o440 });
  sh(`visudo -cf ${draft} >/dev/null && mv ${draft} ${SUDOERS}`);
  lab = await startNamespacedHost();
  // sshd reads authorized_keys as the user logging in: let the operators reach it (keys stay 0600).
  sh(`chmod 0711 ${lab.sshd.dir} && chmod 0644 ${lab.sshd.authorizedKeysFile}`);
  // A stand-in conductor process owned by `ironic`, as inventory --connect looks for one.
  copyFileSync('/bin/sleep', join(lab.dir, 'ironic-conductor'));
  await lab.run(`chmod 0755 ${lab.dir}/ironic-conductor; setsid runuser -u ironic -- ${lab.dir}/ironic-conductor 600 </dev/null >/dev/null 2>&1 &`);
  nodeUuid = randomUUID();
  listener = await lab.startConsole(socatConsoleArgv({ nodeUuid, port: await freePort(), pidDir: lab.dir, user: 'ironic' }));
}, 90_000);

afterAll(async () => {
  if (!haveSudo) return;
  await lab?.stop(); // ends the PID namespace and every process in it
  rmSync(SUDOERS, { force: true });
  for (const user of [OPERATOR, SCAN_ONLY]) spawnSync('userdel', [user]);
});

/** Passes commands through to a real shell and keeps them, to see how each ran. */
class RecordingShell implements RemoteShell {
  readonly commands: string[] = [];
  constructor(private readonly inner: RemoteShell) {}
  get host() {
    return this.inner.host;
  }
  exec(command: string, options?: ExecOptions): Promise<ExecResult> {
    this.commands.push(command);
    return this.inner.exec(command, options);
  }
  close(): void {
    this.inner.close();
  }
}

describe.skipIf(!haveSudo)('a sudoers file with only the documented lines', () => {
  it('lets scan see the console owned by ironic, and fix kill it as ironic', async () => {
    const host = lab.host({ user: OPERATOR, sudo: true });
    const shell = new RecordingShell(await lab.connector.connect(host));
    try {
      const observation = await observeHost(shell);
      expect(shell.commands).toEqual(['sudo -n sh -s']);
      expect(observation.privileged).toBe(true);
      expect(observation.consoles.map((c) => [c.nodeUuid, c.pid])).toEqual([[nodeUuid, listener]]);

      const desired = buildDesired({ nodes: [buildNode({ uuid: nodeUuid, consoleEnabled: false, conductor: 'conductor-x' })], conductors: [buildConductor({ hostname: 'conductor-x' })] });
      const scans = [{ host: 'conductor-x', ok: true as const, observation, durationMs: 1 }];
      const report = compareFleet({ desired, scans, hosts: [host] });
      const plan = planFixes(report, { scans, desired, desiredComplete: true }, { ...DEFAULT_POLICY, force: true });
      const kill = plan.actions.find((a): a is KillAction => a.kind === 'kill');
      expect(kill).toMatchObject({ nodeUuid, runAs: 'ironic' });

      const outcomes = await applyPlan({ ...plan, actions: [kill!] }, {
        shellFor: async () => shell,
        ironic: { restartConsole: () => Promise.reject(new Error('no restart')), checkNodeGone: () => Promise.resolve({ gone: true as const }) },
        kill: { termWaitMs: 2_000, killWaitMs: 1_000 },
      });

      expect(outcomes.map((o) => o.status)).toEqual(['done']);
      expect(shell.commands.slice(1)).toEqual(['sudo -n -u ironic sh -s']);
      expect(await lab.alive(listener)).toBe(false);
    } finally {
      shell.close();
    }
  }, 90_000);

  it('inventory --connect checks exactly those commands and says which work', async () => {
    const inventory = join(lab.dir, 'inventory.yaml');
    const entry = (name: string, user: string) => {
      const host = lab.host();
      return [`  ${name}:`, `    address: ${host.address}`, `    port: ${host.port}`, `    user: ${user}`, `    identity_file: ${host.identityFiles[0]}`, '    sudo: true', `    ironic_conf: ${host.ironicConf}`];
    };
    writeFileSync(inventory, ['hosts:', ...entry('full', OPERATOR), ...entry('scan-only', SCAN_ONLY), ''].join('\n'));
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'inventory', '--connect', '-i', inventory, '--known-hosts-file', lab.knownHosts], {
        env: { PATH: process.env.PATH ?? '', HOME: tmpdir(), NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.on('close', (code) => resolve({ code, stdout }));
    });
    const row = (name: string): string => result.stdout.split('\n').find((l) => l.startsWith(`${name} `)) ?? '';
    expect(row('full')).toMatch(new RegExp(`\\sok\\s+logged in as ${OPERATOR}; scan: sudo -n sh -s ok; fix: sudo -n -u ironic sh -s ok$`));
    expect(row('scan-only')).toMatch(/\sproblem\s+fix: sudo -n -u ironic sh -s refused$/);
    expect(result.code).toBe(3);
  }, 90_000);
});
