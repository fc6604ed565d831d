/**
 * In-process doubles of Ironic and Keystone on 127.0.0.1 (port 0), answering with the
 * shapes of test/fixtures/ironic. Ironic behaves as 21.4 by default; a `root` with a newer
 * API maximum makes it behave as the release it names where the tool can tell (child nodes
 * from 1.83, as Ironic's source has them: test/fixtures/ironic/releases/README.md). Tests
 * steer them with `overrides` (first match wins) and read back every request they received.
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
  /**
   * A token Keystone scoped to a project, on an Ironic that enforces scope (2025.1+): 403 on
   * `/v1/conductors`, node lists without a node (the project owns none), 404 on every node.
   */
  readonly projectScopedToken?: string;
  /**
   * Whether this Ironic knows child nodes (22.0+): default when its root announces 1.83 or
   * more; true with an older root is a newer Ironic pinned to an older API
   * (`[DEFAULT]pin_release_version`), whose lists still hide children.
   */
  readonly childNodes?: boolean;
}

/** `1.82` → 82: the minor of a `1.x` microversion (NaN for anything else). */
function minorOf(version: string | undefined): number {
  const match = /^1\.(\d+)$/.exec(version ?? '');
  return match === null ? Number.NaN : Number(match[1]);
}

/** The API maximum a root document announces. */
function rootMaximum(root: unknown): number {
  const v1 = (root as { default_version?: { version?: string } } | undefined)?.default_version;
  return minorOf(v1?.version);
}

/** Ironic's args.boolean, for `GET /v1/nodes?include_children=`. */
function ironicBoolean(value: string): boolean {
  return ['true', '1', 'on', 'yes', 'y', 't'].includes(value.toLowerCase());
}

/** Child nodes are listed only with include_children (Ironic 22.0+'s DB filter, at any microversion). */
const CHILD_NODES = 83;

/** `http://ironic-public.example:6385`: Ironic builds `next` from its public_url, which need not be ours. */
const PUBLIC_URL = 'http://ironic-public.example:6385';

/** The fake Ironic: a FakeServer, the console state of every node, and the nodes whose SOL session a `GET .../states/console` ended. */
export type FakeIronic = FakeServer & { consoles: Map<string, boolean>; solSessionsEnded: string[] };

