import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeCloudConfig, resolveCloudConfig, type CloudConfigInput } from '../../src/desire/cloud-config.js';
import type { CloudConfig } from '../../src/desire/cloud-config-types.js';
import { Secret } from '../../src/desire/secret.js';
import { failureOf } from './desire-builders.js';

const PASSWORD = 'S3cret-from-secure-yaml';

let root = '';
let home = '';
let cwd = '';
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'cd-clouds-'));
  home = join(root, 'home');
  cwd = join(root, 'work');
  mkdirSync(cwd, { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}
const userDir = (): string => join(home, '.config', 'openstack');
function input(overrides: Partial<CloudConfigInput> = {}): CloudConfigInput {
  return { env: {}, cwd, home, ...overrides };
}
/** The auth settings with every Secret revealed, to compare whole. */
function revealAuth(config: CloudConfig): Record<string, unknown> {
  const reveal = (value: unknown): unknown => {
    if (value instanceof Secret) return value.reveal();
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reveal(v)]));
  };
  return reveal(config.auth) as Record<string, unknown>;
}

const PROD = `clouds:
  prod:
    auth_type: password
    auth:
      auth_url: https://keystone.prod.example:5000/v3
      username: console-doctor
      user_domain_name: Default
      project_name: admin
      project_domain_name: Default
    region_name: RegionTwo
    interface: internal
  lab:
    auth_type: none
    baremetal_endpoint_override: http://10.0.0.5:6385
`;

