/**
 * End-to-end, graphical consoles (issue 14): with CDLAB_GRAPHICAL=yes (sid, Ironic 39.0's
 * `container` console provider) the lab runs graphical consoles in real podman containers,
 * each scenario leaves a stray container, and the built tool finds and stops it.
 *
 * Two kinds of assertions, kept apart as in scenarios.test.ts:
 *  - LAB-SIDE: the lab really does it, seen only through the lab's own tools (the API, each
 *    host's own `podman ps`, a connection to the VNC port);
 *  - TOOL-SIDE: what `scan --format json` and `fix --yes` must do.
 *
 * Runs on a graphical lab only (vitest.e2e.config.ts picks this file, and only this file,
 * when CDLAB_GRAPHICAL=yes). Scenarios: all of GRAPHICAL_SCENARIOS, or
 * CDLAB_GRAPHICAL_SCENARIOS=a,b. Each gets a fresh lab (reset.sh). CDLAB_KEEP=1 leaves the
 * last lab up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GRAPHICAL_SCENARIOS,
  graphicalLabState,
  hostAddress,
  hostContainers,
  ironic,
  LAB_GRAPHICAL,
  LAB_HOSTS,
  labDown,
  labReset,
  labToolArgs,
  labUp,
  runGraphicalScenario,
  runTool,
  vncBanner,
  type GraphicalLabState,
  type GraphicalScenarioFacts,
  type GraphicalScenarioName,
  type LabContainer,
  type LabHost,
  type LabNode,
} from './lab.js';

const RFB_VERSION = 'RFB 003.008\n';

const isGraphical = (n: LabNode): boolean => n.console_interface === 'fake-graphical';
const nodeOf = (state: GraphicalLabState, uuid: string): LabNode | undefined => state.nodes.find((n) => n.uuid === uuid);
const containersOn = (state: GraphicalLabState, host: LabHost): Record<string, LabContainer[]> => state.containers[host] ?? {};
const aliveConductors = (state: GraphicalLabState): string[] => state.conductors.filter((c) => c.alive).map((c) => c.hostname);
const vnc = (n: LabNode): { host: unknown; port: unknown } => ({
  host: n.driver_internal_info['vnc_host'],
  port: n.driver_internal_info['vnc_port'],
});

/** Hosts other than `host` with a container for `uuid`. */
function containersElsewhere(state: GraphicalLabState, uuid: string, host: LabHost): LabHost[] {
  return LAB_HOSTS.filter((h) => h !== host && (containersOn(state, h)[uuid]?.length ?? 0) > 0);
}

/** The container Ironic started for `node` on `host`: running, named and labelled for it, publishing on the host's address. */
function expectIronicContainer(c: LabContainer | undefined, node: LabNode, host: LabHost): void {
  expect(c, `${node.name} on ${host}`).toBeDefined();
  expect(c!.name).toBe(`ironic-console-${node.uuid}`);
  expect(c!.state).toBe('running');
  expect(c!.conductor, 'its org.openstack.ironic.conductor label').toBe(host);
  expect(c!.host_ip).toBe(hostAddress(host));
  expect(c!.host_port).toEqual(expect.any(Number));
}

/** Every enabled graphical node's console runs once, on its owner, where driver_internal_info says (no container anywhere else). */
function expectGraphicalConsolesOnOwners(state: GraphicalLabState, nodes: readonly LabNode[]): void {
  for (const node of nodes) {
    const owner = node.conductor as LabHost;
    const mine = containersOn(state, owner)[node.uuid] ?? [];
    expect(mine, `${node.name}: containers on its owner ${owner}`).toHaveLength(1);
    expectIronicContainer(mine[0], node, owner);
    expect(vnc(node), node.name).toEqual({ host: hostAddress(owner), port: mine[0]!.host_port });
    expect(containersElsewhere(state, node.uuid, owner), node.name).toEqual([]);
  }
}

