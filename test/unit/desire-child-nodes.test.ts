/**
 * Child and self-parented nodes (issue 11): from 1.83 node lists leave out every node with a
 * `parent_node` unless asked with include_children, and Debian's 29.0.5-0+deb13u3 sets
 * `parent_node` to the node's own uuid on every PATCH. The read must show them all, at
 * whatever microversion was negotiated, on every page.
 */
import { describe, expect, it } from 'vitest';
import { cloudConfig, testClient } from './desire-builders.js';
import { fakeIronicPerTest, fixture, ironicNode, type RecordedRequest } from '../helpers/fake-ironic.js';

const ironic = fakeIronicPerTest();

const release29 = fixture<{ nodes: Record<string, unknown>[] }>('releases/29.0/nodes-detail-include-children.json').nodes;
const uuids = release29.map((n) => n['uuid'] as string);
const [plain, selfParented, child] = uuids;

function root(version: string): unknown {
  const v1 = { id: 'v1', links: [], status: 'CURRENT', min_version: '1.1', version };
  return { name: 'OpenStack Ironic API', versions: [v1], default_version: v1 };
}

const nodeReads = (requests: readonly RecordedRequest[]): string[] =>
  requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/nodes')).map((r) => r.path);

describe('reading every node, children included', () => {
  const releases: [string, unknown, string][] = [
    ['Ironic 29.0 (1.96)', fixture('releases/29.0/root.json'), '1.96'],
    ["Debian trixie's real 29.0.5-0+deb13u3 (captured root)", fixture('releases/29.0.5-deb13u3/root.json'), '1.96'],
    ["Debian sid's real 39.0.0 (captured root)", fixture('releases/39.0.0-sid/root.json'), '1.115'],
    ['Ironic 35.0 (1.111)', fixture('releases/35.0/root.json'), '1.111'],
    ['Ironic 39.0 (1.115)', fixture('releases/39.0/root.json'), '1.115'],
    ['an Ironic at exactly 1.83', root('1.83'), '1.83'],
    ['a newer Ironic (1.130): capped at 1.115, children still read', root('1.130'), '1.115'],
  ];
  it.each(releases)('%s: GET /v1/nodes?detail=True&include_children=True', async (_name, document, version) => {
    const server = await ironic({ root: document, nodes: release29 });
    const state = await testClient(cloudConfig({ endpoint: server.url })).readDesiredState();
    expect(state.apiVersion).toBe(version);
    expect(state.nodes.map((n) => n.uuid)).toEqual(uuids);
    expect(nodeReads(server.requests)).toEqual([`/v1/nodes?detail=True&include_children=True&limit=1000`]);
  });

  it('keeps every field the tool reads at the newest microversion, parent_node included', async () => {
    const server = await ironic({ root: fixture('releases/39.0/root.json'), nodes: release29 });
    const state = await testClient(cloudConfig({ endpoint: server.url })).readDesiredState();
    expect(state.nodes.map((n) => [n.name, n.conductor, n.consoleEnabled, n.consolePort, n.parentNode])).toEqual([
      ['bm-plain', 'cond-a', true, 10001, null],
      ['bm-self-parented', 'cond-a', true, 10002, selfParented],
      ['bm-child', 'cond-b', false, 10003, plain],
    ]);
    expect(state.nodes.map((n) => n.uuid)).toContain(child);
  });

  it('asks for children on every page: Ironic drops include_children from its next links', async () => {
    const server = await ironic({ root: fixture('releases/29.0/root.json'), nodes: [...release29].reverse(), maxLimit: 1 });
    const state = await testClient(cloudConfig({ endpoint: server.url })).readDesiredState();
    expect(state.nodes.map((n) => n.uuid).sort()).toEqual([...uuids].sort());
    const pages = nodeReads(server.requests).map((path) => new URL(path, 'http://x').searchParams);
    expect(pages).toHaveLength(4);
    expect(pages.map((q) => q.get('include_children'))).toEqual(['True', 'True', 'True', 'True']);
    expect(pages.map((q) => q.get('detail'))).toEqual(['True', 'True', 'True', 'True']);
  });

  it('below 1.83 (Ironic 21.4, or a newer one pinned to 1.82): the plain list, include_children would be refused', async () => {
    const server = await ironic({ root: fixture('root-21.4.json'), nodes: [ironicNode('0a6f0e55-8c1f-4b9e-a1a2-5b8e2a0c7d31', 'old-1', 'cond-a', 10001)] });
    const state = await testClient(cloudConfig({ endpoint: server.url })).readDesiredState();
    expect(state.apiVersion).toBe('1.82');
    expect(state.nodes.map((n) => [n.name, n.parentNode])).toEqual([['old-1', undefined]]);
    expect(nodeReads(server.requests)).toEqual(['/v1/nodes?detail=True&limit=1000']);
  });
});

describe.each([
  ["Debian trixie's Ironic 29.0.5-0+deb13u3", 'releases/29.0.5-deb13u3'],
  ["Debian forky's Ironic 35.0.1-10", 'releases/35.0.1-forky'],
])('captured from %s (the e2e lab)', (_name, dir) => {
  const captured = fixture<{ nodes: Record<string, unknown>[] }>(`${dir}/nodes-detail-include-children-limit-2.json`).nodes;

  it('its PATCHed nodes are their own parents, hidden from the plain list, and read with every field', async () => {
    expect(fixture<{ nodes: unknown[] }>(`${dir}/nodes-detail-hidden.json`).nodes).toEqual([]);
    const server = await ironic({ root: fixture(`${dir}/root.json`), nodes: captured });
    const state = await testClient(cloudConfig({ endpoint: server.url })).readDesiredState();
    expect(state.nodes).toHaveLength(captured.length);
    for (const node of state.nodes) {
      expect(node.parentNode).toBe(node.uuid);
      expect(node.conductor).toMatch(/^conductor-[abc]$/);
      expect(node.consoleEnabled).toBe(true);
    }
  });
});
