import { afterEach, describe, expect, it } from 'vitest';
import type { CloudConfig, EndpointInterface } from '../../src/desire/cloud-config-types.js';
import { Secret } from '../../src/desire/secret.js';
import { cloudConfig, failureOf, testClient } from './desire-builders.js';
import { startFakeIronic, startFakeKeystone, type FakeServer } from '../helpers/fake-ironic.js';

const PASSWORD = 'Pa55-word-never-shown';
const TOKEN = 'gAAAAABtoken-never-shown';
const APP_SECRET = 'app-cred-secret-never-shown';

const servers: FakeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
function track<T extends FakeServer>(server: T): T {
  servers.push(server);
  return server;
}

type Identity = { methods: string[]; password?: { user: Record<string, unknown> }; token?: { id: string }; application_credential?: Record<string, unknown> };
function identityOf(body: Record<string, unknown>): Identity {
  return (body['auth'] as { identity: Identity }).identity;
}

/** Keystone that accepts exactly one of our secrets, and Ironic that accepts only its token. */
async function keystoneLab() {
  const ironic = track(await startFakeIronic({ requireToken: TOKEN }));
  const bodies: Record<string, unknown>[] = [];
  const keystone = track(await startFakeKeystone({
    ironicUrl: ironic.url,
    token: TOKEN,
    accept: (body) => {
      bodies.push(body);
      const id = identityOf(body);
      return id.password?.user['password'] === PASSWORD || id.application_credential?.['secret'] === APP_SECRET || id.token?.id === 'user-token';
    },
  }));
  return { ironic, keystone, bodies };
}

describe('auth types: what is actually sent', () => {
  it('none: no credentials at all', async () => {
    const ironic = track(await startFakeIronic());
    await testClient(cloudConfig({ endpoint: ironic.url })).readDesiredState();
    expect(ironic.requests.every((r) => r.headers['authorization'] === undefined && r.headers['x-auth-token'] === undefined)).toBe(true);
  });

  it('http_basic: Authorization: Basic on every API request', async () => {
    const basic = Buffer.from(`ironic:${PASSWORD}`).toString('base64');
    const ironic = track(await startFakeIronic({ requireBasic: basic }));
    const state = await testClient(cloudConfig({ endpoint: ironic.url, auth: { type: 'http_basic', username: 'ironic', password: new Secret(PASSWORD) } })).readDesiredState();
    expect(state.nodes).toHaveLength(5);
    expect(ironic.requests.filter((r) => r.path !== '/').map((r) => r.headers['authorization'])).toEqual(['Basic ' + basic, 'Basic ' + basic]);
  });

  it('admin_token: X-Auth-Token as given', async () => {
    const ironic = track(await startFakeIronic({ requireToken: TOKEN }));
    await testClient(cloudConfig({ endpoint: ironic.url, auth: { type: 'admin_token', token: new Secret(TOKEN) } })).readDesiredState();
    expect(ironic.requests.filter((r) => r.path !== '/').every((r) => r.headers['x-auth-token'] === TOKEN)).toBe(true);
  });

  const keystoneCases: [string, (authUrl: string) => CloudConfig['auth'], (id: Identity, body: Record<string, unknown>) => void][] = [
    ['password, project scoped', (authUrl) => ({ type: 'password', authUrl, user: { name: 'console-doctor', domainName: 'Default' }, password: new Secret(PASSWORD), scope: { kind: 'project', projectName: 'admin', domainName: 'Default' } }),
      (id, body) => {
        expect(id.methods).toEqual(['password']);
        expect(id.password?.user).toEqual({ name: 'console-doctor', domain: { name: 'Default' }, password: PASSWORD });
        expect(body['auth']).toMatchObject({ scope: { project: { name: 'admin', domain: { name: 'Default' } } } });
      }],
    ['password, system scoped', (authUrl) => ({ type: 'password', authUrl: `${authUrl}/v3`, user: { id: 'u1' }, password: new Secret(PASSWORD), scope: { kind: 'system' } }),
      (_id, body) => expect(body['auth']).toMatchObject({ scope: { system: { all: true } } })],
    ['v3applicationcredential by id', (authUrl) => ({ type: 'v3applicationcredential', authUrl, credentialId: 'ac-1', user: {}, secret: new Secret(APP_SECRET) }),
      (id, body) => {
        expect(id).toEqual({ methods: ['application_credential'], application_credential: { id: 'ac-1', secret: APP_SECRET } });
        expect(body['auth']).not.toHaveProperty('scope');
      }],
    ['token exchanged at keystone', (authUrl) => ({ type: 'token', authUrl, token: new Secret('user-token'), scope: { kind: 'project', projectId: 'p1' } }),
      (id, body) => {
        expect(id).toEqual({ methods: ['token'], token: { id: 'user-token' } });
        expect(body['auth']).toMatchObject({ scope: { project: { id: 'p1' } } });
      }],
  ];
  it.each(keystoneCases)('%s: POST /v3/auth/tokens, then X-Subject-Token to Ironic', async (_name, auth, checkBody) => {
    const { ironic, keystone, bodies } = await keystoneLab();
    const state = await testClient(cloudConfig({ auth: auth(keystone.url) })).readDesiredState();
    expect(state.nodes).toHaveLength(5);
    expect(bodies).toHaveLength(1);
    checkBody(identityOf(bodies[0] ?? {}), bodies[0] ?? {});
    expect(keystone.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v3/auth/tokens']);
    expect(ironic.requests.filter((r) => r.path !== '/').every((r) => r.headers['x-auth-token'] === TOKEN)).toBe(true);
  });

  it('renews an expired token once on a 401', async () => {
    const { ironic, keystone } = await keystoneLab();
    let expired = 1;
    ironic.overrides.push((r) => (r.path.startsWith('/v1/nodes') && expired-- > 0 ? { status: 401, body: { error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } } } : undefined));
    const auth: CloudConfig['auth'] = { type: 'password', authUrl: keystone.url, user: { id: 'u' }, password: new Secret(PASSWORD), scope: { kind: 'unscoped' } };
    const state = await testClient(cloudConfig({ auth })).readDesiredState();
    expect(state.nodes).toHaveLength(5);
    expect(keystone.requests).toHaveLength(2);
  });
});