const labFacts: Record<GraphicalScenarioName, (f: GraphicalScenarioFacts) => void> = {
  // kill -9 of master and worker: conmon is not the conductor's child, every container stays;
  // Ironic's takeover starts a new one on the new owner for the ACTIVE node (measured: yes).
  'graphical-conductor-killed': (f) => {
    const victim = f.victim;
    expect(aliveConductors(f.after)).not.toContain(victim);
    const before = containersOn(f.before, victim);
    expect(Object.keys(before).length).toBeGreaterThan(0);
    for (const [uuid, containers] of Object.entries(before)) {
      expect(containersOn(f.after, victim)[uuid]?.map((c) => c.id), `${uuid}: the crashed conductor's container stays`).toEqual(containers.map((c) => c.id));
    }
    const node = nodeOf(f.after, f.node)!;
    expect(node.provision_state).toBe('active');
    expect(node.console_enabled).toBe(true);
    expect(f.stray_container.id).toBe(before[f.node]![0]!.id);
    expectIronicContainer(f.stray_container, node, victim);
    expect(node.conductor).toBe(f.new_owner);
    expect(f.new_owner).not.toBe(victim);
    const copies = containersOn(f.after, f.new_owner)[f.node] ?? [];
    expect(copies.map((c) => c.id)).toEqual([f.new_container!.id]);
    expectIronicContainer(copies[0], node, f.new_owner);
    expect(vnc(node), 'driver_internal_info names the new container').toEqual({ host: hostAddress(f.new_owner), port: copies[0]!.host_port });
    expect(f.new_container!.id).not.toBe(f.stray_container.id);
    // Takeover starts nothing for the victim's non-ACTIVE graphical nodes: no container elsewhere.
    for (const uuid of Object.keys(before)) {
      const other = nodeOf(f.after, uuid)!;
      if (other.provision_state !== 'active') expect(containersElsewhere(f.after, uuid, victim), other.name).toEqual([]);
    }
    // Both still answer as VNC servers.
    expect(vncBanner(f.stray_container.host_ip!, f.stray_container.host_port!)).toBe(RFB_VERSION);
    expect(vncBanner(copies[0]!.host_ip!, copies[0]!.host_port!)).toBe(RFB_VERSION);
  },
  // The disable goes to the new owner, which removes its own takeover container only.
  'graphical-console-disabled': (f) => {
    const victim = f.victim;
    expect(aliveConductors(f.after)).not.toContain(victim);
    const node = nodeOf(f.after, f.node)!;
    expect(node.console_enabled).toBe(false);
    expect(node.conductor).toBe(f.new_owner);
    expect(vnc(node), 'stop_console removed vnc_host and vnc_port').toEqual({ host: undefined, port: undefined });
    const left = containersOn(f.after, victim)[f.node] ?? [];
    expect(left.map((c) => c.id)).toEqual([f.stray_container.id]);
    expect(left[0]!.id).toBe(containersOn(f.before, victim)[f.node]![0]!.id);
    expectIronicContainer(left[0], node, victim);
    expect(f.takeover_container!.conductor).toBe(f.new_owner);
    expect(containersElsewhere(f.after, f.node, victim), 'the takeover container is gone').toEqual([]);
  },
  'graphical-node-deleted': (f) => {
    const victim = f.victim;
    expect(aliveConductors(f.after)).not.toContain(victim);
    expect(nodeOf(f.after, f.node)).toBeUndefined();
    expect(ironic('GET', `/v1/nodes/${f.node}`).status).toBe(404);
    const deleted = nodeOf(f.before, f.node)!;
    expect(deleted.provision_state).not.toBe('active');
    const left = containersOn(f.after, victim)[f.node] ?? [];
    expect(left.map((c) => c.id)).toEqual([f.stray_container.id]);
    expectIronicContainer(left[0], deleted, victim);
    expect(containersElsewhere(f.after, f.node, victim)).toEqual([]);
  },
};

// ---- TOOL-SIDE -----------------------------------------------------------------------------

