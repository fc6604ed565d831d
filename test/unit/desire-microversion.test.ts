import { afterEach, describe, expect, it } from 'vitest';
import { chooseMicroversion } from '../../src/desire/microversion.js';
import { cloudConfig, failureOf, testClient } from './desire-builders.js';
import { fixture, startFakeIronic, type FakeServer } from '../helpers/fake-ironic.js';

function root(version: string, minVersion = '1.1'): unknown {
  const v1 = { id: 'v1', links: [], status: 'CURRENT', min_version: minVersion, version };
  return { name: 'OpenStack Ironic API', versions: [v1], default_version: v1 };
}

describe('chooseMicroversion', () => {
  const cases: [string, unknown, string][] = [
    ['Ironic 21.4 (1.82)', fixture('root-21.4.json'), '1.82'],
    ['Ironic 29.0 (1.96)', fixture('releases/29.0/root.json'), '1.96'],
    ['Ironic 35.0 (1.111)', fixture('releases/35.0/root.json'), '1.111'],
    ['Ironic 39.0 (1.115)', fixture('releases/39.0/root.json'), '1.115'],
    ['exactly 1.83 (child nodes)', root('1.83'), '1.83'],
    ['a newer Ironic (1.130): capped at the newest we were tested against', root('1.130'), '1.115'],
    ['exactly 1.49', root('1.49'), '1.49'],
    ['1.65', root('1.65'), '1.65'],
    ['versions list without default_version', { name: 'OpenStack Ironic API', versions: [{ id: 'v1', version: '1.70', min_version: '1.1' }] }, '1.70'],
  ];
  it.each(cases)('%s → %s', (_name, document, expected) => {
    expect(chooseMicroversion(document, 'http://ironic:6385')).toBe(expected);
  });

  const tooOld: [string, unknown, string][] = [
    ['1.46', fixture('root-1.46.json'), 'http://ironic:6385: Ironic API supports up to 1.46; console-doctor needs 1.49 (node.conductor, /v1/conductors)'],
    ['no range at all (1.1 only)', { name: 'OpenStack Ironic API', versions: [{ id: 'v1', links: [] }] }, 'http://ironic:6385: Ironic API supports up to 1.1; console-doctor needs 1.49 (node.conductor, /v1/conductors)'],
    ['a minimum above what we speak', root('2.10', '2.0'), 'http://ironic:6385: Ironic API needs at least 2.0; console-doctor speaks up to 1.115'],
  ];
  it.each(tooOld)('%s is refused', (_name, document, message) => {
    expect(() => chooseMicroversion(document, 'http://ironic:6385')).toThrow(message);
  });
});

describe('negotiation against the server', () => {
  const servers: FakeServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('asks GET / without credentials or version header, then uses the answer', async () => {
    const server = await startFakeIronic({ root: root('1.60') });
    servers.push(server);
    const state = await testClient(cloudConfig({ endpoint: server.url })).readDesiredState();
    expect(state.apiVersion).toBe('1.60');
    expect(server.requests[0]?.path).toBe('/');
    expect(server.requests[0]?.headers['x-openstack-ironic-api-version']).toBeUndefined();
    expect(server.requests.slice(1).every((r) => r.headers['x-openstack-ironic-api-version'] === '1.60')).toBe(true);
  });

  it('refuses an Ironic older than 1.49 before reading anything', async () => {
    const server = await startFakeIronic({ root: fixture('root-1.46.json') });
    servers.push(server);
    const error = await failureOf(testClient(cloudConfig({ endpoint: server.url })).readDesiredState());
    expect(error.kind).toBe('api');
    expect(error.message).toBe(`${server.url}: Ironic API supports up to 1.46; console-doctor needs 1.49 (node.conductor, /v1/conductors)`);
    expect(server.requests.map((r) => r.path)).toEqual(['/']);
  });
});
