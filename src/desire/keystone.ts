import { ApiError, AuthError, ConfigError } from '../errors.js';
import { callApi, type ApiContext } from './api-call.js';
import type { EndpointInterface, IronicAuth, KeystoneScope, KeystoneUser } from './cloud-config-types.js';
import { Secret } from './secret.js';
import { parseTokenScope, type TokenScope } from './token-scope.js';

type KeystoneAuth = Extract<IronicAuth, { type: 'password' | 'v3applicationcredential' | 'token' }>;

/** One endpoint of one service in a keystone v3 catalog. */
export interface CatalogEndpoint {
  readonly serviceType: string;
  readonly interface: string;
  readonly region: string | undefined;
  readonly url: string;
}

export interface KeystoneSession {
  readonly token: Secret;
  readonly catalog: readonly CatalogEndpoint[];
  /** What Keystone scoped the token to (an application credential's is its project). */
  readonly scope: TokenScope;
}

/** `http://ks:5000`, `http://ks:5000/`, `http://ks/identity/v3` → the `.../v3/auth/tokens` URL. */
export function tokensUrl(authUrl: string): URL {
  const base = authUrl.replace(/\/+$/, '');
  return new URL(`${/\/v3$/.test(base) ? base : `${base}/v3`}/auth/tokens`);
}

function userBody(user: KeystoneUser): Record<string, unknown> {
  if (user.id !== undefined) return { id: user.id };
  const domain = user.domainId !== undefined ? { id: user.domainId } : { name: user.domainName };
  return { name: user.name, domain };
}

function scopeBody(scope: KeystoneScope): Record<string, unknown> | undefined {
  switch (scope.kind) {
    case 'project': {
      if (scope.projectId !== undefined) return { project: { id: scope.projectId } };
      const domain = scope.domainId !== undefined ? { id: scope.domainId } : { name: scope.domainName };
      return { project: { name: scope.projectName, domain } };
    }
    case 'domain':
      return { domain: scope.domainId !== undefined ? { id: scope.domainId } : { name: scope.domainName } };
    case 'system':
      return { system: { all: true } };
    case 'unscoped':
      return undefined;
  }
}

/** The POST /v3/auth/tokens body for each auth type. Pure; the only place secrets enter a body. */
export function tokenRequestBody(auth: KeystoneAuth): Record<string, unknown> {
  const withScope = (identity: Record<string, unknown>, scope: KeystoneScope): Record<string, unknown> => {
    const body = scopeBody(scope);
    return { auth: { identity, ...(body !== undefined ? { scope: body } : {}) } };
  };
  switch (auth.type) {
    case 'password':
      return withScope({ methods: ['password'], password: { user: { ...userBody(auth.user), password: auth.password.reveal() } } }, auth.scope);
    case 'token':
      return withScope({ methods: ['token'], token: { id: auth.token.reveal() } }, auth.scope);
    case 'v3applicationcredential': {
      const credential = auth.credentialId !== undefined
        ? { id: auth.credentialId, secret: auth.secret.reveal() }
        : { name: auth.credentialName, user: userBody(auth.user), secret: auth.secret.reveal() };
      return { auth: { identity: { methods: ['application_credential'], application_credential: credential } } };
    }
  }
}

/** Reads the catalog of a token answer into flat endpoints. Pure. */
export function parseCatalog(json: unknown): CatalogEndpoint[] {
  const token = (json as { token?: { catalog?: unknown } } | undefined)?.token;
  const catalog = Array.isArray(token?.catalog) ? token.catalog : [];
  return catalog.flatMap((service: unknown) => {
    const s = service as { type?: unknown; endpoints?: unknown };
    if (typeof s.type !== 'string' || !Array.isArray(s.endpoints)) return [];
    return s.endpoints.flatMap((endpoint: unknown) => {
      const e = endpoint as { interface?: unknown; region?: unknown; region_id?: unknown; url?: unknown };
      if (typeof e.url !== 'string' || typeof e.interface !== 'string') return [];
      const region = typeof e.region_id === 'string' ? e.region_id : typeof e.region === 'string' ? e.region : undefined;
      return [{ serviceType: s.type as string, interface: e.interface, region, url: e.url }];
    });
  });
}

/** The `baremetal` endpoint for an interface and (optional) region; a clear error listing what the catalog has. */
export function findBaremetalEndpoint(catalog: readonly CatalogEndpoint[], wanted: EndpointInterface, region: string | undefined, authUrl: string): string {
  const baremetal = catalog.filter((e) => e.serviceType === 'baremetal');
  const match = baremetal.find((e) => e.interface === wanted && (region === undefined || e.region === region));
  if (match !== undefined) return match.url;
  const have = baremetal.map((e) => `${e.interface}@${e.region ?? '-'}`).join(', ');
  const asked = `interface ${wanted}${region !== undefined ? `, region ${region}` : ''}`;
  throw new ConfigError(`Keystone ${new URL(authUrl).origin}: no baremetal endpoint for ${asked} in the catalog (${have === '' ? 'no baremetal service at all' : `it has ${have}`})`);
}

/** POST /v3/auth/tokens; the token comes back in X-Subject-Token. */
export async function authenticateKeystone(context: ApiContext, auth: KeystoneAuth): Promise<KeystoneSession> {
  const url = tokensUrl(auth.authUrl);
  const answer = await callApi({ ...context, service: 'Keystone' }, { method: 'POST', url, body: tokenRequestBody(auth) }).catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 400) throw new AuthError(error.message, { cause: error });
    throw error;
  });
  const subject = answer.headers['x-subject-token'];
  const token = Array.isArray(subject) ? subject[0] : subject;
  if (token === undefined || token === '') throw new ApiError(`Keystone ${url.origin}: POST ${url.pathname}: answered ${answer.status} without an X-Subject-Token header`);
  return { token: new Secret(token), catalog: parseCatalog(answer.json), scope: parseTokenScope(answer.json) };
}
