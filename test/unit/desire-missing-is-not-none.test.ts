/** What Ironic leaves out or cannot page through (issue 10, items 6 and 7). */
import { describe, expect, it } from 'vitest';
import { toConductorInfo, toDesiredNode } from '../../src/desire/desired-node.js';
import { cloudConfig, failureOf, testClient } from './desire-builders.js';
import { fakeIronicPerTest } from '../helpers/fake-ironic.js';

const ironic = fakeIronicPerTest();
const uuid = '1be26c0b-03f2-4d2e-ae87-c02d7f33c123';
const node = (extra: Record<string, unknown>) => ({ uuid, console_enabled: true, conductor_group: '', ...extra });

describe('toDesiredNode: the conductor field', () => {
  it.each([
    ['a name', { conductor: 'conductor-m:8099' }, 'conductor-m:8099'],
    ['null: no alive conductor serves the group', { conductor: null }, null],
    ['absent: owner unknown, never "none"', {}, undefined],
    ['redacted by policy: unknown', { conductor: '** Value redacted **' }, undefined],
    ['not a string: unknown', { conductor: 42 }, undefined],
  ] as const)('%s', (_name, fields, conductor) => {
    expect(toDesiredNode(node(fields), 'test').conductor).toBe(conductor);
  });
});

// A verdict on every console hangs on these two fields: read as "false" when absent, every
// console of the node would be console-disabled (killed), every console of the conductor
// "on a dead conductor" (killed). Absent means the answer cannot be judged at all.
describe('toDesiredNode and toConductorInfo: console_enabled and alive are never guessed', () => {
  it.each([
    ['absent', {}],
    ['null', { console_enabled: null }],
    ['a string', { console_enabled: 'True' }],
  ] as const)('a node whose console_enabled is %s makes the answer unreadable, naming the node', (_name, fields) => {
    const raw: Record<string, unknown> = { uuid, conductor: 'c', conductor_group: '', ...fields };
    if (!('console_enabled' in fields)) delete raw['console_enabled'];
    expect(() => toDesiredNode(raw, 'GET /v1/nodes')).toThrow(`GET /v1/nodes: node ${uuid} has no true/false "console_enabled"`);
  });

  it.each([
    ['absent', { hostname: 'conductor-a' }],
    ['a string', { hostname: 'conductor-a', alive: 'yes' }],
  ] as const)('a conductor whose alive is %s makes the answer unreadable, naming the conductor', (_name, raw) => {
    expect(() => toConductorInfo(raw, 'GET /v1/conductors')).toThrow('GET /v1/conductors: conductor conductor-a has no true/false "alive"');
  });

  it('reads false as false', () => {
    expect(toDesiredNode(node({ console_enabled: false, conductor: 'c' }), 'test').consoleEnabled).toBe(false);
    expect(toConductorInfo({ hostname: 'c', alive: false }, 'test').alive).toBe(false);
  });
});

describe('readDesiredState: a pager that never ends', () => {
  it('stops with an error when a page with a next link brings no new node', async () => {
    const server = await ironic({ endlessPages: true, maxLimit: 2 });
    const error = await failureOf(testClient(cloudConfig({ endpoint: server.url })).readDesiredState());
    expect(error.message).toMatch(/GET \/v1\/nodes\?.*marker=m1: pagination is broken: a page with a next link brought no new node/);
    expect(server.requests.filter((r) => r.path.startsWith('/v1/nodes')).length).toBe(2);
  });

  it('stops past a bound derived from the node count when every page brings one new node', async () => {
    const many = Array.from({ length: 40 }, (_, i) => node({ uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, conductor: 'c' }));
    const server = await ironic({ nodes: many, maxLimit: 4 });
    // Every page repeats three nodes already read and brings one new one.
    server.overrides.push((req) => {
      if (!req.path.startsWith('/v1/nodes?')) return undefined;
      const page = server.requests.filter((r) => r.path.startsWith('/v1/nodes?')).length;
      return { status: 200, body: { nodes: [...many.slice(0, 3), many[page + 2]], next: `http://x/v1/nodes?detail=True&limit=4&marker=p${page}` } };
    });
    const error = await failureOf(testClient(cloudConfig({ endpoint: server.url })).readDesiredState());
    expect(error.message).toMatch(/pagination is broken: \d+ pages for \d+ nodes/);
    expect(server.requests.filter((r) => r.path.startsWith('/v1/nodes?')).length).toBeLessThan(10);
  });
});

describe('checkNodeGone: only a 404 proves a node is gone', () => {
  it('404: gone; a node lists hide: still known; 503: unproven, with the reason', async () => {
    const server = await ironic({ nodes: [], hiddenNodes: [node({ conductor: 'c', parent_node: uuid })] });
    server.overrides.push((req) => (req.path.startsWith('/v1/nodes/5ca1ab1e') ? { status: 503, raw: 'down' } : undefined));
    const client = testClient(cloudConfig({ endpoint: server.url }));
    expect(await client.checkNodeGone('0b5e55ed-0000-4000-8000-000000000000')).toEqual({ gone: true });
    expect(await client.checkNodeGone(uuid)).toEqual({ gone: false, reason: expect.stringMatching(/^Ironic still knows the node/) });
    expect(await client.checkNodeGone('5ca1ab1e-0000-4000-8000-000000000000')).toEqual({ gone: false, reason: expect.stringMatching(/could not confirm .*503/) });
  });

  it('an Ironic that cannot be reached proves nothing', async () => {
    const client = testClient(cloudConfig({ endpoint: 'http://127.0.0.1:9' }));
    expect(await client.checkNodeGone(uuid)).toEqual({ gone: false, reason: expect.stringMatching(/could not ask Ironic about the node/) });
  });
});
