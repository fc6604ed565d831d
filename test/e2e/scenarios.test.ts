/**
 * End-to-end: a real three-conductor Ironic, broken the ways operators meet in production
 * (reference/openstack-dev-2017-03-ironic-consoles.txt), then scanned and fixed by the
 * built tool. Each scenario gets a fresh lab (reset takes about 20 s).
 *
 * Two kinds of assertions, kept apart:
 *  - LAB-SIDE: the lab really shows the problem (Ironic's view, each host's own `ps`);
 *  - TOOL-SIDE: what `scan --format json` and `fix --yes` must do (the contract section
 *    below: adjust it there if the JSON output changes).
 *
 * Needs root, the packages of test/e2e/lab/packages.txt and `npm run build`.
 * CDLAB_KEEP=1 leaves the last lab up for debugging.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hostPidAlive,
  hostPs,
  ironic,
  LAB_DIR,
  LAB_HOSTS,
  labDown,
  LAB_IPMI_CRED_ENV,
  LAB_JSON_RPC_PORT,
  LAB_KEYSTONE,
  LAB_RELEASE,
  labReset,
  labUp,
  labState,
  labToolArgs,
  labUnsettled,
  runScenario,
  runTool,
  SCENARIOS,
  type LabDaemon,
  type LabHost,
  type LabNode,
  type LabState,
  type ScenarioFacts,
  type ScenarioName,
} from './lab.js';

// ---- facts of a lab state ----------------------------------------------------------------

const nodeOf = (state: LabState, uuid: string): LabNode | undefined => state.nodes.find((n) => n.uuid === uuid);
const daemonsOn = (state: LabState, host: LabHost): Record<string, LabDaemon[]> => state.daemons[host] ?? {};
const aliveConductors = (state: LabState): string[] => state.conductors.filter((c) => c.alive).map((c) => c.hostname);
const expectedPort = (node: LabNode): unknown =>
  node.driver_info['ipmi_terminal_port'] ?? node.driver_internal_info['allocated_ipmi_terminal_port'];

/**
 * A node that is its own parent (Debian's Ironic 29.0.5-0+deb13u3 after any PATCH): Ironic's
 * periodic tasks skip it, so no conductor takes it over or restarts its console.
 */
const selfParented = (node: LabNode): boolean => node.parent_node === node.uuid;

/** Hosts other than `host` holding a daemon for `uuid`. */
function copiesElsewhere(state: LabState, uuid: string, host: LabHost): LabHost[] {
  return LAB_HOSTS.filter((h) => h !== host && (daemonsOn(state, h)[uuid]?.length ?? 0) > 0);
}

/** Daemons of other hosts for nodes Ironic maps to `owner`: left by a takeover. */
function takeoverCopies(state: LabState, owner: LabHost): Array<{ host: LabHost; uuid: string }> {
  return LAB_HOSTS.filter((h) => h !== owner).flatMap((host) =>
    Object.keys(daemonsOn(state, host))
      .filter((uuid) => nodeOf(state, uuid)?.conductor === owner)
      .map((uuid) => ({ host, uuid })),
  );
}

/** Daemons that are right: on the owner, console enabled, the one on the expected port. */
function rightDaemons(state: LabState): Array<{ host: LabHost; uuid: string; pid: number }> {
  return state.nodes.flatMap((node) => {
    if (!node.console_enabled || node.conductor === null) return [];
    const host = node.conductor as LabHost;
    const onOwner = daemonsOn(state, host)[node.uuid] ?? [];
    const right = onOwner.filter((d) => d.port === expectedPort(node));
    return right.length === 1 ? [{ host, uuid: node.uuid, pid: right[0]!.pid }] : [];
  });
}

// ---- LAB-SIDE: the lab reproduces the problem ------------------------------------------------