export async function startFakeIronic(options: IronicOptions = {}): Promise<FakeIronic> {
  const nodes = options.nodes ?? fixture<{ nodes: Record<string, unknown>[] }>('nodes.json').nodes;
  const conductors = options.conductors ?? fixture<{ conductors: Record<string, unknown>[] }>('conductors.json').conductors;
  const maxLimit = options.maxLimit ?? 1000;
  const known = new Map([...nodes, ...(options.hiddenNodes ?? [])].map((n) => [n['uuid'] as string, n]));
  const consoles = new Map([...known].map(([uuid, n]) => [uuid, n['console_enabled'] as boolean]));
  const serverMax = rootMaximum(options.root ?? fixture('root-21.4.json'));
  const childNodesKnown = options.childNodes ?? serverMax >= CHILD_NODES;
  const solSessionsEnded: string[] = [];
  let endlessMarker = 0;
  const pending = new Map<string, { target: boolean; polls: number }>();
  const fault = (status: number, faultstring: string): CannedResponse =>
    ({ status, body: { error_message: JSON.stringify({ faultstring, faultcode: 'Client', debuginfo: null }) } });

  /**
   * One page of a collection. `resource` is the path under /v1 (`nodes/detail` for the
   * detail endpoint); like Ironic's, `next` keeps only fields, detail, limit and marker:
   * any filter, include_children too, is dropped.
   */
  const page = (all: readonly Record<string, unknown>[], key: string, resource: string, url: URL): CannedResponse => {
    const name = resource.split('/')[0] ?? resource;
    const limit = Math.min(Number(url.searchParams.get('limit') ?? maxLimit), maxLimit);
    if (options.endlessPages === true && name === 'nodes') {
      endlessMarker += 1;
      return { status: 200, body: { nodes: all.slice(0, limit), next: `${PUBLIC_URL}/v1/${resource}?detail=True&limit=${limit}&marker=m${endlessMarker}` } };
    }
    const marker = url.searchParams.get('marker');
    const start = marker === null ? 0 : all.findIndex((item) => item[key] === marker) + 1;
    const items = all.slice(start, start + limit);
    const fields = url.searchParams.get('fields');
    const body: Record<string, unknown> = { [name]: items };
    if (items.length === limit) {
      const last = items[items.length - 1]?.[key] as string;
      const detail = url.searchParams.get('detail');
      body['next'] = `${PUBLIC_URL}/v1/${resource}?${fields !== null ? `fields=${fields}&` : ''}${detail !== null ? `detail=${detail}&` : ''}limit=${limit}&marker=${last}`;
    }
    return { status: 200, body };
  };
  /** A node as the request's microversion shows it: `parent_node` only from 1.83. */
  const atVersion = (node: Record<string, unknown>, minor: number): Record<string, unknown> => {
    if (minor >= CHILD_NODES || !('parent_node' in node)) return node;
    const { parent_node: _hidden, ...rest } = node;
    return rest;
  };

  const handler: Handler = (req) => {
    const url = new URL(req.path, 'http://x');
    if (req.method === 'GET' && url.pathname === '/') return { status: 200, body: options.root ?? fixture('root-21.4.json') };
    const offered = req.headers['x-auth-token'];
    if (options.requireToken !== undefined && offered !== options.requireToken && (options.projectScopedToken === undefined || offered !== options.projectScopedToken)) {
      return { status: 401, body: { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } } };
    }
    if (options.requireBasic !== undefined && req.headers['authorization'] !== `Basic ${options.requireBasic}`) {
      return { status: 401, body: { error_message: 'Unauthorized' }, headers: { 'WWW-Authenticate': 'Basic realm="Baremetal API"' } };
    }
    const version = req.headers['x-openstack-ironic-api-version'];
    const header = Array.isArray(version) ? version[0] : version;
    const minor = minorOf(header);
    if (header !== undefined && minor > serverMax) {
      return { status: 406, body: { error_message: JSON.stringify({ code: 406, title: 'Not Acceptable', description: `Version ${header} was requested but the minor version is not supported by this service. The supported version range is: [1.1, 1.${serverMax}].` }) } };
    }
    const token = req.headers['x-auth-token'];
    const projectScoped = options.projectScopedToken !== undefined && token === options.projectScopedToken;
    if ((url.pathname === '/v1/nodes' || url.pathname === '/v1/nodes/detail') && req.method === 'GET') {
      const detailEndpoint = url.pathname === '/v1/nodes/detail';
      const includeChildren = url.searchParams.get('include_children');
      if (includeChildren !== null && !childNodesKnown) return fault(400, 'Unexpected arguments: include_children');
      if (includeChildren !== null && !detailEndpoint && !(minor >= CHILD_NODES)) return fault(406, 'Request not acceptable. The minimal required API version should be 1.83');
      if (url.searchParams.has('fields') && url.searchParams.get('detail') !== null) return fault(400, 'Can not specify ?detail=True and fields in the same request.');
      // As Ironic 21.4 really answers (test/fixtures/ironic/captured/nodes-fields-conductor-500.json).
      if (url.searchParams.get('fields')?.split(',').includes('conductor')) return { status: 500, body: { error_message: JSON.stringify({ faultcode: 'Server', faultstring: "type object 'Node' has no attribute 'conductor'", debuginfo: null }) } };
      // /detail takes include_children unvalidated: any non-empty string includes children.
      const children = includeChildren !== null && (detailEndpoint ? includeChildren !== '' : ironicBoolean(includeChildren));
      const listed = projectScoped ? [] : nodes.filter((n) => children || n['parent_node'] === undefined || n['parent_node'] === null);
      return page(listed.map((n) => atVersion(n, minor)), 'uuid', detailEndpoint ? 'nodes/detail' : 'nodes', url);
    }
    if (url.pathname === '/v1/conductors' && req.method === 'GET') {
      if (version === undefined) return fault(404, 'The resource could not be found.');
      if (projectScoped) return { status: 403, body: fixture('releases/29.0/conductors-403-project-scoped.json') };
      return page(conductors, 'hostname', 'conductors', url);
    }
    const consoleRead = /^\/v1\/nodes\/([^/]+)\/states\/console$/.exec(url.pathname);
    if (consoleRead && req.method === 'GET') {
      // Ironic 25+ runs `ipmitool sol deactivate` before answering: it ends a live SOL session.
      const uuid = decodeURIComponent(consoleRead[1] ?? '');
      if (!consoles.has(uuid)) return fault(404, `Node ${uuid} could not be found.`);
      solSessionsEnded.push(uuid);
      return { status: 200, body: { console_enabled: consoles.get(uuid), console_info: null } };
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
      if (!consoles.has(uuid) || projectScoped) return fault(404, `Node ${uuid} could not be found.`);
      const change = pending.get(uuid);
      if (change !== undefined) {
        if (change.polls <= 1) {
          consoles.set(uuid, change.target);
          pending.delete(uuid);
        } else pending.set(uuid, { ...change, polls: change.polls - 1 });
      }
      // Without fields, the whole node, as GET /v1/nodes/<uuid> answers it (never filtered by parent).
      if (!url.searchParams.has('fields')) return { status: 200, body: atVersion({ ...known.get(uuid), console_enabled: consoles.get(uuid) }, minor) };
      return { status: 200, body: { uuid, console_enabled: consoles.get(uuid), last_error: null, target_provision_state: null, reservation: null } };
    }
    return fault(404, 'The resource could not be found.');
  };
  const server = await startServer(handler, options.tls);
  return Object.assign(server, { consoles, solSessionsEnded });
}

