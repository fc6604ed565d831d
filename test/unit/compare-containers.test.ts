/**
 * Graphical consoles (issue 14): Ironic 2025.1+ runs one console container per node on the
 * conductor that owns it. The same leak as with socat, and the same finding kinds, each
 * marked graphical. Containers here are shaped like the real podman capture in
 * test/fixtures/containers/ (labels, names, published ports).
 */
import { describe, expect, it } from 'vitest';
import { compareFleet, type CompareInput } from '../../src/compare/compare-fleet.js';
import type { FleetReport } from '../../src/compare/types.js';
import type { ConductorInfo, DesiredNode } from '../../src/desire/types.js';
import type { HostObservation, HostScan } from '../../src/observe/types.js';
import {
  buildConductor,
  buildContainer,
  buildDaemon,
  buildDesired,
  buildHostSpec,
  buildNode,
  buildObservation,
  buildScan,
  GRAPHICAL_SETTINGS,
  uuidFor,
} from '../helpers/builders.js';

const HOSTS = ['conductor-a', 'conductor-b', 'conductor-c'];

function fleet(input: { nodes: readonly DesiredNode[]; observations: readonly HostObservation[]; conductors?: readonly ConductorInfo[]; gone?: readonly string[] }): CompareInput {
  const scans: HostScan[] = input.observations.map((o) => buildScan(o));
  return {
    desired: buildDesired({
      nodes: input.nodes,
      conductors: input.conductors ?? HOSTS.map((h) => buildConductor({ hostname: h })),
      ...(input.gone === undefined ? {} : { nodesGoneByGet: input.gone }),
    }),
    scans,
    hosts: HOSTS.map((name) => buildHostSpec({ name })),
  };
}

/** A conductor host running graphical consoles in podman (ironic.conf [vnc] as the lab's). */
function host(name: string, containers: HostObservation['containers'] = [], extra: NonNullable<Parameters<typeof buildObservation>[0]> = {}) {
  // The conductor runs as root, as in the lab: its podman is root's.
  const conductorUser = { name: 'root', uid: 0, source: 'ironic-conductor process' as const, notes: [] };
  return buildObservation({ host: name, settings: GRAPHICAL_SETTINGS, containers, containerEngines: ['podman'], conductorUser, ...extra });
}

function lines(report: FleetReport): string[] {
  return report.findings.map((f) => `${f.severity} ${f.kind}${f.graphical ? ' (graphical)' : ''} ${f.host ?? '-'} ${f.nodeName ?? f.nodeUuid ?? '-'} ${f.remedy}`);
}

const g1 = buildNode({ name: 'g1', conductor: 'conductor-a', consoleInterface: 'fake-graphical', consolePort: null, consolePortFixed: false, vncPort: 41001 });
const g2 = buildNode({ name: 'g2', conductor: 'conductor-b', consoleInterface: 'redfish-graphical', consolePort: null, consolePortFixed: false, vncPort: 41002 });
const on = (node: DesiredNode, overrides: Parameters<typeof buildContainer>[0] = {}) =>
  buildContainer({ nodeUuid: node.uuid, ports: [{ address: '10.0.0.1', hostPort: node.vncPort ?? 40000, containerPort: 5900 }], ...overrides });

