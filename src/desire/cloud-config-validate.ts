import type { CloudConfig, EndpointInterface, IronicAuth, KeystoneScope, KeystoneUser } from './cloud-config-types.js';
import { Secret } from './secret.js';

/** Names a key of the entry where the operator wrote it (`clouds.yaml:clouds.prod.auth.auth_url`, `OS_AUTH_URL`). */
export type Labeler = (path: string) => string;

export type ValidationResult =
  | { readonly ok: true; readonly config: CloudConfig }
  | { readonly ok: false; readonly problems: readonly string[] };

type Entry = Readonly<Record<string, unknown>>;

const AUTH_ALIASES: Readonly<Record<string, IronicAuth['type']>> = {
  none: 'none',
  noauth: 'none',
  http_basic: 'http_basic',
  password: 'password',
  v3password: 'password',
  v3applicationcredential: 'v3applicationcredential',
  token: 'token',
  v3token: 'token',
  admin_token: 'admin_token',
};

const INTERFACES: Readonly<Record<string, EndpointInterface>> = {
  public: 'public', publicURL: 'public', internal: 'internal', internalURL: 'internal', admin: 'admin', adminURL: 'admin',
};

function isRecord(value: unknown): value is Entry {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks one cloud entry (a clouds.yaml `clouds.<name>` merged with secure.yaml, the OS_*
 * variables turned into the same shape, or an inventory's `ironic:` section) and builds
 * the CloudConfig, reporting every problem at once. Pure.
 */
export function validateCloudEntry(
  entry: Entry,
  meta: { readonly label: Labeler; readonly source: string; readonly cloudName: string | undefined; readonly endpointOverride?: string },
): ValidationResult {
  const problems: string[] = [];
  const report = (path: string, message: string): void => {
    problems.push(`${meta.label(path)}: ${message}`);
  };
  const auth: Entry = isRecord(entry['auth']) ? entry['auth'] : {};
  if (entry['auth'] !== undefined && !isRecord(entry['auth'])) report('auth', 'must be a mapping');

  const text = (from: Entry, key: string, path: string): string | undefined => {
    const value = from[key];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number') return String(value);
    report(path, `must be a string, got ${Array.isArray(value) ? 'a list' : typeof value}`);
    return undefined;
  };
  const top = (key: string): string | undefined => text(entry, key, key);
  const a = (key: string): string | undefined => text(auth, key, `auth.${key}`);
  const url = (value: string | undefined, path: string): string | undefined => {
    if (value === undefined) return undefined;
    if (/^https?:\/\/[^/\s]+/.test(value)) return value;
    report(path, `not an http(s) URL: ${JSON.stringify(value)}`);
    return undefined;
  };
  const required = (value: string | undefined, path: string, why: string): string => {
    if (value === undefined) report(path, `missing (needed by ${why})`);
    return value ?? '';
  };

  const rawType = top('auth_type');
  let type: IronicAuth['type'] | undefined = inferAuthType(auth);
  if (rawType !== undefined) {
    type = AUTH_ALIASES[rawType];
    if (type === undefined) report('auth_type', `unsupported auth_type ${JSON.stringify(rawType)} (one of: ${Object.keys(AUTH_ALIASES).join(', ')})`);
  }

  const endpointPath = entry['baremetal_endpoint_override'] !== undefined ? 'baremetal_endpoint_override' : entry['endpoint'] !== undefined ? 'endpoint' : 'auth.endpoint';
  const endpoint = meta.endpointOverride ?? url(top('baremetal_endpoint_override') ?? top('endpoint') ?? a('endpoint'), endpointPath);
  const why = `auth_type ${type ?? '?'}`;
  const authUrl = (): string => required(url(a('auth_url'), 'auth.auth_url'), 'auth.auth_url', why);
  const user = (): KeystoneUser => compact({
    id: a('user_id'), name: a('username'), domainId: a('user_domain_id') ?? a('domain_id'), domainName: a('user_domain_name') ?? a('domain_name'),
  });
  const checkUser = (u: KeystoneUser, optional: boolean): void => {
    if (u.id === undefined && u.name === undefined && !optional) report('auth.username', `missing (needed by ${why}; or auth.user_id)`);
    if (u.name !== undefined && u.id === undefined && u.domainId === undefined && u.domainName === undefined) {
      report('auth.user_domain_name', 'missing (needed with auth.username; or auth.user_domain_id)');
    }
  };
  const shortName = (path: string): string => meta.label(path).split(':').pop() ?? path;
  const systemScope = (): boolean => {
    const value = a('system_scope');
    if (value === undefined) return false;
    if (value !== 'all') report('auth.system_scope', `must be "all", got ${JSON.stringify(value)}`);
    return true;
  };
  const scope = (): KeystoneScope => {
    const project = compact({ projectId: a('project_id'), projectName: a('project_name'), domainId: a('project_domain_id') ?? a('domain_id'), domainName: a('project_domain_name') ?? a('domain_name') });
    const system = systemScope();
    if (system && (project.projectId !== undefined || project.projectName !== undefined)) {
      // keystoneauth refuses this too: a token has one scope.
      report('auth.system_scope', `a token has one scope: remove ${shortName('auth.project_name')} and ${shortName('auth.project_id')}, or ${shortName('auth.system_scope')}`);
      return { kind: 'system' };
    }
    if (project.projectId !== undefined || project.projectName !== undefined) {
      if (project.projectId === undefined && project.domainId === undefined && project.domainName === undefined) {
        report('auth.project_domain_name', 'missing (needed with auth.project_name; or auth.project_domain_id)');
      }
      return { kind: 'project', ...project };
    }
    if (system) return { kind: 'system' };
    if (project.domainId !== undefined || project.domainName !== undefined) return { kind: 'domain', ...compact({ domainId: project.domainId, domainName: project.domainName }) };
    return { kind: 'unscoped' };
  };
  const secret = (key: string): Secret => new Secret(required(a(key), `auth.${key}`, why));
  const needEndpoint = (): void => {
    if (endpoint === undefined && !problems.some((p) => p.startsWith(`${meta.label(endpointPath)}:`))) {
      report(endpointPath, `missing (needed by ${why}: there is no catalog to find Ironic in)`);
    }
  };

  let authConfig: IronicAuth = { type: 'none' };
  // An unknown auth_type says nothing about which keys are needed: report it alone.
  switch (type) {
    case undefined:
      break;
    case 'none':
      needEndpoint();
      authConfig = { type };
      break;
    case 'http_basic':
      needEndpoint();
      authConfig = { type, username: required(a('username'), 'auth.username', why), password: secret('password') };
      break;
    case 'password': {
      const u = user();
      checkUser(u, false);
      authConfig = { type, authUrl: authUrl(), user: u, password: secret('password'), scope: scope() };
      break;
    }
    case 'v3applicationcredential': {
      const u = user();
      const credentialId = a('application_credential_id');
      const credentialName = a('application_credential_name');
      if (credentialId === undefined && credentialName === undefined) report('auth.application_credential_id', `missing (needed by ${why}; or auth.application_credential_name)`);
      if (a('system_scope') !== undefined) {
        report('auth.system_scope', 'an application credential carries the scope it was created with (a project): a system-scoped token needs a user (auth_type password) with system_scope: all');
      }
      checkUser(u, credentialId !== undefined);
      authConfig = { type, authUrl: authUrl(), ...compact({ credentialId, credentialName }), user: u, secret: secret('application_credential_secret') };
      break;
    }
    case 'token':
      if (a('auth_url') === undefined && endpoint !== undefined) authConfig = { type: 'admin_token', token: secret('token') };
      else authConfig = { type, authUrl: authUrl(), token: secret('token'), scope: scope() };
      break;
    case 'admin_token':
      needEndpoint();
      authConfig = { type, token: secret('token') };
      break;
  }

  const rawInterface = top('interface');
  const iface = rawInterface === undefined ? 'public' : INTERFACES[rawInterface];
  if (iface === undefined) report('interface', `must be public, internal or admin, got ${JSON.stringify(rawInterface)}`);
  const insecure = flag(entry['insecure'], 'insecure', report);
  const verify = flag(entry['verify'], 'verify', report);
  const timeout = entry['timeout'] ?? entry['api_timeout'];
  const timeoutSeconds = timeout === undefined || timeout === null ? undefined : Number(timeout);
  if (timeoutSeconds !== undefined && !(Number.isFinite(timeoutSeconds) && timeoutSeconds > 0)) report('timeout', `must be a positive number of seconds, got ${JSON.stringify(timeout)}`);
  const cacert = top('cacert');
  const regionName = top('region_name');

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    config: {
      source: meta.source,
      cloudName: meta.cloudName,
      auth: authConfig,
      endpoint,
      regionName,
      interface: iface ?? 'public',
      cacert,
      insecure: insecure === true || verify === false,
      timeoutMs: timeoutSeconds === undefined ? undefined : Math.round(timeoutSeconds * 1000),
    },
  };
}

/** openstacksdk's default is `password`; the keys present say otherwise for app credentials and tokens. */
function inferAuthType(auth: Entry): IronicAuth['type'] {
  if (auth['application_credential_id'] !== undefined || auth['application_credential_name'] !== undefined) return 'v3applicationcredential';
  if (auth['token'] !== undefined && auth['username'] === undefined && auth['password'] === undefined) return 'token';
  return 'password';
}

function flag(value: unknown, path: string, report: (path: string, message: string) => void): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|yes|1|on)$/i.test(value)) return true;
  if (typeof value === 'string' && /^(false|no|0|off|)$/i.test(value)) return false;
  report(path, `must be true or false, got ${JSON.stringify(value)}`);
  return undefined;
}

/** Drops undefined values so optional fields stay absent. */
function compact<T extends Record<string, string | undefined>>(value: T): { [K in keyof T]?: string } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: string };
}