interface ToolFinding {
  readonly kind: string;
  readonly severity: string;
  readonly host: string | null;
  readonly node_uuid: string | null;
  readonly remedy: string;
  readonly console: 'serial' | 'graphical';
  readonly container: { readonly provider: string | null; readonly engine: string | null; readonly id: string | null; readonly name: string | null; readonly node_label: string | null } | null;
}
interface ScanOutput {
  readonly schema: string;
  readonly exit_code: number;
  readonly summary: { readonly consoles: number };
  readonly findings: readonly ToolFinding[];
}

function scan(): { code: number; output: ScanOutput } {
  const r = runTool(['scan', ...labToolArgs(), '--format', 'json']);
  let output: ScanOutput;
  try {
    output = JSON.parse(r.stdout) as ScanOutput;
  } catch (error) {
    throw new Error(`scan printed no JSON (exit ${r.code}): ${r.stdout.slice(0, 500)}\n${r.stderr.slice(-2000)}`, { cause: error });
  }
  expect(r.code).toBe(output.exit_code);
  return { code: r.code, output };
}

const brief = (f: ToolFinding): string => `${f.kind}${f.console === 'graphical' ? ' (graphical)' : ''} ${f.host} ${f.node_uuid}`;

/** What each scenario's stray must be called. */
const strayKind: Record<GraphicalScenarioName, string> = {
  'graphical-conductor-killed': 'wrong-host',
  'graphical-console-disabled': 'console-disabled',
  'graphical-node-deleted': 'unknown-node',
};

/**
 * Every finding is about what the crashed conductor left: something on its host, or a
 * console missing on a live owner for a node it owned (Ironic takes over ACTIVE nodes only).
 */
function expectOnlyTheVictimsLeftovers(f: GraphicalScenarioFacts, findings: readonly ToolFinding[]): void {
  const owned = new Set(f.before.nodes.filter((n) => n.conductor === f.victim).map((n) => n.uuid));
  const other = findings.filter((x) => x.host !== f.victim && !(x.kind === 'missing' && x.node_uuid !== null && owned.has(x.node_uuid)));
  expect(other.map(brief), 'findings that are not the crashed conductor\'s leftovers').toEqual([]);
}

function chosenScenarios(): GraphicalScenarioName[] {
  const all: readonly string[] = GRAPHICAL_SCENARIOS;
  const own = process.env.CDLAB_GRAPHICAL_SCENARIOS?.split(',');
  if (own) {
    const unknown = own.filter((s) => !all.includes(s));
    if (unknown.length > 0) throw new Error(`CDLAB_GRAPHICAL_SCENARIOS: no scenario ${unknown.join(', ')}`);
    return own as GraphicalScenarioName[];
  }
  const shared = process.env.CDLAB_SCENARIOS?.split(',');
  return (shared ? shared.filter((s) => all.includes(s)) : [...all]) as GraphicalScenarioName[];
}