describe('compareFleet: graphical consoles', () => {
  const gone = uuidFor('deleted-graphical');
  const cases: { name: string; input: CompareInput; expected: string[] }[] = [
    {
      name: 'clean: each enabled graphical console runs in one container on its owner',
      input: fleet({ nodes: [g1, g2], observations: [host('conductor-a', [on(g1)]), host('conductor-b', [on(g2, { conductor: 'conductor-b' })]), host('conductor-c')] }),
      expected: [],
    },
    {
      name: 'a graphical node is never missing a serial daemon (no socat is wanted for it)',
      input: fleet({ nodes: [g1], observations: [buildObservation({ host: 'conductor-a' })] }),
      expected: [],
    },
    {
      name: 'wrong-host: the old owner still runs the node\'s container after a takeover; the new owner runs its own',
      input: fleet({
        nodes: [g2],
        observations: [host('conductor-a', [on(g2)]), host('conductor-b', [on(g2, { conductor: 'conductor-b', engine: 'podman', name: 'ironic-console-x' })])],
      }),
      expected: ['critical wrong-host (graphical) conductor-a g2 stop-container'],
    },
    {
      name: 'wrong-host, report only: no alive conductor serves the node, so its only console is kept',
      input: fleet({ nodes: [{ ...g2, conductor: null }], observations: [host('conductor-a', [on(g2)])] }),
      expected: ['warning wrong-host (graphical) conductor-a g2 report'],
    },
    {
      name: 'console-disabled: a container left for a node whose console is off',
      input: fleet({ nodes: [{ ...g1, consoleEnabled: false }], observations: [host('conductor-a', [on(g1)])] }),
      expected: ['warning console-disabled (graphical) conductor-a g1 stop-container'],
    },
    {
      name: 'console-disabled: a container for a node whose console interface is no longer graphical',
      input: fleet({ nodes: [{ ...g1, consoleInterface: 'ipmitool-socat' }], observations: [host('conductor-a', [on(g1)], { consoles: [buildDaemon({ nodeUuid: g1.uuid, port: 10001 })] })] }),
      expected: ['warning console-disabled (graphical) conductor-a g1 stop-container'],
    },
    {
      name: 'console-disabled (serial): a socat for a node whose console is graphical now',
      input: fleet({
        nodes: [g1],
        observations: [host('conductor-a', [on(g1)], { consoles: [buildDaemon({ nodeUuid: g1.uuid, port: 10001 })], conductorUser: buildObservation().conductorUser })],
      }),
      expected: ['warning console-disabled conductor-a g1 kill', 'warning stray-credential conductor-a g1 remove-file'],
    },
    {
      name: 'unknown-node: a container for a node Ironic does not know',
      input: fleet({ nodes: [], observations: [host('conductor-a', [buildContainer({ nodeUuid: gone })])], gone: [gone] }),
      expected: [`warning unknown-node (graphical) conductor-a ${gone} stop-container`],
    },
    {
      name: 'duplicate: podman and docker both run one for the node; the one publishing vnc_port is kept',
      input: fleet({
        nodes: [g1],
        observations: [host('conductor-a', [on(g1, { engine: 'docker', ports: [{ address: '10.0.0.1', hostPort: 45555, containerPort: 5900 }] }), on(g1)], { containerEngines: ['podman', 'docker'] })],
      }),
      expected: ['critical duplicate (graphical) conductor-a g1 stop-container'],
    },
    {
      name: 'missing: the owner runs no container for an enabled graphical console',
      input: fleet({ nodes: [g1], observations: [host('conductor-a')] }),
      expected: ['critical missing (graphical) conductor-a g1 restart'],
    },
    {
      name: 'an exited container is no console: a leftover (stale-pidfile), and the console is missing',
      input: fleet({ nodes: [g1], observations: [host('conductor-a', [on(g1, { state: 'exited' })])] }),
      expected: ['critical missing (graphical) conductor-a g1 restart', 'warning stale-pidfile (graphical) conductor-a g1 stop-container'],
    },
    {
      name: 'a container found only by its ironic-console-<uuid> name (no labels) is reported, never stopped',
      input: fleet({ nodes: [{ ...g1, consoleEnabled: false }], observations: [host('conductor-a', [on(g1, { labelled: false, nodeUuid: null, nameUuid: g1.uuid, conductor: null })])] }),
      expected: ['warning console-disabled (graphical) conductor-a g1 report'],
    },
    {
      name: 'a labelled console container whose node label is not a UUID names no node: unmanaged, never touched',
      input: fleet({ nodes: [], observations: [host('conductor-a', [buildContainer({ nodeUuid: null, name: 'ironic-console-x' })])] }),
      expected: ['info unmanaged (graphical) conductor-a - report'],
    },
  ];
  it.each(cases)('$name', ({ input, expected }) => {
    expect(lines(compareFleet(input))).toEqual(expected);
  });

  it('a wrong-host container names the container, the owner and depends on the owner\'s scan', () => {
    const report = compareFleet(fleet({ nodes: [g2], observations: [host('conductor-a', [on(g2)]), host('conductor-b')] }));
    const [f] = report.findings.filter((x) => x.kind === 'wrong-host');
    expect(f?.graphical?.provider).toBe('container');
    expect(f?.graphical?.container).toMatchObject({ engine: 'podman', name: `ironic-console-${g2.uuid}`, nodeLabel: g2.uuid, conductorLabel: 'conductor-a' });
    expect(f?.port).toBe(41002);
    expect(f?.dependsOn).toEqual(['conductor-b']);
    expect(f?.evidence).toContain('no container for the node runs on owner host conductor-b');
    expect(f?.id).toBe(`wrong-host:conductor-a:graphical:${g2.uuid}:${f?.graphical?.container?.id.slice(0, 12)}`);
  });

  it('counts running containers among the consoles seen', () => {
    const report = compareFleet(fleet({ nodes: [g1], observations: [host('conductor-a', [on(g1), on(g2, { state: 'exited' })], { consoles: [buildDaemon()] })] }));
    expect(report.consolesSeen).toBe(2);
  });

  describe('missing is judged only where the host shows what Ironic would run', () => {
    const judged = (observation: HostObservation) => lines(compareFleet(fleet({ nodes: [g1], observations: [observation] })));
    it.each([
      ['[vnc]enabled is false', { settings: { ...GRAPHICAL_SETTINGS, vncEnabled: 'False' } }],
      ['ironic.conf says nothing of [vnc]', { settings: { pidDir: '/tmp', tempdir: '/tmp' } }],
      ['the provider is kubernetes (pods, not on the host)', { settings: { ...GRAPHICAL_SETTINGS, containerProvider: 'kubernetes' } }],
      ['the provider is fake (Ironic\'s default: nothing runs)', { settings: { ...GRAPHICAL_SETTINGS, containerProvider: 'fake' } }],
      ['the engine is remote ([vnc]container_host)', { settings: { ...GRAPHICAL_SETTINGS, containerHost: 'set' } }],
      ['podman could not be listed', { containerEngines: [] }],
      ['the executable is docker (the default), and only podman was listed', { settings: { ...GRAPHICAL_SETTINGS, containerExecutable: undefined } }],
    ] as const)('not when %s', (_, extra) => {
      expect(judged(host('conductor-a', [], extra as never))).toEqual([]);
    });
    it('not from root\'s podman when the conductor runs as another user (Debian\'s runs as ironic: its podman is rootless)', () => {
      const ironic = { name: 'ironic', uid: 998, source: 'ironic-conductor process' as const, notes: [] };
      expect(judged(host('conductor-a', [], { conductorUser: ironic }))).toEqual([]);
      // The user's own podman listed: judged from it.
      expect(judged(host('conductor-a', [], { conductorUser: ironic, podmanUsers: [998] }))).toEqual(['critical missing (graphical) conductor-a g1 restart']);
      expect(judged(host('conductor-a', [on(g1, { uid: 998 })], { conductorUser: ironic, podmanUsers: [998] }))).toEqual([]);
    });
    it('not when the conductor\'s user is only a guess', () => {
      expect(judged(host('conductor-a', [], { conductorUser: { name: 'ironic', uid: 0, source: 'default', notes: [] } }))).toEqual([]);
    });
    it('but when the executable is a path to podman', () => {
      expect(judged(host('conductor-a', [], { settings: { ...GRAPHICAL_SETTINGS, containerExecutable: '/usr/bin/podman' } }))).toEqual([
        'critical missing (graphical) conductor-a g1 restart',
      ]);
    });
  });
});