/**
 * Keystone v3: accepts one credential check, answers the catalog fixture with `{ironic}`
 * filled in. With `scopedTokens` the token follows the scope asked for, as Keystone's does:
 * `scope.system` gets the system token and `"system": {"all": true}` in the body, a project
 * scope or an application credential (which carries its project's scope) the project
 * token and `"project"`, no scope an unscoped token with neither.
 */
export async function startFakeKeystone(options: {
  readonly ironicUrl: string;
  readonly accept: (body: Record<string, unknown>) => boolean;
  readonly token: string;
  readonly scopedTokens?: { readonly system: string; readonly project: string };
}): Promise<FakeServer> {
  let url = '';
  const server = await startServer((req) => {
    if (req.method !== 'POST' || req.path !== '/v3/auth/tokens') return { status: 404, body: { error: { code: 404, message: 'Not found', title: 'Not Found' } } };
    const request = JSON.parse(req.body) as Record<string, unknown>;
    if (!options.accept(request)) return { status: 401, body: fixture('keystone-401.json') };
    const text = JSON.stringify(fixture('keystone-token.json')).replaceAll('{ironic}', options.ironicUrl).replaceAll('{keystone}', url);
    const body = JSON.parse(text) as { token: Record<string, unknown> };
    if (options.scopedTokens === undefined) return { status: 201, body, headers: { 'X-Subject-Token': options.token } };
    const auth = request['auth'] as { scope?: Record<string, unknown>; identity?: { methods?: string[] } };
    const { project, ...unscoped } = body.token;
    if (auth.scope?.['system'] !== undefined) {
      return { status: 201, body: { token: { ...unscoped, system: { all: true } } }, headers: { 'X-Subject-Token': options.scopedTokens.system } };
    }
    if (auth.scope?.['project'] !== undefined || auth.identity?.methods?.includes('application_credential') === true) {
      return { status: 201, body: { token: { ...unscoped, project } }, headers: { 'X-Subject-Token': options.scopedTokens.project } };
    }
    return { status: 201, body: { token: unscoped }, headers: { 'X-Subject-Token': options.token } };
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
