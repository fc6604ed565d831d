/**
 * Adversarial: a saved plan is a proposal, not an order (issue 10, item 4). The built CLI
 * against a real sshd (its own PID namespace), real socat consoles started there as Ironic
 * starts them, and the fake Ironic: a saved plan is re-planned from a fresh scan, only what
 * the fresh plan holds is applied, the policy is applied again, and a plan made against
 * another Ironic is refused.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ironicNode, startFakeIronic, type FakeServer } from '../helpers/fake-ironic.js';
import { socatConsoleArgv } from '../helpers/console-daemons.js';
import { startNamespacedHost, type NamespacedHost } from '../helpers/namespaced-host.js';
import { freePort } from '../helpers/sshd.js';
import { runTool } from '../helpers/run-tool.js';


interface Console {
  readonly uuid: string;
  readonly port: number;
  readonly pid: number;
}

interface SavedKill {
  kind: string;
  nodeUuid: string;
  processes: Record<string, unknown>[];
}

let lab: NamespacedHost;
let ironic: FakeServer;
let env: Record<string, string>;
let common: string[];
/** Consoles whose node has its console disabled: every fresh plan kills these. */
const strays: Console[] = [];
/** Consoles Ironic wants where they are: never to be killed. */
const correct: Console[] = [];

async function startConsole(): Promise<Console> {
  const uuid = randomUUID();
  const port = await freePort();
  const pid = await lab.startConsole(socatConsoleArgv({ nodeUuid: uuid, port, pidDir: lab.dir }));
  return { uuid, port, pid };
}

function consoleNode(c: Console, enabled: boolean): Record<string, unknown> {
  return ironicNode(c.uuid, `node-${c.port}`, 'conductor-x', c.port, { console_enabled: enabled });
}

beforeAll(async () => {
  lab = await startNamespacedHost();
  for (let i = 0; i < 3; i++) strays.push(await startConsole());
  for (let i = 0; i < 4; i++) correct.push(await startConsole());
  ironic = await startFakeIronic({
    nodes: [...strays.map((c) => consoleNode(c, false)), ...correct.map((c) => consoleNode(c, true))],
    conductors: [{ hostname: 'conductor-x', conductor_group: '', alive: true }],
  });
  const inventory = join(lab.dir, 'inventory.yaml');
  const host = lab.host();
  writeFileSync(
    inventory,
    ['hosts:', '  conductor-x:', `    address: ${host.address}`, `    port: ${host.port}`, `    user: ${host.user}`, `    identity_file: ${host.identityFiles[0]}`,
      `    ironic_conf: ${host.ironicConf}`, `    tempdir: ${lab.dir}`, ''].join('\n'),
  );
  env = { HOME: tmpdir(), OS_AUTH_TYPE: 'none', OS_ENDPOINT: ironic.url, CONSOLE_DOCTOR_AUDIT_DB: join(lab.dir, 'audit.db'), NO_COLOR: '1' };
  common = ['-i', inventory, '--known-hosts-file', lab.knownHosts];
}, 90_000);

afterAll(async () => {
  await ironic?.close();
  await lab?.stop(); // ends the PID namespace and every console in it
});

/** A plan saved by `fix --dry-run --plan-out`, as JSON to edit by hand. */
async function savePlan(name: string): Promise<{ path: string; plan: Record<string, unknown> & { actions: SavedKill[] } }> {
  const path = join(lab.dir, name);
  const result = await runTool(['fix', ...common, '--dry-run', '--plan-out', path], env);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  return { path, plan: JSON.parse(readFileSync(path, 'utf8')) };
}

const alive = async (consoles: readonly Console[]): Promise<boolean[]> => Promise.all(consoles.map((c) => lab.alive(c.pid)));

/** What a hand-added process looks like (both plan shapes' fields, so any version reads it). */
async function handAdded(c: Console): Promise<Record<string, unknown>> {
  const stat = await lab.run(`cat /proc/${c.pid}/stat`);
  const startTicks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  return { pid: c.pid, startTicks, uid: 0, argv: [], command: '' };
}

describe('fix --plan: a saved plan is a proposal', () => {
  it('a saved plan with 3 kills applied with --max-kills 1 is refused and kills nothing', async () => {
    const { path, plan } = await savePlan('three-kills.json');
    expect(plan.actions.filter((a) => a.kind === 'kill').map((a) => a.nodeUuid).sort()).toEqual(strays.map((c) => c.uuid).sort());

    const result = await runTool(['fix', ...common, '--plan', path, '--yes', '--max-kills', '1'], env);

    expect(result.stdout + result.stderr).toContain('more than the limit of 1');
    expect(result.code).toBe(2);
    expect(await alive(strays)).toEqual([true, true, true]);
  }, 120_000);

  it('a plan whose endpoint is another Ironic is refused in one line, and kills nothing', async () => {
    const { path, plan } = await savePlan('other-cloud.json');
    writeFileSync(path, JSON.stringify({ ...plan, endpoint: 'https://ironic.other-cloud.example:6385' }));

    const result = await runTool(['fix', ...common, '--plan', path, '--yes'], env);

    expect(result.stderr).toContain('saved plan was made against Ironic https://ironic.other-cloud.example:6385');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.code).toBe(3);
    expect(await alive(strays)).toEqual([true, true, true]);
  }, 120_000);

  it("a process added by hand to a kill action is dropped (with its action) and another node's console survives", async () => {
    const { path, plan } = await savePlan('hand-edited.json');
    const victim = correct[0]!;
    const edited = plan.actions.find((a) => a.kind === 'kill' && a.nodeUuid === strays[0]!.uuid)!;
    edited.processes.push(await handAdded(victim));
    writeFileSync(path, JSON.stringify(plan));

    const result = await runTool(['fix', ...common, '--plan', path, '--yes'], env);

    expect(await alive(correct)).toEqual([true, true, true, true]);
    expect(result.stderr).toMatch(new RegExp(`dropped from saved plan: kill .*pid ${victim.pid} is not part of this console`));
    expect(await alive(strays)).toEqual([true, false, false]); // the edited action is not applied at all
    // The audit trail says so too.
    const runs = JSON.parse((await runTool(['history', '--json'], env)).stdout).runs as { id: number; command: string }[];
    const last = Math.max(...runs.filter((r) => r.command === 'fix').map((r) => r.id));
    const show = await runTool(['history', 'show', String(last), '--json'], env);
    expect(show.stdout).toContain(`dropped from saved plan: pid ${victim.pid} is not part of this console`);
  }, 120_000);
});