describe('catalog selection', () => {
  const cases: [EndpointInterface, string | undefined, string][] = [
    ['public', undefined, 'bm-public-r1'],
    ['internal', undefined, 'bm-internal-r1'],
    ['admin', 'RegionOne', 'bm-admin-r1'],
    ['public', 'RegionTwo', 'bm-public-r2'],
    ['internal', 'RegionTwo', 'bm-internal-r2'],
  ];
  it.each(cases)('interface %s, region %s → %s', async (iface, region, tag) => {
    const { ironic, keystone } = await keystoneLab();
    const auth: CloudConfig['auth'] = { type: 'password', authUrl: keystone.url, user: { id: 'u' }, password: new Secret(PASSWORD), scope: { kind: 'unscoped' } };
    const state = await testClient(cloudConfig({ auth, interface: iface, regionName: region })).readDesiredState();
    expect(state.endpoint).toBe(`${ironic.url}/${tag}`);
    expect(new Set(ironic.requests.map((r) => r.prefix))).toEqual(new Set([tag]));
  });

  it('an endpoint override skips the catalog', async () => {
    const { ironic, keystone } = await keystoneLab();
    const auth: CloudConfig['auth'] = { type: 'password', authUrl: keystone.url, user: { id: 'u' }, password: new Secret(PASSWORD), scope: { kind: 'unscoped' } };
    const state = await testClient(cloudConfig({ auth, endpoint: ironic.url, regionName: 'Nowhere' })).readDesiredState();
    expect(state.endpoint).toBe(ironic.url);
    expect(ironic.requests.every((r) => r.prefix === undefined)).toBe(true);
  });

  it('no match lists what the catalog has', async () => {
    const { keystone } = await keystoneLab();
    const auth: CloudConfig['auth'] = { type: 'password', authUrl: keystone.url, user: { id: 'u' }, password: new Secret(PASSWORD), scope: { kind: 'unscoped' } };
    const error = await failureOf(testClient(cloudConfig({ auth, interface: 'admin', regionName: 'RegionTwo' })).readDesiredState());
    expect(error.message).toBe(`Keystone ${keystone.url}: no baremetal endpoint for interface admin, region RegionTwo in the catalog (it has public@RegionOne, internal@RegionOne, admin@RegionOne, public@RegionTwo, internal@RegionTwo)`);
  });
});

describe('secrets never reach messages', () => {
  it('wrong password: AuthError naming Keystone, without the password', async () => {
    const { keystone } = await keystoneLab();
    const wrong = `${PASSWORD}-typo`;
    const auth: CloudConfig['auth'] = { type: 'password', authUrl: keystone.url, user: { name: 'op', domainName: 'Default' }, password: new Secret(wrong), scope: { kind: 'unscoped' } };
    const error = await failureOf(testClient(cloudConfig({ auth })).readDesiredState());
    expect(error.kind).toBe('auth');
    expect(error.message).toBe(`Keystone ${keystone.url}: POST /v3/auth/tokens: 401 Unauthorized (credentials refused): The request you have made requires authentication.`);
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toContain(wrong);
  });

  it('a server that echoes the secret back gets it scrubbed', async () => {
    const ironic = track(await startFakeIronic());
    ironic.overrides.push((r) => (r.path.startsWith('/v1/') ? { status: 400, body: { error_message: JSON.stringify({ faultstring: `bad token ${TOKEN} and ${PASSWORD}`, faultcode: 'Client', debuginfo: null }) } } : undefined));
    for (const auth of [{ type: 'admin_token', token: new Secret(TOKEN) }, { type: 'http_basic', username: 'u', password: new Secret(PASSWORD) }] as const) {
      const error = await failureOf(testClient(cloudConfig({ endpoint: ironic.url, auth })).readDesiredState());
      expect(error.message).toMatch(/^Ironic API .*: 400 Bad Request: bad token .* and .*$/);
      expect(error.message).toContain('[secret]');
      const everything = `${error.message} ${String(error.stack)} ${JSON.stringify(error)} ${String(error.cause)}`;
      expect(everything).not.toContain(auth.type === 'admin_token' ? TOKEN : PASSWORD);
    }
  });

  it('a Secret prints as [secret] everywhere', async () => {
    const { inspect } = await import('node:util');
    const auth = { type: 'http_basic', username: 'u', password: new Secret(PASSWORD) };
    const config = cloudConfig({ auth: auth as CloudConfig['auth'] });
    for (const shown of [inspect(config, { depth: 9 }), JSON.stringify(config), `${auth.password}`]) {
      expect(shown).not.toContain(PASSWORD);
      expect(shown).toContain('[secret]');
    }
  });
});
