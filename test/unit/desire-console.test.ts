import { describe, expect, it } from 'vitest';
import { cloudConfig, failureOf, testClient } from './desire-builders.js';
import { fixture, type FakeServer, fakeIronicPerTest } from '../helpers/fake-ironic.js';

const ENABLED = '1be26c0b-03f2-4d2e-ae87-c02d7f33c123';
const DISABLED = '4e6f7081-9cad-4ebf-a021-3c4d5e6f7081';

const ironic = fakeIronicPerTest();
/** The API calls after GET /, as `METHOD path-without-query`. */
function calls(server: FakeServer): string[] {
  return server.requests.filter((r) => r.path !== '/').map((r) => `${r.method} ${r.path.split('?')[0]}${r.body !== '' ? ` ${r.body}` : ''}`);
}

describe('setConsole', () => {
  it('PUTs the state, then polls the node until console_enabled matches', async () => {
    const server = await ironic({ pollsUntilDone: 3 });
    await testClient(cloudConfig({ endpoint: server.url })).setConsole(DISABLED, true);
    expect(server.consoles.get(DISABLED)).toBe(true);
    expect(calls(server)).toEqual([
      `PUT /v1/nodes/${DISABLED}/states/console {"enabled":true}`,
      `GET /v1/nodes/${DISABLED}`, `GET /v1/nodes/${DISABLED}`, `GET /v1/nodes/${DISABLED}`,
    ]);
    const poll = server.requests.find((r) => r.method === 'GET' && r.path.startsWith(`/v1/nodes/${DISABLED}`));
    expect(new URL(poll?.path ?? '', 'http://x').searchParams.get('fields')).toBe('uuid,console_enabled,last_error,target_provision_state,reservation');
  });

  it('returns after one poll when the console is already in that state', async () => {
    const server = await ironic();
    await testClient(cloudConfig({ endpoint: server.url })).setConsole(ENABLED, true);
    expect(calls(server)).toEqual([`PUT /v1/nodes/${ENABLED}/states/console {"enabled":true}`, `GET /v1/nodes/${ENABLED}`]);
  });

  it('retries 409 NodeLocked with backoff, then goes on', async () => {
    const server = await ironic({ pollsUntilDone: 1 });
    let locked = 2;
    server.overrides.push((r) => (r.method === 'PUT' && locked-- > 0 ? { status: 409, body: fixture('error-409-locked.json') } : undefined));
    await testClient(cloudConfig({ endpoint: server.url })).setConsole(ENABLED, false);
    expect(calls(server).filter((c) => c.startsWith('PUT'))).toHaveLength(3);
    expect(server.consoles.get(ENABLED)).toBe(false);
  });

  it('gives up on a node that stays locked, saying so', async () => {
    const server = await ironic();
    server.overrides.push((r) => (r.method === 'PUT' ? { status: 409, body: fixture('error-409-locked.json') } : undefined));
    const error = await failureOf(testClient(cloudConfig({ endpoint: server.url }), { consoleTimeoutMs: 100 }).setConsole(ENABLED, false));
    expect(error.status).toBe(409);
    expect(error.message).toMatch(/^Ironic API http:\/\/127\.0\.0\.1:\d+: PUT \/v1\/nodes\/1be26c0b-\S+\/states\/console: 409 Conflict: Node 1be26c0b-\S+ is locked by host cond-a, please retry after the current operation is completed\. \(still locked after 0\.1s\)$/);
  });

  it('times out with last_error when the console never comes up', async () => {
    const server = await ironic({ pollsUntilDone: 1_000_000 });
    server.overrides.push((r) => (r.method === 'GET' && r.path.startsWith(`/v1/nodes/${DISABLED}`)
      ? { status: 200, body: { uuid: DISABLED, console_enabled: false, last_error: 'Failed to start console: socat exited with 1', target_provision_state: null, reservation: null } }
      : undefined));
    const error = await failureOf(testClient(cloudConfig({ endpoint: server.url }), { consoleTimeoutMs: 60 }).setConsole(DISABLED, true));
    expect(error.message).toBe(`Ironic API ${server.url}: node ${DISABLED}: console not enabled after 0.06s (console_enabled is false; last_error: Failed to start console: socat exited with 1)`);
  });

  it('a node Ironic does not know is a 404 ApiError', async () => {
    const server = await ironic();
    const error = await failureOf(testClient(cloudConfig({ endpoint: server.url })).setConsole('9f9f9f9f-0000-4000-8000-000000000000', true));
    expect(error.status).toBe(404);
    expect(error.message).toMatch(/: 404 Not Found: Node 9f9f9f9f-0000-4000-8000-000000000000 could not be found\.$/);
  });
});

describe('restartConsole', () => {
  it('disables, waits, enables, waits, in that order', async () => {
    const server = await ironic({ pollsUntilDone: 2 });
    await testClient(cloudConfig({ endpoint: server.url })).restartConsole(ENABLED);
    expect(calls(server)).toEqual([
      `PUT /v1/nodes/${ENABLED}/states/console {"enabled":false}`,
      `GET /v1/nodes/${ENABLED}`, `GET /v1/nodes/${ENABLED}`,
      `PUT /v1/nodes/${ENABLED}/states/console {"enabled":true}`,
      `GET /v1/nodes/${ENABLED}`, `GET /v1/nodes/${ENABLED}`,
    ]);
    expect(server.consoles.get(ENABLED)).toBe(true);
  });

  it('never reads GET .../states/console (it ends live SOL sessions on Ironic 25+)', async () => {
    const server = await ironic();
    const client = testClient(cloudConfig({ endpoint: server.url }));
    await client.restartConsole(ENABLED);
    await client.setConsole(DISABLED, true);
    expect(server.requests.filter((r) => r.method === 'GET' && r.path.includes('/states'))).toEqual([]);
  });
});
