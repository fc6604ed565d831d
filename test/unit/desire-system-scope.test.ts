/**
 * Keystone system scope (issue 11): Ironic 2025.1+ enforces token scope and its new default
 * policies. A project-scoped token, even an admin's, gets 403 on /v1/conductors, sees no
 * nodes and gets 404 on a node. console-doctor asks for a system-scoped token when told
 * (`system_scope: all`, OS_SYSTEM_SCOPE=all), and when the token's scope is the trouble it
 * says exactly that and gives no verdict at all.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveCloudConfig } from '../../src/desire/cloud-config.js';
import type { CloudConfig } from '../../src/desire/cloud-config-types.js';
import { Secret } from '../../src/desire/secret.js';
import { cloudConfig, failureOf, testClient } from './desire-builders.js';
import { fixture, startFakeIronic, startFakeKeystone, type FakeServer } from '../helpers/fake-ironic.js';

const PASSWORD = 'Pa55-word-never-shown';
const APP_SECRET = 'app-cred-secret-never-shown';
const SYSTEM_TOKEN = 'gAAAAAB-system-token';
const PROJECT_TOKEN = 'gAAAAAB-project-token';

const servers: FakeServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A 2025.1 Ironic that enforces scope, behind a Keystone whose tokens carry the scope asked for. */
async function scopedLab(options: Parameters<typeof startFakeIronic>[0] = {}) {
  const ironic = await startFakeIronic({ root: fixture('releases/29.0/root.json'), requireToken: SYSTEM_TOKEN, projectScopedToken: PROJECT_TOKEN, ...options });
  servers.push(ironic);
  const bodies: Record<string, unknown>[] = [];
  const keystone = await startFakeKeystone({
    ironicUrl: ironic.url,
    token: 'unscoped-token',
    scopedTokens: { system: SYSTEM_TOKEN, project: PROJECT_TOKEN },
    accept: (body) => {
      bodies.push(body);
      return JSON.stringify(body).includes(PASSWORD) || JSON.stringify(body).includes(APP_SECRET);
    },
  });
  servers.push(keystone);
  return { ironic, keystone, bodies };
}

const user = { name: 'console-doctor', domainName: 'Default' };
const password = (authUrl: string, scope: Extract<CloudConfig['auth'], { type: 'password' }>['scope']): CloudConfig['auth'] =>
  ({ type: 'password', authUrl, user, password: new Secret(PASSWORD), scope });

describe('asking for a system-scoped token', () => {
  function configFrom(files: { clouds?: string; env?: Record<string, string> }) {
    const root = mkdtempSync(join(tmpdir(), 'cd-scope-'));
    dirs.push(root);
    const cwd = join(root, 'work');
    mkdirSync(cwd, { recursive: true });
    if (files.clouds !== undefined) writeFileSync(join(cwd, 'clouds.yaml'), files.clouds);
    return resolveCloudConfig({ env: files.env ?? {}, cwd, home: join(root, 'home') });
  }

  it('clouds.yaml auth.system_scope: all', async () => {
    const config = await configFrom({ clouds: `clouds:\n  prod:\n    auth:\n      auth_url: http://ks:5000\n      username: op\n      user_domain_name: Default\n      password: x\n      system_scope: all\n`, env: { OS_CLOUD: 'prod' } });
    expect(config.auth).toMatchObject({ type: 'password', scope: { kind: 'system' } });
  });

  it('OS_SYSTEM_SCOPE=all', async () => {
    const config = await configFrom({ env: { OS_AUTH_URL: 'http://ks:5000', OS_USERNAME: 'op', OS_USER_DOMAIN_NAME: 'Default', OS_PASSWORD: 'x', OS_SYSTEM_SCOPE: 'all', OS_PROJECT_DOMAIN_NAME: 'Default' } });
    expect(config.auth).toMatchObject({ type: 'password', scope: { kind: 'system' } });
  });

  const refused: [string, Record<string, string>, string][] = [
    ['a system scope and a project at once', { OS_SYSTEM_SCOPE: 'all', OS_PROJECT_NAME: 'admin', OS_PROJECT_DOMAIN_NAME: 'Default' },
      'environment:OS_SYSTEM_SCOPE: a token has one scope: remove OS_PROJECT_NAME and OS_PROJECT_ID, or OS_SYSTEM_SCOPE'],
    ['a system scope other than all', { OS_SYSTEM_SCOPE: 'compute' }, 'environment:OS_SYSTEM_SCOPE: must be "all", got "compute"'],
    ['an application credential with a system scope', { OS_AUTH_TYPE: 'v3applicationcredential', OS_APPLICATION_CREDENTIAL_ID: 'ac-1', OS_APPLICATION_CREDENTIAL_SECRET: 's', OS_SYSTEM_SCOPE: 'all' },
      'environment:OS_SYSTEM_SCOPE: an application credential carries the scope it was created with (a project): a system-scoped token needs a user (auth_type password) with system_scope: all'],
  ];
  it.each(refused)('refuses %s, saying why', async (_name, env, problem) => {
    const error = await failureOf(configFrom({ env: { OS_AUTH_URL: 'http://ks:5000', OS_USERNAME: 'op', OS_USER_DOMAIN_NAME: 'Default', OS_PASSWORD: 'x', ...env } }));
    expect(error.message).toBe(problem);
  });

  it('the token request carries "scope": {"system": {"all": true}} and Ironic answers the system token', async () => {
    const { ironic, keystone, bodies } = await scopedLab();
    const state = await testClient(cloudConfig({ auth: password(keystone.url, { kind: 'system' }) })).readDesiredState();
    expect((bodies[0]?.['auth'] as { scope: unknown }).scope).toEqual({ system: { all: true } });
    expect(state.nodes).toHaveLength(5);
    expect(state.conductors.length).toBeGreaterThan(0);
    expect(ironic.requests.filter((r) => r.path !== '/').every((r) => r.headers['x-auth-token'] === SYSTEM_TOKEN)).toBe(true);
  });
});