const labFacts: Record<ScenarioName, (f: ScenarioFacts) => void> = {
  'conductor-killed': (f) => expectVictimGoneDaemonsStay(f),
  'conductor-stopped': (f) => expectVictimGoneDaemonsStay(f),
  // Measured on trixie (29.0.5): alive=false within a second of SIGTERM, the process runs on
  // for graceful_shutdown_timeout (60 s) with its consoles.
  'conductor-lingering': (f) => {
    expect(f.lingering, 'the SIGTERM\'d conductor still runs after Ironic lists it as not alive').toBe('yes');
    expect(hostPs(f.victim!).some((p) => p.pid === f.pid && /ironic-conductor/.test(p.args)), 'still lingering when the tool runs').toBe(true);
    expectVictimGoneDaemonsStay(f);
  },
  // Measured on sid (39.0): the drain handler ends with os.kill(0, SIGTERM), the whole
  // process group, so the drained conductor's consoles end with it (unlike SIGTERM or kill -9
  // of the conductor alone). What is left: its non-ACTIVE nodes' consoles run nowhere.
  'conductor-drained': (f) => {
    expect(f.drain_logged, 'the conductor logged the SIGUSR2 drain').toBe('yes');
    const victim = f.victim!;
    expect(aliveConductors(f.after)).not.toContain(victim);
    expect(Object.keys(daemonsOn(f.before, victim)).length).toBeGreaterThan(0);
    expect(daemonsOn(f.after, victim), 'the drained conductor took its consoles with it').toEqual({});
  },
  'conductor-restarted': (f) => {
    const victim = f.victim!;
    expect(aliveConductors(f.after)).toContain(victim);
    const mine = f.after.nodes.filter((n) => n.console_enabled && n.conductor === victim);
    for (const node of mine) expect(daemonsOn(f.after, victim)[node.uuid], node.name).toHaveLength(1);
    const active = mine.filter((n) => n.provision_state === 'active');
    expect(active.length).toBeGreaterThan(0);
    // A self-parented node was never taken over while its conductor was away: no copy.
    for (const node of active) expect(copiesElsewhere(f.after, node.uuid, victim), node.name).toHaveLength(selfParented(node) ? 0 : 1);
  },
  'console-disabled-leftover': (f) => {
    const node = nodeOf(f.after, f.node!)!;
    expect(node.console_enabled).toBe(false);
    expect(daemonsOn(f.after, f.victim!)[f.node!]).toHaveLength(1);
    expect(aliveConductors(f.after)).toContain(f.victim);
  },
  'node-deleted': (f) => {
    expect(nodeOf(f.after, f.node!)).toBeUndefined();
    expect(ironic('GET', `/v1/nodes/${f.node}`).status).toBe(404);
    expect(daemonsOn(f.after, f.victim!)[f.node!]).toHaveLength(1);
  },
  'duplicate-daemon': (f) => {
    const copies = daemonsOn(f.after, f.owner!)[f.node!] ?? [];
    expect(copies).toHaveLength(2);
    expect(new Set(copies.map((d) => d.port)).size).toBe(2);
    expect(copies.filter((d) => d.port === expectedPort(nodeOf(f.after, f.node!)!))).toHaveLength(1);
  },
  'stale-pidfile': (f) => {
    const file = join(LAB_DIR, 'hosts', f.host!.replace('conductor-', ''), 'tmp', `${f.node}.pid`);
    expect(readFileSync(file, 'utf8').trim()).toBe(String(f.pid));
    expect(hostPidAlive(f.host!, f.pid!)).toBe(false);
    expect(nodeOf(f.after, f.node!)!.conductor).not.toBe(f.host);
  },
  'port-taken': (f) => {
    expect(hostPidAlive(f.owner!, f.squatter_pid!)).toBe(true);
    expect(hostPidAlive(f.owner!, f.killed_pid!)).toBe(false);
    expect(daemonsOn(f.after, f.owner!)[f.node!]).toBeUndefined();
    expect(nodeOf(f.after, f.node!)!.console_enabled).toBe(true);
  },
};

