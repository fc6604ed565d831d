/**
 * A console whose node Ironic's list did not show is not yet a console of an unknown node:
 * lists hide child and self-parented nodes (and a pinned or proxied API may hide more). The
 * scan asks Ironic for each such node by itself, and only a 404 makes it unknown.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { withLookedUpNodes, MAX_NODE_LOOKUPS } from '../../src/desire/node-lookup.js';
import { compareFleet } from '../../src/compare/compare-fleet.js';
import { cloudConfig, failureOf, testClient } from './desire-builders.js';
import { fakeIronicPerTest, ironicNode } from '../helpers/fake-ironic.js';
import { buildConductor, buildDaemon, buildDesired, buildHostSpec, buildNode, buildObservation, buildScan } from '../helpers/builders.js';

const ironic = fakeIronicPerTest();

describe('lookUpNodes: GET /v1/nodes/<uuid> for each node the list did not show', () => {
  it('finds a self-parented node the list hid (read whole), and calls a 404 gone', async () => {
    const hidden = randomUUID();
    const gone = randomUUID();
    // A 29.0 pinned to 1.82: include_children is not asked, the list hides the node.
    const server = await ironic({ nodes: [], childNodes: true, hiddenNodes: [ironicNode(hidden, 'node-hidden', 'cond-a', 10007, { parent_node: hidden })] });
    const lookup = await testClient(cloudConfig({ endpoint: server.url })).lookUpNodes([hidden, gone]);
    expect(lookup.found.map((n) => [n.uuid, n.name, n.conductor, n.consolePort, n.consoleEnabled])).toEqual([[hidden, 'node-hidden', 'cond-a', 10007, true]]);
    expect(lookup.gone).toEqual([gone]);
    expect(server.requests.filter((r) => r.path.startsWith('/v1/nodes/')).map((r) => r.path).sort()).toEqual([`/v1/nodes/${gone}`, `/v1/nodes/${hidden}`].sort());
  });

  it('asks nothing when the list showed every node', async () => {
    const server = await ironic();
    const lookup = await testClient(cloudConfig({ endpoint: server.url })).lookUpNodes([]);
    expect(lookup).toEqual({ found: [], gone: [] });
    expect(server.requests).toEqual([]);
  });

  it('fails the read, naming the node, when a GET neither finds the node nor answers 404', async () => {
    const flaky = randomUUID();
    const server = await ironic({ nodes: [] });
    server.overrides.push((r) => (r.path.startsWith(`/v1/nodes/${flaky}`) ? { status: 503, raw: 'Service Unavailable' } : undefined));
    const error = await failureOf(testClient(cloudConfig({ endpoint: server.url })).lookUpNodes([flaky]));
    expect(error.message).toBe(
      `Ironic API ${server.url}: node ${flaky} is not in the node list, and GET /v1/nodes/${flaky} could not tell whether it exists: 503 Service Unavailable: Service Unavailable (after 4 tries); no verdict on its console`,
    );
  });

  it('is bounded: more unlisted nodes than it will ask about one by one fail the read before any GET', async () => {
    const server = await ironic({ nodes: [] });
    const many = Array.from({ length: MAX_NODE_LOOKUPS + 1 }, () => randomUUID());
    const error = await failureOf(testClient(cloudConfig({ endpoint: server.url })).lookUpNodes(many));
    expect(error.message).toBe(
      `Ironic API ${server.url}: ${MAX_NODE_LOOKUPS + 1} nodes seen on the hosts are not in Ironic's node list (more than ${MAX_NODE_LOOKUPS} to ask about one by one): the list looks cut short (token scope? a proxy?); no verdict on their consoles`,
    );
    expect(server.requests.filter((r) => r.path.startsWith('/v1/nodes/'))).toEqual([]);
  });
});

describe('a node found by its own GET is judged like any listed node', () => {
  const selfParented = buildNode({ name: 'self', conductor: 'conductor-a', consolePort: 10005, parentNode: undefined });
  const found = { ...selfParented, parentNode: selfParented.uuid };
  const goneUuid = buildNode({ name: 'gone' }).uuid;
  const desired = buildDesired({ nodes: [], conductors: [buildConductor({ hostname: 'conductor-a' })] });
  const scan = buildScan(buildObservation({
    host: 'conductor-a',
    consoles: [buildDaemon({ nodeUuid: found.uuid, port: 10005, pid: 501 }), buildDaemon({ nodeUuid: goneUuid, port: 10006, pid: 502 })],
  }));

  it('its console and credential on its owner are no finding; the 404 one is unknown-node, with the 404 as evidence', () => {
    const merged = withLookedUpNodes(desired, { found: [found], gone: [goneUuid] });
    const report = compareFleet({ desired: merged, scans: [scan], hosts: [buildHostSpec({ name: 'conductor-a' })] });
    expect(report.findings.map((f) => `${f.kind} ${f.nodeUuid}`)).toEqual([`unknown-node ${goneUuid}`, `stray-credential ${goneUuid}`]);
    expect(report.findings[0]?.evidence).toContain(`GET /v1/nodes/${goneUuid} answered 404`);
    expect(merged.nodes.map((n) => n.uuid)).toEqual([found.uuid]);
    expect(merged.nodesFoundByGet).toEqual([found.uuid]);
  });
});