describe('when the token scope is the trouble: one line, no verdict', () => {
  it('a project-scoped token refused the conductor list (403)', async () => {
    const { ironic, keystone } = await scopedLab();
    const error = await failureOf(testClient(cloudConfig({ auth: password(keystone.url, { kind: 'project', projectName: 'admin', domainName: 'Default' }) })).readDesiredState());
    expect(error.kind).toBe('auth');
    expect(error.message).toBe(`Ironic at ${ironic.url}/bm-public-r1 refused the conductor list (403): the token is project-scoped; Ironic 2025.1+ needs a system-scoped token (system_scope: all)`);
  });

  it('an application credential: its token is project-scoped, and the line says why', async () => {
    const { ironic, keystone } = await scopedLab();
    const auth: CloudConfig['auth'] = { type: 'v3applicationcredential', authUrl: keystone.url, credentialId: 'ac-1', user: {}, secret: new Secret(APP_SECRET) };
    const error = await failureOf(testClient(cloudConfig({ auth })).readDesiredState());
    expect(error.message).toBe(
      `Ironic at ${ironic.url}/bm-public-r1 refused the conductor list (403): the token is project-scoped (an application credential carries the scope of the project it was created in); Ironic 2025.1+ needs a system-scoped token (system_scope: all)`,
    );
  });

  it('a project-scoped token that may list conductors but sees no node', async () => {
    const { ironic, keystone } = await scopedLab();
    ironic.overrides.push((r) => (r.path.startsWith('/v1/conductors') ? { status: 200, body: fixture('conductors.json') } : undefined));
    const error = await failureOf(testClient(cloudConfig({ auth: password(keystone.url, { kind: 'project', projectId: 'p1' }) })).readDesiredState());
    expect(error.message).toBe(
      `Ironic at ${ironic.url}/bm-public-r1 listed no node to a project-scoped token: it shows such a token only the nodes its project owns or leases (Ironic 2025.1+); use a system-scoped token (system_scope: all)`,
    );
  });

  it('a node GET refused with 403 during the per-node lookup', async () => {
    const { ironic, keystone } = await scopedLab();
    const uuid = '5f1e0d2c-3b4a-4c5d-8e6f-7a8b9c0d1e2f';
    ironic.overrides.push((r) => (r.path.startsWith(`/v1/nodes/${uuid}`) ? { status: 403, body: fixture('error-403-policy.json') } : undefined));
    const error = await failureOf(testClient(cloudConfig({ auth: password(keystone.url, { kind: 'system' }) })).lookUpNodes([uuid]));
    expect(error.message).toBe(
      `Ironic at ${ironic.url}/bm-public-r1 refused GET /v1/nodes/${uuid} (403): RBAC policy on baremetal:node:list by project 7d1f disallowed.; the system-scoped token lacks a role Ironic's policy needs (a system reader or admin); no verdict on its console`,
    );
  });

  it('without Keystone (a raw token): the 403 names the likely cause', async () => {
    const ironic = await startFakeIronic({ root: fixture('releases/29.0/root.json'), projectScopedToken: PROJECT_TOKEN, requireToken: SYSTEM_TOKEN });
    servers.push(ironic);
    const error = await failureOf(testClient(cloudConfig({ endpoint: ironic.url, auth: { type: 'admin_token', token: new Secret(PROJECT_TOKEN) } })).readDesiredState());
    expect(error.message).toBe(
      `Ironic at ${ironic.url} refused the conductor list (403): Access was denied to the following resource: baremetal:conductor:get; the token's scope is unknown to console-doctor: Ironic 2025.1+ needs a system-scoped token (system_scope: all)`,
    );
    expect(error.message).not.toContain(PROJECT_TOKEN);
  });
});
