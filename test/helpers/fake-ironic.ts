/**
 * In-process doubles of Ironic 21.4 and Keystone on 127.0.0.1 (port 0), answering with
 * the shapes of test/fixtures/ironic. Tests steer them with `overrides` (first match wins)
 * and read back every request they received.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

const FIXTURES = new URL('../fixtures/ironic/', import.meta.url);

export function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as T;
}

export interface RecordedRequest {
  readonly method: string;
  /** Path and query, after any `/bm-<tag>` catalog prefix was stripped. */
  readonly path: string;
  readonly prefix: string | undefined;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export interface CannedResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Send this text as the body instead of JSON. */
  readonly raw?: string;
  /** Never answer (for timeouts). */
  readonly hang?: boolean;
}

export type Override = (request: RecordedRequest) => CannedResponse | undefined;

export interface FakeServer {
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly overrides: Override[];
  close(): Promise<void>;
}

type Handler = (request: RecordedRequest) => CannedResponse;

async function startServer(handler: Handler, tls?: { key: string; cert: string }): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const overrides: Override[] = [];
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawPath = req.url ?? '/';
      const prefixMatch = /^\/(bm-[^/?]+)(.*)$/.exec(rawPath);
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: prefixMatch ? prefixMatch[2] || '/' : rawPath,
        prefix: prefixMatch?.[1],
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const answer = overrides.map((o) => o(recorded)).find((a) => a !== undefined) ?? handler(recorded);
      if (answer.hang === true) return;
      const text = answer.raw ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
      res.writeHead(answer.status, { 'Content-Type': answer.raw !== undefined ? 'text/html' : 'application/json', ...answer.headers });
      res.end(text);
    });
  };
  const server: Server = tls ? createHttpsServer(tls, listener) : createServer(listener);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    overrides,
    close: () => new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}

export interface IronicOptions {
  /** Ironic's `[api]max_limit`: pages are at most this long. */
  readonly maxLimit?: number;
  readonly nodes?: readonly Record<string, unknown>[];
  readonly conductors?: readonly Record<string, unknown>[];
  readonly root?: unknown;
  /** Which credentials to demand: `X-Auth-Token: <token>` or `Authorization: Basic <b64>`. */
  readonly requireToken?: string;
  readonly requireBasic?: string;
  /** Polls of a node after a console PUT before `console_enabled` flips. */
  readonly pollsUntilDone?: number;
  readonly tls?: { key: string; cert: string };
  /**
   * Nodes Ironic knows but its lists hide (Debian 29.0.5 self-parents every PATCHed node,
   * and lists without include_children=True leave child nodes out): `GET /v1/nodes/<uuid>`
   * answers them, `GET /v1/nodes` does not list them.
   */
  readonly hiddenNodes?: readonly Record<string, unknown>[];
  /** A broken pager: every page repeats the first one, with a `next` carrying a new marker. */
  readonly endlessPages?: boolean;
}

/** `http://ironic-public.example:6385`: Ironic builds `next` from its public_url, which need not be ours. */
const PUBLIC_URL = 'http://ironic-public.example:6385';