/** After a conductor dies or stops: its daemons stay; ACTIVE nodes get a copy elsewhere. */
function expectVictimGoneDaemonsStay(f: ScenarioFacts): void {
  const victim = f.victim!;
  expect(aliveConductors(f.after)).not.toContain(victim);
  const left = daemonsOn(f.before, victim);
  expect(Object.keys(left).length).toBeGreaterThan(0);
  for (const [uuid, daemons] of Object.entries(left)) {
    expect(daemonsOn(f.after, victim)[uuid]?.map((d) => d.pid), uuid).toEqual(daemons.map((d) => d.pid));
    const node = nodeOf(f.after, uuid)!;
    expect(node.conductor).not.toBe(victim);
    // A takeover whose console start fails makes Ironic itself set console_enabled=false;
    // such a node has no copy, and its leftover daemon is console-disabled, not wrong-host.
    const copies = copiesElsewhere(f.after, uuid, victim);
    const copied = node.console_enabled && node.provision_state === 'active' && !selfParented(node);
    expect(copies, node.name).toEqual(copied ? [node.conductor] : []);
  }
  const stillEnabled = Object.keys(left).filter((uuid) => nodeOf(f.after, uuid)!.console_enabled);
  expect(stillEnabled.length, 'the takeover kept at least one console enabled').toBeGreaterThan(0);
}

// ---- TOOL-SIDE contract (adjust here when the CLI's JSON changes) ---------------------------

interface ToolFinding {
  readonly kind: string;
  readonly severity: string;
  readonly host: string | null;
  readonly node_uuid: string | null;
}
interface ScanOutput {
  readonly schema: string;
  readonly findings: readonly ToolFinding[];
  readonly exit_code: number;
}
interface Expected {
  readonly kind: string;
  readonly host: LabHost;
  readonly node: string;
  readonly severity?: 'critical' | 'warning';
}

function scan(): { code: number; output: ScanOutput; stderr: string } {
  const r = runTool(['scan', ...labToolArgs(), '--format', 'json']);
  let output: ScanOutput;
  try {
    output = JSON.parse(r.stdout) as ScanOutput;
  } catch (error) {
    throw new Error(`scan printed no JSON (exit ${r.code}): ${r.stdout.slice(0, 500)}\n${r.stderr.slice(-2000)}`, { cause: error });
  }
  expect(output.schema).toBe('console-doctor/scan@1');
  expect(r.code).toBe(output.exit_code);
  return { code: r.code, output, stderr: r.stderr };
}

const expectedFindings: Record<ScenarioName, (f: ScenarioFacts) => Expected[]> = {
  'conductor-killed': (f) => victimLeftovers(f),
  'conductor-stopped': (f) => victimLeftovers(f),
  'conductor-lingering': (f) => victimLeftovers(f),
  'conductor-drained': (f) => consolesRunningNowhere(f),
  'conductor-restarted': (f) => copiesOf(f),
  'console-disabled-leftover': (f) => [
    { kind: 'console-disabled', host: f.victim!, node: f.node! },
    ...copiesOf(f),
  ],
  'node-deleted': (f) => [{ kind: 'unknown-node', host: f.victim!, node: f.node! }, ...copiesOf(f)],
  'duplicate-daemon': (f) => [{ kind: 'duplicate', host: f.owner!, node: f.node! }],
  'stale-pidfile': (f) => [{ kind: 'stale-pidfile', host: f.host!, node: f.node! }],
  'port-taken': (f) => [{ kind: 'port-conflict', host: f.owner!, node: f.node! }],
};

/** Every daemon left on the dead conductor's host is wrong-host; its non-ACTIVE nodes are missing on the new owner. */
function victimLeftovers(f: ScenarioFacts): Expected[] {
  return Object.keys(daemonsOn(f.after, f.victim!)).flatMap((uuid): Expected[] => {
    const node = nodeOf(f.after, uuid)!;
    if (!node.console_enabled) return [{ kind: 'console-disabled', host: f.victim!, node: uuid, severity: 'warning' }];
    const wrong: Expected = { kind: 'wrong-host', host: f.victim!, node: uuid, severity: 'critical' };
    if (node.provision_state === 'active' && !selfParented(node)) return [wrong];
    const severity = node.provision_state === 'active' ? 'critical' : 'warning';
    return [wrong, { kind: 'missing', host: node.conductor as LabHost, node: uuid, severity }];
  });
}

/** Enabled consoles that run on no host at all: `missing` on their owner. */
function consolesRunningNowhere(f: ScenarioFacts): Expected[] {
  return f.after.nodes
    .filter((n) => n.console_enabled && n.conductor !== null)
    .filter((n) => LAB_HOSTS.every((h) => (daemonsOn(f.after, h)[n.uuid]?.length ?? 0) === 0))
    .map((n): Expected => ({ kind: 'missing', host: n.conductor as LabHost, node: n.uuid, severity: n.provision_state === 'active' ? 'critical' : 'warning' }));
}

