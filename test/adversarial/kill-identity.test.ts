/**
 * Adversarial: one identity per process (issue 10, item 3). Real socat and shellinaboxd
 * consoles, started the way every Ironic release starts them on a real sshd "host" (its own
 * PID namespace), go through the whole pipeline (observe → compare → plan → apply) and must
 * all be killed; a kill whose process carries a forged or unrecognised argv kills nothing.
 */
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import type { ActionOutcome } from '../../src/apply/types.js';
import { compareFleet } from '../../src/compare/compare-fleet.js';
import type { ProcessRef } from '../../src/compare/types.js';
import { observeHost } from '../../src/observe/observe-host.js';
import { DEFAULT_POLICY, planFixes } from '../../src/plan/plan-fixes.js';
import type { KillAction, Plan } from '../../src/plan/types.js';
import type { RemoteShell } from '../../src/transport/types.js';
import { loadReleases, type ReleaseConsole } from '../helpers/release-argv.js';
import { buildConductor, buildDesired, buildNode } from '../helpers/builders.js';
import { connectClient, shellinaboxConsoleArgv, socatConsoleArgv } from '../helpers/console-daemons.js';
import { startNamespacedHost, type NamespacedHost } from '../helpers/namespaced-host.js';
import { freePort } from '../helpers/sshd.js';
import { buildKillAction, buildPlan } from '../unit/plan-builders.js';

let lab: NamespacedHost;
let shell: RemoteShell;
const clients: Socket[] = [];

beforeAll(async () => {
  lab = await startNamespacedHost();
  shell = await lab.connector.connect(lab.host());
}, 60_000);
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});
afterAll(async () => {
  shell?.close();
  await lab?.stop(); // ends the PID namespace and every console started in it
});

interface Started {
  readonly nodeUuid: string;
  readonly port: number;
  readonly pid: number;
}

const noIronic = { restartConsole: () => Promise.reject(new Error('no restart expected')), checkNodeGone: () => Promise.resolve({ gone: true as const }) };
const fastKill = { termWaitMs: 2_000, killWaitMs: 1_000 };

/** Scans the host and plans kills for exactly the given consoles (their consoles are disabled in Ironic). */
async function planFor(started: readonly Started[]): Promise<Plan> {
  const observation = await observeHost(shell);
  const mine = new Set(started.map((s) => s.nodeUuid));
  const desired = buildDesired({
    nodes: started.map((s, i) => buildNode({ name: `node-${i}`, uuid: s.nodeUuid, consoleEnabled: false, conductor: 'conductor-x', consolePort: s.port })),
    conductors: [buildConductor({ hostname: 'conductor-x' })],
  });
  const scans = [{ host: 'conductor-x', ok: true as const, observation, durationMs: 1 }];
  const report = compareFleet({ desired, scans, hosts: [lab.host()] });
  const narrowed = { ...report, findings: report.findings.filter((f) => f.nodeUuid !== null && mine.has(f.nodeUuid)) };
  return planFixes(narrowed, { scans, desired, desiredComplete: true }, { ...DEFAULT_POLICY, force: true });
}

async function apply(plan: Plan): Promise<ActionOutcome[]> {
  return applyPlan(plan, { shellFor: async () => shell, ironic: noIronic, kill: fastKill });
}

type Kind = 'socat' | 'shellinabox';
async function start(kind: Kind, options: Record<string, unknown> = {}): Promise<Started> {
  const nodeUuid = crypto.randomUUID();
  const port = await freePort();
  const base = { nodeUuid, port, pidDir: lab.dir, ...options };
  const argv = kind === 'socat' ? socatConsoleArgv(base) : shellinaboxConsoleArgv(base);
  return { nodeUuid, port, pid: await lab.startConsole(argv) };
}

/** Pids on the host whose argv names the node (listener, session children, ipmitool). */
async function processesOf(nodeUuid: string): Promise<number[]> {
  const out = await lab.run(`for f in /proc/[0-9]*/cmdline; do grep -qa ${nodeUuid} $f 2>/dev/null && { p=\${f#/proc/}; echo \${p%/cmdline}; }; done; true`);
  return out.split('\n').filter((l) => l !== '').map(Number);
}