describe('clouds.yaml and secure.yaml', () => {
  it('OS_CLOUD picks a cloud; secure.yaml adds the password', async () => {
    write(join(userDir(), 'clouds.yaml'), PROD);
    write(join(userDir(), 'secure.yaml'), `clouds:\n  prod:\n    auth:\n      password: ${PASSWORD}\n`);
    const config = await resolveCloudConfig(input({ env: { OS_CLOUD: 'prod' } }));
    expect(config).toMatchObject({ cloudName: 'prod', regionName: 'RegionTwo', interface: 'internal', endpoint: undefined, insecure: false });
    expect(revealAuth(config)).toEqual({
      type: 'password', authUrl: 'https://keystone.prod.example:5000/v3', password: PASSWORD,
      user: { name: 'console-doctor', domainName: 'Default' },
      scope: { kind: 'project', projectName: 'admin', domainName: 'Default' },
    });
    expect(config.source).toBe(`${join(userDir(), 'clouds.yaml')} + ${join(userDir(), 'secure.yaml')} (cloud prod)`);
  });

  const precedence: [string, (string | null)[], string][] = [
    ['./clouds.yaml wins over ~/.config/openstack', [null, 'cwd', 'user'], 'cwd'],
    ['~/.config/openstack when ./ has none', [null, null, 'user'], 'user'],
    ['OS_CLIENT_CONFIG_FILE wins over ./', ['custom', 'cwd', 'user'], 'custom'],
  ];
  it.each(precedence)('%s', async (_name, [custom, inCwd, inUser], winner) => {
    const endpointFile = (tag: string): string => `clouds:\n  c:\n    auth_type: none\n    endpoint: http://${tag}.example:6385\n`;
    const env: Record<string, string> = { OS_CLOUD: 'c' };
    if (custom !== null) env['OS_CLIENT_CONFIG_FILE'] = write(join(root, 'elsewhere', 'my-clouds.yaml'), endpointFile(custom));
    if (inCwd !== null) write(join(cwd, 'clouds.yaml'), endpointFile(inCwd));
    if (inUser !== null) write(join(userDir(), 'clouds.yaml'), endpointFile(inUser));
    expect((await resolveCloudConfig(input({ env }))).endpoint).toBe(`http://${winner}.example:6385`);
  });

  it('the cloud option wins over OS_CLOUD', async () => {
    write(join(userDir(), 'clouds.yaml'), PROD);
    const config = await resolveCloudConfig(input({ cloud: 'lab', env: { OS_CLOUD: 'prod' } }));
    expect(config).toMatchObject({ cloudName: 'lab', auth: { type: 'none' }, endpoint: 'http://10.0.0.5:6385' });
  });

  it('an endpoint override wins over the file', async () => {
    write(join(userDir(), 'clouds.yaml'), PROD);
    const config = await resolveCloudConfig(input({ cloud: 'lab', endpointOverride: 'http://127.0.0.1:6385' }));
    expect(config.endpoint).toBe('http://127.0.0.1:6385');
  });

  it('a missing cloud lists those that exist', async () => {
    const file = write(join(userDir(), 'clouds.yaml'), PROD);
    const error = await failureOf(resolveCloudConfig(input({ env: { OS_CLOUD: 'staging' } })));
    expect(error.kind).toBe('config');
    expect(error.message).toBe(`${file}:clouds.staging: no such cloud (clouds defined: prod, lab)`);
  });

  it('a requested cloud with no clouds.yaml anywhere says where it looked', async () => {
    const error = await failureOf(resolveCloudConfig(input({ cloud: 'prod' })));
    expect(error.message).toBe(`clouds.yaml: cloud "prod" requested (--os-cloud) but no clouds.yaml found (looked in ${cwd}, ${userDir()}, /etc/openstack)`);
  });

  it('reports every bad value at once, each as file:path: message', async () => {
    const file = write(join(cwd, 'clouds.yaml'), `clouds:
  prod:
    auth_type: password
    auth:
      username: op
      project_name: admin
    interface: private
    insecure: maybe
    timeout: -3
`);
    const error = await failureOf(resolveCloudConfig(input({ env: { OS_CLOUD: 'prod' } })));
    expect((error as unknown as { problems: string[] }).problems).toEqual([
      `${file}:clouds.prod.auth.user_domain_name: missing (needed with auth.username; or auth.user_domain_id)`,
      `${file}:clouds.prod.auth.auth_url: missing (needed by auth_type password)`,
      `${file}:clouds.prod.auth.password: missing (needed by auth_type password)`,
      `${file}:clouds.prod.auth.project_domain_name: missing (needed with auth.project_name; or auth.project_domain_id)`,
      `${file}:clouds.prod.interface: must be public, internal or admin, got "private"`,
      `${file}:clouds.prod.insecure: must be true or false, got "maybe"`,
      `${file}:clouds.prod.timeout: must be a positive number of seconds, got -3`,
    ]);
  });

  const badEntries: [string, string, string][] = [
    ['unknown auth_type', 'auth_type: v2password\n    endpoint: http://x:6385', 'auth_type: unsupported auth_type "v2password" (one of: none, noauth, http_basic, password, v3password, v3applicationcredential, token, v3token, admin_token)'],
    ['none without an endpoint', 'auth_type: none', 'auth.endpoint: missing (needed by auth_type none: there is no catalog to find Ironic in)'],
    ['endpoint that is not a URL', 'auth_type: none\n    endpoint: ironic:6385', 'endpoint: not an http(s) URL: "ironic:6385"'],
  ];
  it.each(badEntries)('%s', async (_name, body, problem) => {
    const file = write(join(cwd, 'clouds.yaml'), `clouds:\n  c:\n    ${body}\n`);
    const error = await failureOf(resolveCloudConfig(input({ cloud: 'c' })));
    expect(error.message).toBe(`${file}:clouds.c.${problem}`);
  });

  it('invalid YAML names the file', async () => {
    const file = write(join(cwd, 'clouds.yaml'), 'clouds:\n  c: [unclosed\n');
    const error = await failureOf(resolveCloudConfig(input({ cloud: 'c' })));
    expect(error.message).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')}: invalid YAML: `));
  });

  it('a relative cacert is resolved against cwd and must exist', async () => {
    write(join(cwd, 'clouds.yaml'), 'clouds:\n  c:\n    auth_type: none\n    endpoint: https://x:6385\n    cacert: certs/ca.pem\n');
    const missing = await failureOf(resolveCloudConfig(input({ cloud: 'c' })));
    expect(missing.message).toBe(`${join(cwd, 'clouds.yaml')}:clouds.c.cacert: cannot read ${join(cwd, 'certs/ca.pem')}`);
    write(join(cwd, 'certs', 'ca.pem'), 'PEM');
    expect((await resolveCloudConfig(input({ cloud: 'c' }))).cacert).toBe(join(cwd, 'certs', 'ca.pem'));
  });
});