/** Copies that takeover conductors started while the victim was away are wrong-host. */
function copiesOf(f: ScenarioFacts): Expected[] {
  return takeoverCopies(f.after, f.victim!).map(({ host, uuid }): Expected =>
    nodeOf(f.after, uuid)?.console_enabled === false
      ? { kind: 'console-disabled', host, node: uuid, severity: 'warning' } // Ironic disabled it after a failed start
      : { kind: 'wrong-host', host, node: uuid, severity: 'critical' },
  );
}

/**
 * Findings a scan may report besides the scenario's own, because the lab's state says so
 * (DESIGN.md's table applied to the facts). Ironic is not deterministic here: a restarted
 * conductor sometimes fails a console start and sets console_enabled=false itself.
 */
function isAllowedExtra(finding: ToolFinding, state: LabState): boolean {
  const { kind, host, node_uuid: uuid } = finding;
  if (host === null || uuid === null) return false;
  const node = nodeOf(state, uuid);
  const runsHere = (daemonsOn(state, host as LabHost)[uuid]?.length ?? 0) > 0;
  const file = (ext: string): boolean =>
    existsSync(join(LAB_DIR, 'hosts', host.replace('conductor-', ''), 'tmp', `${uuid}.${ext}`));
  switch (kind) {
    case 'stray-credential':
      return file('pw') && (node === undefined || node.conductor !== host || !node.console_enabled);
    case 'stale-pidfile':
      return file('pid');
    case 'console-disabled':
      return runsHere && node !== undefined && !node.console_enabled;
    case 'wrong-host':
      return runsHere && node !== undefined && node.conductor !== host;
    case 'missing':
      return node !== undefined && node.console_enabled && node.conductor === host && !runsHere &&
        aliveConductors(state).includes(host);
    default:
      return false;
  }
}

function expectScanFindings(f: ScenarioFacts, expected: readonly Expected[]): void {
  const { code, output } = scan();
  const key = (k: string, h: string | null, n: string | null): string => `${k} ${h} ${n}`;
  const actual = output.findings.map((x) => key(x.kind, x.host, x.node_uuid));
  for (const e of expected) {
    const found = output.findings.find((x) => key(x.kind, x.host, x.node_uuid) === key(e.kind, e.host, e.node));
    expect(found, `expected ${key(e.kind, e.host, e.node)} among ${actual.join('; ')}`).toBeDefined();
    if (e.severity) expect(found!.severity, key(e.kind, e.host, e.node)).toBe(e.severity);
  }
  const wanted = new Set(expected.map((e) => key(e.kind, e.host, e.node)));
  const extra = output.findings.filter((x) => !wanted.has(key(x.kind, x.host, x.node_uuid)) && !isAllowedExtra(x, f.after));
  expect(extra, 'unexpected findings').toEqual([]);
  const worst = output.findings.some((x) => x.severity === 'critical') ? 2 : output.findings.length > 0 ? 1 : 0;
  expect(code).toBe(worst);
}

/** `fix --yes` repairs everything, and leaves alone what was right. */
function expectFixRepairs(f: ScenarioFacts): void {
  const right = rightDaemons(f.after);
  const fix = runTool(['fix', ...labToolArgs(), '--yes']);
  expect(fix.code, `${fix.stderr.slice(-2000)}\n${fix.stdout.slice(-3000)}`).toBe(0);

  const again = scan();
  expect(again.output.findings).toEqual([]);
  expect(again.code).toBe(0);

  const now = labState();
  for (const node of f.after.nodes) {
    expect(nodeOf(now, node.uuid)?.console_enabled, node.name).toBe(node.console_enabled);
  }
  for (const { host, uuid, pid } of right) {
    expect(daemonsOn(now, host)[uuid]?.map((d) => d.pid), `${host} ${uuid}`).toEqual([pid]);
  }
  // Every enabled console runs exactly once in the whole lab, on its owner; nothing else runs.
  for (const host of LAB_HOSTS) {
    for (const [uuid, daemons] of Object.entries(daemonsOn(now, host))) {
      const node = nodeOf(now, uuid);
      expect(node?.console_enabled && node.conductor === host, `${host} still runs a daemon for ${uuid}`).toBe(true);
      expect(daemons).toHaveLength(1);
    }
  }
  expect(labUnsettled()).toEqual([]);
}

