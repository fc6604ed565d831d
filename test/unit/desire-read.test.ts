import { describe, expect, it } from 'vitest';
import { toDesiredNode } from '../../src/desire/desired-node.js';
import type { DesiredNode } from '../../src/desire/types.js';
import { cloudConfig, failureOf, testClient } from './desire-builders.js';
import { fixture, fakeIronicPerTest } from '../helpers/fake-ironic.js';

const ironic = fakeIronicPerTest();

const fixtureNodes = fixture<{ nodes: unknown[] }>('nodes.json').nodes;

describe('toDesiredNode (fixture nodes of Ironic 21.4)', () => {
  const cases: [string, number, Partial<DesiredNode>][] = [
    ['integer ipmi_terminal_port', 0, { consolePort: 10001, conductor: 'cond-a', consoleEnabled: true, reservation: null, name: 'bm-01' }],
    ['string ipmi_terminal_port', 1, { consolePort: 10002, consoleInterface: 'ipmitool-shellinabox', reservation: 'cond-b' }],
    ['no terminal port: allocated_ipmi_terminal_port', 2, { consolePort: 10017, provisionState: 'available' }],
    ['masked "******" port: allocated port as a string', 3, { consolePort: 10020, name: null, conductor: null, conductorGroup: 'rack2', maintenance: true, consoleEnabled: false }],
    ['driver_info and reservation redacted by policy', 4, { consolePort: null, reservation: null, consoleInterface: 'no-console' }],
  ];
  it.each(cases)('%s', (_name, index, expected) => {
    expect(toDesiredNode(fixtureNodes[index], 'test')).toMatchObject(expected);
  });

  it('reads a graphical console\'s published port from driver_internal_info.vnc_port (set by the conductor that started its container)', () => {
    const raw = { ...(fixtureNodes[2] as object), console_interface: 'fake-graphical', driver_internal_info: { vnc_host: '10.254.77.11', vnc_port: 34817, novnc_secret_token: '***' } };
    expect(toDesiredNode(raw, 'test')).toMatchObject({ consoleInterface: 'fake-graphical', vncPort: 34817, consolePort: null });
    expect(toDesiredNode({ ...(fixtureNodes[2] as object), driver_internal_info: { vnc_port: 'x' } }, 'test').vncPort).toBeNull();
  });

  it('rejects a node without a uuid, naming where', () => {
    expect(() => toDesiredNode({ name: 'x' }, 'Ironic API http://h: GET /v1/nodes')).toThrow(/GET \/v1\/nodes: a node without a uuid/);
  });
});

describe('readDesiredState', () => {
  it('reads every page of nodes and conductors, following next on our own endpoint', async () => {
    const server = await ironic({ maxLimit: 2 });
    const state = await testClient(cloudConfig({ endpoint: server.url })).readDesiredState();

    expect(state.nodes.map((n) => n.uuid)).toEqual(fixtureNodes.map((n) => (n as { uuid: string }).uuid));
    expect(state.conductors).toEqual([
      { hostname: 'cond-a', conductorGroup: '', alive: true },
      { hostname: 'cond-b', conductorGroup: '', alive: false },
      { hostname: 'cond-c', conductorGroup: 'rack2', alive: true },
    ]);
    expect(state.apiVersion).toBe('1.82');
    expect(state.endpoint).toBe(server.url);
    const nodePages = server.requests.filter((r) => r.path.startsWith('/v1/nodes'));
    expect(nodePages).toHaveLength(3);
    expect(nodePages.map((r) => new URL(r.path, 'http://x').searchParams.get('marker'))).toEqual([
      null, '2c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f', '4e6f7081-9cad-4ebf-a021-3c4d5e6f7081',
    ]);
    // Ironic 21.4 cannot serve `fields=...,conductor` (a 500): every page asks for detail.
    expect(nodePages.map((r) => new URL(r.path, 'http://x').searchParams.get('detail'))).toEqual(['True', 'True', 'True']);
    expect(nodePages.every((r) => !r.path.includes('fields='))).toBe(true);
  });

  it('follows next past a full last page to the empty one', async () => {
    const server = await ironic({ maxLimit: 5 });
    const state = await testClient(cloudConfig({ endpoint: server.url })).readDesiredState();
    expect(state.nodes).toHaveLength(5);
    expect(server.requests.filter((r) => r.path.startsWith('/v1/nodes'))).toHaveLength(2);
  });

  it('sends the negotiated microversion on every request but GET /', async () => {
    const server = await ironic({ maxLimit: 2 });
    await testClient(cloudConfig({ endpoint: `${server.url}/v1/` })).readDesiredState();
    const api = server.requests.filter((r) => r.path !== '/');
    expect(api.length).toBeGreaterThan(3);
    expect(api.map((r) => r.headers['x-openstack-ironic-api-version'])).toEqual(api.map(() => '1.82'));
  });

  it('retries a 503 and then succeeds', async () => {
    const server = await ironic({ maxLimit: 2 });
    let failures = 2;
    server.overrides.push((r) => (r.path.includes('marker=2c4d') && failures-- > 0 ? { status: 503, raw: '<html><body>503 Service Unavailable</body></html>' } : undefined));
    const state = await testClient(cloudConfig({ endpoint: server.url })).readDesiredState();
    expect(state.nodes).toHaveLength(5);
    expect(server.requests.filter((r) => r.path.includes('marker=2c4d'))).toHaveLength(3);
  });

  it('fails the whole read when one page fails for good, never a short list', async () => {
    const server = await ironic({ maxLimit: 2 });
    server.overrides.push((r) => (r.path.includes('marker=4e6f') ? { status: 500, body: fixture('error-500.json') } : undefined));
    const error = await failureOf(testClient(cloudConfig({ endpoint: server.url })).readDesiredState());
    expect(error.kind).toBe('api');
    expect(error.message).toMatch(/^Ironic API http:\/\/127\.0\.0\.1:\d+: GET \/v1\/nodes\?.*marker=4e6f.*: 500 Internal Server Error: Timed out waiting for a reply to message ID \w+ \(after 4 tries\)$/);
    expect(server.requests.filter((r) => r.path.includes('marker=4e6f'))).toHaveLength(4);
  });

  it('fails when an answer lacks its list', async () => {
    const server = await ironic();
    server.overrides.push((r) => (r.path.startsWith('/v1/conductors') ? { status: 200, body: { items: [] } } : undefined));
    const error = await failureOf(testClient(cloudConfig({ endpoint: server.url })).readDesiredState());
    expect(error.message).toMatch(/GET \/v1\/conductors\?limit=1000: answer has no "conductors" list$/);
  });
});