describe.runIf(LAB_GRAPHICAL)('graphical consoles', () => {
  it('after up, every enabled graphical node has one running container on its owner, labelled, publishing its vnc_port', () => {
    labUp();
    const state = graphicalLabState();
    const graphical = state.nodes.filter((n) => isGraphical(n) && n.console_enabled);
    expect(graphical.length).toBeGreaterThanOrEqual(3);
    expect(new Set(graphical.filter((n) => n.provision_state === 'active').map((n) => n.conductor)).size, 'an ACTIVE graphical node on each conductor').toBe(3);
    expect(graphical.some((n) => n.provision_state !== 'active'), 'a non-ACTIVE (deletable) graphical node').toBe(true);
    expectGraphicalConsolesOnOwners(state, graphical);
    // Nothing else: each host runs exactly the containers of the graphical nodes it owns.
    for (const host of LAB_HOSTS) {
      expect(Object.keys(containersOn(state, host)).sort(), host).toEqual(graphical.filter((n) => n.conductor === host).map((n) => n.uuid).sort());
    }
    for (const node of graphical) {
      const { host, port } = vnc(node);
      expect(vncBanner(host as string, port as number), `${node.name} answers as a VNC server`).toBe(RFB_VERSION);
    }
  });

  it('tool: scan sees every graphical console on its owner and calls the lab clean', () => {
    const state = graphicalLabState();
    const { code, output } = scan();
    expect(output.findings.map(brief)).toEqual([]);
    expect(code).toBe(0);
    const containers = LAB_HOSTS.reduce((sum, h) => sum + Object.values(containersOn(state, h)).flat().length, 0);
    const daemons = LAB_HOSTS.reduce((sum, h) => sum + Object.keys(state.daemons[h] ?? {}).length, 0);
    expect(containers).toBeGreaterThanOrEqual(4);
    expect(output.summary.consoles, 'serial daemons and console containers').toBe(daemons + containers);
  });

  it('each host has podman state of its own: a container started on one host is listed on no other', () => {
    const state = graphicalLabState();
    for (const host of LAB_HOSTS) {
      for (const [uuid, containers] of Object.entries(hostContainers(host))) {
        for (const c of containers) expect(c.conductor, `${host} lists ${uuid}`).toBe(host);
      }
    }
    // Serial consoles are untouched by the variant: they still have their daemons.
    const serial = state.nodes.filter((n) => !isGraphical(n) && n.console_enabled);
    expect(serial.length).toBeGreaterThan(0);
    for (const node of serial) expect(state.daemons[node.conductor as LabHost]?.[node.uuid], node.name).toHaveLength(1);
  });

  describe.each(chosenScenarios())('scenario %s', (name) => {
    let facts: GraphicalScenarioFacts;

    beforeAll(() => {
      labReset();
      facts = runGraphicalScenario(name);
    });

    it('lab: leaves the stray container on the crashed conductor\'s host, with its labels', () => {
      labFacts[name](facts);
    });

    it('lab: the stray is still there when the tool would look (the host\'s podman ps now)', () => {
      const now = hostContainers(facts.victim)[facts.node] ?? [];
      expect(now.map((c) => c.id)).toEqual([facts.stray_container.id]);
    });

    it('tool: scan --format json reports the stray container, marked graphical, to be stopped', () => {
      const { code, output } = scan();
      const stray = output.findings.find((x) => x.host === facts.victim && x.node_uuid === facts.node && x.console === 'graphical');
      expect(stray, output.findings.map(brief).join('; ')).toBeDefined();
      expect(stray!.kind).toBe(strayKind[name]);
      expect(stray!.remedy).toBe('stop-container');
      expect(stray!.container).toMatchObject({ provider: 'container', engine: 'podman', id: facts.stray_container.id, name: facts.container, node_label: facts.node });
      expectOnlyTheVictimsLeftovers(facts, output.findings);
      expect(code).toBe(output.findings.some((x) => x.severity === 'critical') ? 2 : 1);
    });

    it('tool: fix --yes stops the stray as Ironic would, keeps what is right, and a new scan is clean', () => {
      const keep = facts.new_container?.id;
      const fix = runTool(['fix', ...labToolArgs(), '--yes']);
      expect(fix.code, `${fix.stderr.slice(-2000)}\n${fix.stdout.slice(-3000)}`).toBe(0);
      expect(fix.stderr).toMatch(new RegExp(`done +stop +${facts.victim} +node ${facts.node.slice(0, 8)} +graphical console: podman container ${facts.container}`));
      expect(hostContainers(facts.victim)[facts.node] ?? [], 'the stray is gone').toEqual([]);
      if (keep !== undefined) {
        expect((hostContainers(facts.new_owner)[facts.node] ?? []).map((c) => c.id), 'the new owner\'s container is left alone').toEqual([keep]);
      }
      const again = scan();
      expect(again.output.findings.map(brief)).toEqual([]);
      expect(again.code).toBe(0);
      // Every enabled graphical console runs once in the whole lab, on its owner.
      const now = graphicalLabState();
      expectGraphicalConsolesOnOwners(now, now.nodes.filter((n) => isGraphical(n) && n.console_enabled));
    });
  });
});

afterAll(() => {
  if (LAB_GRAPHICAL && process.env.CDLAB_KEEP !== '1') labDown();
});