export async function startFakeIronic(options: IronicOptions = {}): Promise<FakeServer & { consoles: Map<string, boolean> }> {
  const nodes = options.nodes ?? fixture<{ nodes: Record<string, unknown>[] }>('nodes.json').nodes;
  const conductors = options.conductors ?? fixture<{ conductors: Record<string, unknown>[] }>('conductors.json').conductors;
  const maxLimit = options.maxLimit ?? 1000;
  const consoles = new Map([...nodes, ...(options.hiddenNodes ?? [])].map((n) => [n['uuid'] as string, n['console_enabled'] as boolean]));
  let endlessMarker = 0;
  const pending = new Map<string, { target: boolean; polls: number }>();
  const fault = (status: number, faultstring: string): CannedResponse =>
    ({ status, body: { error_message: JSON.stringify({ faultstring, faultcode: 'Client', debuginfo: null }) } });

  const page = (all: readonly Record<string, unknown>[], key: string, name: string, url: URL): CannedResponse => {
    const limit = Math.min(Number(url.searchParams.get('limit') ?? maxLimit), maxLimit);
    if (options.endlessPages === true && name === 'nodes') {
      endlessMarker += 1;
      return { status: 200, body: { nodes: all.slice(0, limit), next: `${PUBLIC_URL}/v1/nodes?detail=True&limit=${limit}&marker=m${endlessMarker}` } };
    }
    const marker = url.searchParams.get('marker');
    const start = marker === null ? 0 : all.findIndex((item) => item[key] === marker) + 1;
    const items = all.slice(start, start + limit);
    const fields = url.searchParams.get('fields');
    const body: Record<string, unknown> = { [name]: items };
    if (items.length === limit) {
      const last = items[items.length - 1]?.[key] as string;
      const detail = url.searchParams.get('detail');
      body['next'] = `${PUBLIC_URL}/v1/${name}?${fields !== null ? `fields=${fields}&` : ''}${detail !== null ? `detail=${detail}&` : ''}limit=${limit}&marker=${last}`;
    }
    return { status: 200, body };
  };

  const handler: Handler = (req) => {
    const url = new URL(req.path, 'http://x');
    if (req.method === 'GET' && url.pathname === '/') return { status: 200, body: options.root ?? fixture('root-21.4.json') };
    if (options.requireToken !== undefined && req.headers['x-auth-token'] !== options.requireToken) {
      return { status: 401, body: { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } } };
    }
    if (options.requireBasic !== undefined && req.headers['authorization'] !== `Basic ${options.requireBasic}`) {
      return { status: 401, body: { error_message: 'Unauthorized' }, headers: { 'WWW-Authenticate': 'Basic realm="Baremetal API"' } };
    }
    const version = req.headers['x-openstack-ironic-api-version'];
    if (url.pathname === '/v1/nodes' && req.method === 'GET') {
      if (url.searchParams.has('fields') && url.searchParams.get('detail') !== null) return fault(400, 'Can not specify ?detail=True and fields in the same request.');
      // As Ironic 21.4 really answers (test/fixtures/ironic/captured/nodes-fields-conductor-500.json).
      if (url.searchParams.get('fields')?.split(',').includes('conductor')) return { status: 500, body: { error_message: JSON.stringify({ faultcode: 'Server', faultstring: "type object 'Node' has no attribute 'conductor'", debuginfo: null }) } };
      return page(nodes, 'uuid', 'nodes', url);
    }
    if (url.pathname === '/v1/conductors' && req.method === 'GET') {
      if (version === undefined) return fault(404, 'The resource could not be found.');
      return page(conductors, 'hostname', 'conductors', url);
    }
    const console = /^\/v1\/nodes\/([^/]+)\/states\/console$/.exec(url.pathname);
    if (console && req.method === 'PUT') {
      const uuid = decodeURIComponent(console[1] ?? '');
      if (!consoles.has(uuid)) return fault(404, `Node ${uuid} could not be found.`);
      const target = (JSON.parse(req.body) as { enabled: boolean }).enabled;
      if (consoles.get(uuid) !== target) pending.set(uuid, { target, polls: options.pollsUntilDone ?? 2 });
      return { status: 202, headers: { Location: `${PUBLIC_URL}/v1/nodes/${uuid}/states` } };
    }
    const one = /^\/v1\/nodes\/([^/]+)$/.exec(url.pathname);
    if (one && req.method === 'GET') {
      const uuid = decodeURIComponent(one[1] ?? '');
      if (!consoles.has(uuid)) return fault(404, `Node ${uuid} could not be found.`);
      const change = pending.get(uuid);
      if (change !== undefined) {
        if (change.polls <= 1) {
          consoles.set(uuid, change.target);
          pending.delete(uuid);
        } else pending.set(uuid, { ...change, polls: change.polls - 1 });
      }
      return { status: 200, body: { uuid, console_enabled: consoles.get(uuid), last_error: null, target_provision_state: null, reservation: null } };
    }
    return fault(404, 'The resource could not be found.');
  };
  const server = await startServer(handler, options.tls);
  return Object.assign(server, { consoles });
}

/** Keystone v3: accepts one credential check, answers the catalog fixture with `{ironic}` filled in. */
export async function startFakeKeystone(options: {
  readonly ironicUrl: string;
  readonly accept: (body: Record<string, unknown>) => boolean;
  readonly token: string;
}): Promise<FakeServer> {
  let url = '';
  const server = await startServer((req) => {
    if (req.method !== 'POST' || req.path !== '/v3/auth/tokens') return { status: 404, body: { error: { code: 404, message: 'Not found', title: 'Not Found' } } };
    if (!options.accept(JSON.parse(req.body) as Record<string, unknown>)) return { status: 401, body: fixture('keystone-401.json') };
    const text = JSON.stringify(fixture('keystone-token.json')).replaceAll('{ironic}', options.ironicUrl).replaceAll('{keystone}', url);
    return { status: 201, body: JSON.parse(text) as unknown, headers: { 'X-Subject-Token': options.token } };
  });
  url = server.url;
  return server;
}

/** `startFakeIronic` for one test file: every server started is closed after each test. */
export function fakeIronicPerTest(): (options?: IronicOptions) => ReturnType<typeof startFakeIronic> {
  const servers: FakeServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  return async (options = {}) => {
    const server = await startFakeIronic(options);
    servers.push(server);
    return server;
  };
}

/**
 * A node as Ironic 21.4 answers it in `GET /v1/nodes?detail=True`, shortened to the fields
 * console-doctor reads: console enabled, ACTIVE, a fixed `ipmi_terminal_port`. `extra`
 * overrides any field (`console_enabled: false`, `conductor_group`, `parent_node`).
 */
export function ironicNode(uuid: string, name: string, conductor: string | null, port: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    uuid,
    name,
    console_enabled: true,
    console_interface: 'ipmitool-socat',
    conductor,
    conductor_group: '',
    provision_state: 'active',
    maintenance: false,
    reservation: null,
    driver_info: { ipmi_address: '127.0.0.1', ipmi_username: 'admin', ipmi_password: '******', ipmi_terminal_port: port },
    driver_internal_info: {},
    ...extra,
  };
}