describe('OS_* environment variables', () => {
  const cases: [string, Record<string, string>, Partial<CloudConfig>, Record<string, unknown>][] = [
    ['standalone, noauth', { OS_AUTH_TYPE: 'none', OS_ENDPOINT: 'http://127.0.0.1:6385' }, { endpoint: 'http://127.0.0.1:6385' }, { type: 'none' }],
    ['http_basic', { OS_AUTH_TYPE: 'http_basic', OS_USERNAME: 'ironic', OS_PASSWORD: PASSWORD, OS_BAREMETAL_ENDPOINT_OVERRIDE: 'https://ironic:6385', OS_INSECURE: 'true' },
      { endpoint: 'https://ironic:6385', insecure: true }, { type: 'http_basic', username: 'ironic', password: PASSWORD }],
    ['keystone password, region and interface', { OS_AUTH_URL: 'http://ks:5000', OS_USERNAME: 'admin', OS_PASSWORD: PASSWORD, OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_ID: 'p1', OS_REGION_NAME: 'RegionOne', OS_INTERFACE: 'internalURL' },
      { regionName: 'RegionOne', interface: 'internal' }, { type: 'password', authUrl: 'http://ks:5000', password: PASSWORD, scope: { kind: 'project', projectId: 'p1' }, user: { name: 'admin', domainName: 'Default' } }],
    ['application credential (auth_type inferred)', { OS_AUTH_URL: 'http://ks:5000', OS_APPLICATION_CREDENTIAL_ID: 'ac1', OS_APPLICATION_CREDENTIAL_SECRET: PASSWORD },
      {}, { type: 'v3applicationcredential', credentialId: 'ac1', secret: PASSWORD, user: {} }],
    ['token with an endpoint is sent as it is', { OS_AUTH_TYPE: 'token', OS_TOKEN: PASSWORD, OS_ENDPOINT: 'http://127.0.0.1:6385' }, {}, { type: 'admin_token', token: PASSWORD }],
  ];
  it.each(cases)('%s', async (_name, env, expected, auth) => {
    const config = await resolveCloudConfig(input({ env }));
    expect(config).toMatchObject({ source: 'OS_* environment variables', ...expected });
    expect(revealAuth(config)).toMatchObject(auth);
  });

  it('problems name the variables', async () => {
    const error = await failureOf(resolveCloudConfig(input({ env: { OS_AUTH_TYPE: 'password', OS_USERNAME: 'admin', OS_USER_DOMAIN_ID: 'default' } })));
    expect((error as unknown as { problems: string[] }).problems).toEqual([
      'environment:OS_AUTH_URL: missing (needed by auth_type password)',
      'environment:OS_PASSWORD: missing (needed by auth_type password)',
    ]);
  });

  it('win over a clouds.yaml when no cloud is named', async () => {
    write(join(cwd, 'clouds.yaml'), PROD);
    const config = await resolveCloudConfig(input({ env: { OS_AUTH_TYPE: 'none', OS_ENDPOINT: 'http://127.0.0.1:6385' } }));
    expect(config.source).toBe('OS_* environment variables');
  });
});

describe('the inventory ironic: section, and nothing at all', () => {
  it('is used when neither a cloud nor OS_* is set', async () => {
    const config = await resolveCloudConfig(input({
      inventorySource: 'lab.yaml',
      inventoryIronic: { auth_type: 'http_basic', auth: { username: 'ironic', password: PASSWORD }, endpoint: 'https://10.0.0.5:6385', insecure: true, timeout: 5 },
    }));
    expect(config).toMatchObject({ source: 'lab.yaml (ironic:)', endpoint: 'https://10.0.0.5:6385', insecure: true, timeoutMs: 5000 });
  });

  it('names its keys under the inventory file', async () => {
    const error = await failureOf(resolveCloudConfig(input({ inventorySource: 'lab.yaml', inventoryIronic: { auth_type: 'http_basic', endpoint: 'http://x:6385' } })));
    expect(error.message).toBe('lab.yaml:ironic.auth.username: missing (needed by auth_type http_basic)\nlab.yaml:ironic.auth.password: missing (needed by auth_type http_basic)');
  });

  it('nothing configured: one line saying what to set', async () => {
    expect(existsSync('/etc/openstack/clouds.yaml')).toBe(false);
    const error = await failureOf(resolveCloudConfig(input()));
    expect(error.message).toBe('Ironic connection: no settings found: set OS_CLOUD (clouds.yaml), OS_* variables, or an ironic: section in the inventory');
  });
});

describe('describeCloudConfig', () => {
  it('summarises without secrets', async () => {
    write(join(userDir(), 'clouds.yaml'), PROD);
    write(join(userDir(), 'secure.yaml'), `clouds:\n  prod:\n    auth:\n      password: ${PASSWORD}\n`);
    const config = await resolveCloudConfig(input({ env: { OS_CLOUD: 'prod' } }));
    const summary = describeCloudConfig(config);
    expect(summary).toBe(`${join(userDir(), 'clouds.yaml')} + ${join(userDir(), 'secure.yaml')} (cloud prod): auth password user console-doctor at https://keystone.prod.example:5000/v3, catalog (internal, region RegionTwo)`);
    expect(`${summary} ${JSON.stringify(config)}`).not.toContain(PASSWORD);
  });
});