const waitFor = async (ok: () => Promise<boolean>, ms = 3_000): Promise<boolean> => {
  const deadline = Date.now() + ms;
  while (!(await ok()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  return ok();
};

describe('every console Ironic starts can be killed by its identity', () => {
  it.each<{ name: string; kind: Kind; options: Record<string, unknown> }>([
    { name: 'shellinaboxd with -p 623 (ipmi_port) inside -s', kind: 'shellinabox', options: { extraIpmitoolArgs: '-p 623 ' } },
    { name: 'shellinaboxd with -p 623 and -E (password in the environment)', kind: 'shellinabox', options: { extraIpmitoolArgs: '-p 623 ', password: 'env' } },
    { name: 'socat with -p 623, -U and -f', kind: 'socat', options: { extraIpmitoolArgs: '-p 623 ' } },
    { name: 'socat with -E', kind: 'socat', options: { password: 'env' } },
    { name: 'socat on IPv6 (TCP6-LISTEN, bind=[::1])', kind: 'socat', options: { ipv6: true } },
    { name: "socat with newer Ironic's quoting EXEC:\"'…'\"", kind: 'socat', options: { quoting: 'ironic-quoted', extraIpmitoolArgs: '-p 623 ' } },
    { name: "socat with EXEC:'…' quoting", kind: 'socat', options: { quoting: 'shell' } },
  ])('$name: the whole tree is killed', async ({ kind, options }) => {
    const started = await start(kind, options);
    const plan = await planFor([started]);
    const kills = plan.actions.filter((a): a is KillAction => a.kind === 'kill');
    expect(kills.map((k) => k.processes[0]?.pid)).toEqual([started.pid]);

    const outcomes = await apply(plan);

    expect(outcomes.map((o) => [o.status, o.detail])).toEqual([['done', expect.not.stringContaining('pid-reused')]]);
    expect(await processesOf(started.nodeUuid)).toEqual([]);
  });

  it('kills a socat console with a connected session (listener, session child, ipmitool)', async () => {
    const started = await start('socat', { extraIpmitoolArgs: '-p 623 ' });
    clients.push(await connectClient(started.port));
    expect(await waitFor(async () => (await processesOf(started.nodeUuid)).length >= 3)).toBe(true);
    const outcomes = await apply(await planFor([started]));
    expect(outcomes.map((o) => o.status)).toEqual(['done']);
    expect(await processesOf(started.nodeUuid)).toEqual([]);
  });
});

/**
 * The exact argv of each release (test/fixtures/probe/releases), one per distinct form,
 * moved to this host: its pid dir, a free port, loopback bind addresses and BMC.
 */
const releaseForms = (() => {
  const seen = new Map<string, { release: string } & ReleaseConsole>();
  for (const doc of loadReleases()) {
    for (const c of doc.consoles) {
      // The form is the argv with node, paths, ports and addresses taken out.
      const form = c.argv.join(' ').replaceAll(c.nodeUuid, 'U').replace(/\d+/g, 'N');
      if (!seen.has(form)) seen.set(form, { release: doc.release, ...c });
    }
  }
  return [...seen.values()];
})();

function onThisHost(c: ReleaseConsole, port: number, argv0?: string): { nodeUuid: string; argv: string[]; pidFile: string } {
  const nodeUuid = crypto.randomUUID();
  const dir = c.pidFile.slice(0, c.pidFile.lastIndexOf('/'));
  const v6 = (c.bindAddress ?? '').includes(':');
  const argv = c.argv.map((arg) =>
    arg
      .replaceAll(c.nodeUuid, nodeUuid)
      .replaceAll(dir, lab.dir)
      .replace(/^(TCP[46]-LISTEN:)\d+,bind=(\[[^\]]*\]|[^,]*)/, `$1${port},bind=${v6 ? '[::1]' : '127.0.0.1'}`)
      .replace(/^\/:\d+:\d+:HOME:/, '/:0:0:HOME:')
      .replace(/-H \S+/, '-H 127.0.0.1'),
  );
  if (c.type === 'shellinabox') argv[argv.indexOf('-p') + 1] = String(port);
  if (argv0 !== undefined) argv[0] = argv0;
  return { nodeUuid, argv, pidFile: join(lab.dir, `${nodeUuid}.pid`) };
}

describe("every release's exact console argv is killed by its identity", () => {
  it.each(releaseForms)('$release, $name, a client connected', async (c) => {
    const port = await freePort();
    const moved = onThisHost(c, port);
    const started = { nodeUuid: moved.nodeUuid, port, pid: await lab.startConsole(moved) };
    clients.push(await connectClient(port, (c.bindAddress ?? '').includes(':') ? '::1' : '127.0.0.1'));
    // A session child per connection (its ipmitool, or for the shell-quoted form a failed exec).
    await waitFor(async () => (await processesOf(started.nodeUuid)).length >= 2, 1_000);
    const consoles = (await observeHost(shell)).consoles.filter((d) => d.nodeUuid === started.nodeUuid);
    expect(consoles.map((d) => d.pid)).toEqual([started.pid]);
    const plan = await planFor([started]);
    expect(plan.actions.filter((a): a is KillAction => a.kind === 'kill').map((k) => k.processes[0]?.pid)).toEqual([started.pid]);
    const outcomes = await apply(plan);
    expect(outcomes.map((o) => [o.status, o.detail])).toEqual([['done', expect.not.stringContaining('pid-reused')]]);
    expect(await processesOf(started.nodeUuid)).toEqual([]);
  });

  it("socat 1.8 run as socat1 (argv[0] and comm socat1), with a connected client: the whole tree is killed", async () => {
    const socat1 = join(lab.dir, 'socat1');
    await lab.run(`ln -sf "$(command -v socat)" ${socat1}`);
    const newest = releaseForms.find((c) => c.release === '39.0' && c.type === 'socat') as ReleaseConsole;
    const port = await freePort();
    const moved = onThisHost(newest, port, socat1);
    const started = { nodeUuid: moved.nodeUuid, port, pid: await lab.startConsole(moved) };
    expect((await lab.run(`cat /proc/${started.pid}/comm`)).trim()).toBe('socat1');
    // socat 1.8 writes its -L file 0644 with a trailing newline (1.7.4: 0600, none).
    await lab.run(`printf '%s\\n' ${started.pid} > ${moved.pidFile}; chmod 0644 ${moved.pidFile}`);
    clients.push(await connectClient(port, '::1')); // the newest form escapes the IPv6 BMC: -H 2001\\\:db8…
    expect(await waitFor(async () => (await processesOf(started.nodeUuid)).length >= 2)).toBe(true);
    const outcomes = await apply(await planFor([started]));
    expect(outcomes.map((o) => o.status)).toEqual(['done']); // one kill: the pid file is not stale
    expect(await processesOf(started.nodeUuid)).toEqual([]);
    expect(await lab.run(`[ -e ${moved.pidFile} ] && echo kept || echo removed`)).toBe('removed\n');
  });
});

/** A ProcessRef for a live pid on the host, with the argv replaced by a forged one. */
async function forgedRef(pid: number, argv: readonly string[]): Promise<ProcessRef> {
  const stat = await lab.run(`cat /proc/${pid}/stat`);
  const startTicks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  return { pid, startTicks, uid: 0, argv };
}

describe('a kill whose argv gives the host nothing to compare is refused', () => {
  it.each([
    { name: 'an empty argv', argv: [] },
    { name: 'an unrecognised argv (sleep 600)', argv: ['sleep', '600'] },
    { name: 'a bare program name', argv: ['socat'] },
  ])("another node's console named with $name: nothing killed", async ({ argv }) => {
    const victim = await start('socat');
    const [outcome] = await apply(buildPlan({ actions: [buildKillAction({ processes: [await forgedRef(victim.pid, argv)], pidFile: null })] }));
    expect(outcome).toMatchObject({ status: 'skipped', killed: [] });
    expect(await lab.alive(victim.pid)).toBe(true);
  });

  it("a hand-added process with an empty argv in a real kill: another node's console survives", async () => {
    const started = await start('socat');
    const victim = await start('socat');
    const plan = await planFor([started]);
    const kill = plan.actions[0] as KillAction;
    const forged: Plan = { ...plan, actions: [{ ...kill, processes: [...kill.processes, await forgedRef(victim.pid, [])] }] };
    const [outcome] = await apply(forged);
    expect(outcome).toMatchObject({ status: 'done' });
    expect(await lab.alive(started.pid)).toBe(false);
    expect(await lab.alive(victim.pid)).toBe(true);
  });
});