/** port-taken: the squatter is reported, never killed. */
function expectSquatterSpared(f: ScenarioFacts): void {
  const fix = runTool(['fix', ...labToolArgs(), '--yes']);
  expect(fix.code, fix.stderr.slice(-2000)).toBe(2); // the conflict is left for a person
  expect(hostPidAlive(f.owner!, f.squatter_pid!)).toBe(true);
  // No restart was attempted: a failed start would have made Ironic disable the console.
  expect(nodeOf(labState(), f.node!)!.console_enabled).toBe(true);
  const { output } = scan();
  expect(output.findings.some((x) => x.kind === 'port-conflict' && x.host === f.owner && x.node_uuid === f.node)).toBe(true);
}

// Keeps the lab's own tmp layout honest: the tool will find pid files where Ironic puts them.
describe('lab layout', () => {
  it(`each host has a private /tmp holding Ironic pid ${LAB_IPMI_CRED_ENV ? 'files, and no password file (store_cred_in_env)' : 'and password files'}`, () => {
    labUp();
    const state = labState();
    for (const node of state.nodes.filter((n) => n.console_enabled)) {
      const dir = join(LAB_DIR, 'hosts', node.conductor!.replace('conductor-', ''), 'tmp');
      expect(readdirSync(dir)).toEqual(expect.arrayContaining([`${node.uuid}.pid`]));
      if (LAB_IPMI_CRED_ENV) expect(readdirSync(dir)).not.toContain(`${node.uuid}.pw`);
      else expect(readdirSync(dir)).toContain(`${node.uuid}.pw`);
    }
  });

  // Defined only on a lab that runs the variant (not "skipped" on the others).
  if (LAB_IPMI_CRED_ENV) it('with [ipmi]store_cred_in_env every console runs ipmitool -E, with no -f password file', () => {
    const state = labState();
    // socat listeners, and shellinaboxd (two processes each) where the release has it.
    const consoles = LAB_HOSTS.flatMap((host) => hostPs(host).filter((p) => / sol activate/.test(p.args) && !p.stat.startsWith('Z')));
    expect(consoles.length).toBeGreaterThanOrEqual(state.nodes.filter((n) => n.console_enabled).length);
    for (const { args } of consoles) {
      expect(args).toMatch(/ -E /);
      expect(args).not.toMatch(/ -f /);
    }
  });

  // Ironic 35.0+ takes several [console]port_range ranges (the lab: 10000:10001,10100:10199; END is exclusive).
  if (LAB_RELEASE === 'forky' || LAB_RELEASE === 'sid') {
    it('allocates console ports from both [console]port_range ranges', () => {
      const ports = Object.values(labState().daemons).flatMap((byNode) => Object.values(byNode ?? {}).flat().map((d) => d.port));
      expect(ports).toContain(10000);
      expect(ports.some((p) => p >= 10100 && p <= 10199), ports.join(' ')).toBe(true);
      expect(ports.filter((p) => p > 10000 && p < 10100)).toEqual([]);
    });
  }

  it(`runs the Ironic of Debian ${LAB_RELEASE}${LAB_JSON_RPC_PORT ? `, conductors registered as host:${LAB_JSON_RPC_PORT}` : ''}${LAB_KEYSTONE ? ', behind Keystone' : ''}`, () => {
    expect(readFileSync(join(LAB_DIR, 'release'), 'utf8').trim()).toBe(LAB_RELEASE);
    expect(existsSync(join(LAB_DIR, 'keystone.url'))).toBe(LAB_KEYSTONE);
    const state = labState();
    const registered = state.conductors.map((c) => c.hostname_registered).sort();
    const suffix = LAB_JSON_RPC_PORT ? `:${LAB_JSON_RPC_PORT}` : '';
    expect(registered).toEqual(LAB_HOSTS.map((h) => `${h}${suffix}`));
    expect(state.nodes.filter((n) => n.console_enabled).map((n) => n.conductor_registered)).toEqual(
      state.nodes.filter((n) => n.console_enabled).map((n) => `${n.conductor}${suffix}`),
    );
  });
});

