import { readFile } from 'node:fs/promises';
import { ConfigError } from '../errors.js';
import { callApi, DEFAULT_RETRY, HttpAuthError, type ApiAnswer, type ApiContext, type RetryPolicy } from './api-call.js';
import type { CloudConfig, IronicAuth } from './cloud-config-types.js';
import type { TokenScope } from './token-scope.js';
import { safeUrl } from './cloud-config.js';
import type { HttpRequest, HttpResponse } from './http-request.js';
import { authenticateKeystone, findBaremetalEndpoint } from './keystone.js';
import { chooseMicroversion, MICROVERSION_HEADER } from './microversion.js';
import type { Secret } from './secret.js';

export interface SessionOptions {
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  readonly onRequest?: (method: string, path: string, status: number) => void;
  readonly send?: (request: HttpRequest) => Promise<HttpResponse>;
}

export interface RequestOptions {
  /** The deadline of the action the request belongs to. */
  readonly signal?: AbortSignal | undefined;
}

/** An authenticated connection to one Ironic endpoint at one negotiated microversion. */
export interface IronicSession {
  readonly endpoint: string;
  readonly apiVersion: string;
  /** How the session authenticates, and the scope Keystone gave its token (undefined: no Keystone token). */
  readonly authType?: IronicAuth['type'];
  readonly tokenScope?: TokenScope | undefined;
  /** `path` is relative to the endpoint, e.g. `/v1/nodes?limit=1000`. */
  request(method: HttpRequest['method'], path: string, body?: unknown, options?: RequestOptions): Promise<ApiAnswer>;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Every secret of a config, to scrub from messages. */
export function secretsOf(config: CloudConfig): Secret[] {
  const auth = config.auth;
  switch (auth.type) {
    case 'none': return [];
    case 'http_basic': case 'password': return [auth.password];
    case 'v3applicationcredential': return [auth.secret];
    case 'token': case 'admin_token': return [auth.token];
  }
}

/** `http://ironic:6385/v1/` and `http://ironic:6385` name the same API root. */
export function normalizeEndpoint(url: string): string {
  return safeUrl(url).replace(/\/+$/, '').replace(/\/v1$/, '');
}

/**
 * Opens a session: reads the CA bundle, authenticates (keystone token, basic, none),
 * finds the endpoint (override, else the catalog), then negotiates the microversion
 * with `GET /`, which needs no auth.
 */
export async function openIronicSession(config: CloudConfig, options: SessionOptions = {}): Promise<IronicSession> {
  let ca: string | undefined;
  if (config.cacert !== undefined) {
    try {
      ca = await readFile(config.cacert, 'utf8');
    } catch (error) {
      throw new ConfigError(`${config.source}: cacert: cannot read ${config.cacert}`, { cause: error });
    }
  }
  const context: ApiContext = {
    service: 'Ironic API',
    timeoutMs: options.timeoutMs ?? config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    tls: { ca, insecure: config.insecure },
    retry: options.retry ?? DEFAULT_RETRY,
    secrets: secretsOf(config),
    ...(options.onRequest !== undefined ? { onRequest: options.onRequest } : {}),
    ...(options.send !== undefined ? { send: options.send } : {}),
  };
  const auth = config.auth;
  let authHeaders: () => Promise<Record<string, string>>;
  let refresh: (() => void) | undefined;
  let endpointFromCatalog: string | undefined;
  let tokenScope: TokenScope | undefined;
  switch (auth.type) {
    case 'none':
      authHeaders = () => Promise.resolve({});
      break;
    case 'http_basic': {
      const basic = Buffer.from(`${auth.username}:${auth.password.reveal()}`).toString('base64');
      authHeaders = () => Promise.resolve({ Authorization: `Basic ${basic}` });
      break;
    }
    case 'admin_token':
      authHeaders = () => Promise.resolve({ 'X-Auth-Token': auth.token.reveal() });
      break;
    case 'password': case 'v3applicationcredential': case 'token': {
      let current = await authenticateKeystone(context, auth);
      tokenScope = current.scope;
      let pending: Promise<void> | undefined;
      endpointFromCatalog = config.endpoint === undefined
        ? findBaremetalEndpoint(current.catalog, config.interface, config.regionName, auth.authUrl)
        : undefined;
      authHeaders = async () => {
        if (pending !== undefined) await pending;
        return { 'X-Auth-Token': current.token.reveal() };
      };
      // A token that expires mid-run is renewed once, on the first 401.
      refresh = () => {
        pending = authenticateKeystone(context, auth).then((next) => {
          current = next;
        });
      };
      break;
    }
  }
  const endpoint = normalizeEndpoint(config.endpoint ?? endpointFromCatalog ?? '');
  const root = await callApi(context, { method: 'GET', url: new URL(`${endpoint}/`) });
  const apiVersion = chooseMicroversion(root.json, endpoint);

  const request = async (method: HttpRequest['method'], path: string, body: unknown, options: RequestOptions, renewed = false): Promise<ApiAnswer> => {
    const headers = { ...(await authHeaders()), [MICROVERSION_HEADER]: apiVersion };
    const signal = options.signal !== undefined ? { signal: options.signal } : {};
    try {
      return await callApi(context, { method, url: new URL(`${endpoint}${path}`), headers, body, ...signal });
    } catch (error) {
      if (error instanceof HttpAuthError && error.status === 401 && refresh !== undefined && !renewed) {
        refresh();
        return request(method, path, body, options, true);
      }
      throw error;
    }
  };
  return { endpoint, apiVersion, authType: auth.type, tokenScope, request: (method, path, body, options = {}) => request(method, path, body, options) };
}