// Issue 11: with Keystone, Ironic 2025.1+ enforces token scope and its new default policies.
// The tool reads with a system-scoped token (system_scope: all); given a project-scoped one
// (even an admin's) it must say so and conclude nothing about consoles.
if (LAB_KEYSTONE) describe('token scope: Ironic behind a real Keystone', () => {
  it('lab: a project-scoped admin token gets 403 on the conductors, no nodes, and 404 on a node', () => {
    labUp();
    const state = labState(); // read with the system-scoped token
    expect(state.nodes.length).toBeGreaterThan(0);
    expect(ironic('GET', '/v1/conductors').status).toBe(200);
    expect(ironic('GET', '/v1/conductors', undefined, 'project').status).toBe(403);
    const listed = ironic('GET', '/v1/nodes', undefined, 'project');
    expect(listed.status).toBe(200);
    expect((listed.body as { nodes: unknown[] }).nodes).toEqual([]);
    expect(ironic('GET', `/v1/nodes/${state.nodes[0]!.uuid}`, undefined, 'project').status).toBe(404);
  });

  it('tool: scan with a system-scoped cloud (system_scope: all) reads the whole lab, and it is clean', () => {
    const { code, output } = scan();
    expect(output.findings).toEqual([]);
    expect(code).toBe(0);
  });

  it('tool: scan and fix with a project-scoped cloud say why in one line, exit 3, give no verdict and touch nothing', () => {
    const before = labState();
    for (const command of [['scan', '--format', 'json'], ['fix', '--yes']]) {
      const r = runTool([command[0]!, ...labToolArgs(), ...command.slice(1)], { cloud: 'cdlab-project' });
      const said = `${command[0]}: exit ${r.code}\n${r.stderr}${r.stdout.slice(0, 500)}`;
      expect(r.code, said).toBe(3);
      const why = r.stderr.split('\n').filter((line) => line.includes('refused the conductor list (403)'));
      expect(why, said).toHaveLength(1);
      expect(why[0]).toContain('the token is project-scoped');
      expect(why[0]).toContain('system_scope: all');
      expect(r.stdout + r.stderr).not.toContain('cdlab-admin-secret');
      if (command[0] === 'scan') {
        const report = JSON.parse(r.stdout) as { summary: { verdict: string }; findings: unknown[] };
        expect(report.summary.verdict).toBe('unknown');
        expect(report.findings).toEqual([]);
      } else {
        expect(r.stderr).toMatch(/^console-doctor: no fix: Ironic could not be read whole; nothing was changed$/m);
      }
    }
    expect(labState().daemons).toEqual(before.daemons);
  });
});

// ---- the scenarios ---------------------------------------------------------------------

// Ironic 21.4 (bookworm) has no drain: that scenario exists from 2024.1 on. The linger after
// SIGTERM is measured on trixie's 29.0 (its own scenario there; elsewhere conductor-stopped).
const releaseScenarios = SCENARIOS.filter(
  (s) => (s !== 'conductor-drained' || LAB_RELEASE !== 'bookworm') && (s !== 'conductor-lingering' || LAB_RELEASE === 'trixie'),
);
const only = process.env.CDLAB_SCENARIOS?.split(',') ?? [...releaseScenarios];
const unknown = only.filter((s) => !(releaseScenarios as readonly string[]).includes(s));
if (unknown.length > 0) throw new Error(`CDLAB_SCENARIOS: no scenario ${unknown.join(', ')} on Debian ${LAB_RELEASE}`);

describe.each(releaseScenarios.filter((s) => only.includes(s)))('scenario %s', (name) => {
  let facts: ScenarioFacts;

  beforeAll(() => {
    labReset();
    facts = runScenario(name);
  });

  it('lab: reproduces the problem', () => {
    labFacts[name](facts);
  });

  it('tool: scan --format json reports it', () => {
    expectScanFindings(facts, expectedFindings[name](facts));
  });

  it(name === 'port-taken' ? 'tool: fix --yes spares the foreign listener' : 'tool: fix --yes repairs it, a new scan is clean', () => {
    if (name === 'port-taken') expectSquatterSpared(facts);
    else expectFixRepairs(facts);
  });
});

afterAll(() => {
  if (process.env.CDLAB_KEEP !== '1') labDown();
});
