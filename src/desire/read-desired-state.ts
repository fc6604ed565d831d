import { ApiError, AuthError } from '../errors.js';
import { HttpAuthError } from './api-call.js';
import { scopeRefusal } from './token-scope.js';
import { toConductorInfo, toDesiredNode } from './desired-node.js';
import type { IronicSession } from './ironic-session.js';
import { CHILD_NODES_MICROVERSION, compareVersions } from './microversion.js';
import type { ConductorInfo, DesiredNode, DesiredState } from './types.js';

/** Ironic's default `[api]max_limit`; a smaller server limit still pages correctly via `next`. */
export const PAGE_LIMIT = 1000;

/**
 * The next page: our own first path with the marker of Ironic's `next` link. Ironic builds
 * `next` from its public_url (which may be wrong behind a proxy) and keeps only sort, detail,
 * limit, marker and fields in it: a filter such as include_children would be lost from
 * page 2 on (ironic/api/controllers/v1/node.py, `_get_nodes_collection`).
 */
export function nextPagePath(next: unknown, firstPath: string): string | undefined {
  if (typeof next !== 'string' || next === '') return undefined;
  const marker = new URL(next, 'http://placeholder').searchParams.get('marker');
  const url = new URL(firstPath, 'http://placeholder');
  if (marker === null || marker === '') return `${url.pathname}${new URL(next, 'http://placeholder').search}`;
  url.searchParams.set('marker', marker);
  return `${url.pathname}${url.search}`;
}

/** How pages may grow: a few more than the items read would fill at the smallest page seen. */
function pageBound(items: number, smallestPage: number): number {
  return 2 + Math.ceil(items / Math.max(1, smallestPage)) * 2;
}

/**
 * Reads every page of a collection, following `next` until a page has none. Any page that
 * fails (after the retries of callApi) fails the whole read: never a silently short list.
 * A pager that never ends (a new marker on every page) is an error too: a page followed by
 * `next` must bring an item not seen before, and the pages may not outnumber what the
 * items read so far would fill.
 */
export async function readAllPages<T>(
  session: IronicSession,
  collection: 'nodes' | 'conductors',
  firstPath: string,
  convert: (raw: unknown, where: string) => T,
  keyOf: (item: T) => string,
): Promise<T[]> {
  const items: T[] = [];
  const keys = new Set<string>();
  const seen = new Set<string>();
  let smallestPage = Number.POSITIVE_INFINITY;
  let path: string | undefined = firstPath;
  while (path !== undefined) {
    if (seen.has(path)) throw new ApiError(`Ironic API ${session.endpoint}: GET ${path}: pagination loops back to a page already read`);
    seen.add(path);
    const where = `Ironic API ${session.endpoint}: GET ${path}`;
    const answer = await session.request('GET', path);
    const page = (answer.json as Record<string, unknown> | undefined)?.[collection];
    if (!Array.isArray(page)) throw new ApiError(`${where}: answer has no "${collection}" list`);
    const converted = page.map((raw) => convert(raw, where));
    const fresh = converted.filter((item) => !keys.has(keyOf(item)));
    for (const item of fresh) keys.add(keyOf(item));
    items.push(...converted);
    path = nextPagePath((answer.json as { next?: unknown }).next, firstPath);
    if (path === undefined) break;
    const singular = collection === 'nodes' ? 'node' : 'conductor';
    if (fresh.length === 0) throw new ApiError(`${where}: pagination is broken: a page with a next link brought no new ${singular}`);
    smallestPage = Math.min(smallestPage, page.length);
    if (seen.size >= pageBound(keys.size, smallestPage)) {
      throw new ApiError(`${where}: pagination is broken: ${seen.size} pages for ${keys.size} ${collection}`);
    }
  }
  return items;
}

/** Nodes seen twice (a page boundary moved under us) are kept once, the later copy winning. */
function uniqueByUuid(nodes: readonly DesiredNode[]): DesiredNode[] {
  return [...new Map(nodes.map((node) => [node.uuid, node])).values()];
}

/**
 * The node list, children included where the microversion allows: Ironic 22.0+ hides every
 * node with a `parent_node` from its lists, at any microversion, unless asked with
 * include_children, which `GET /v1/nodes` takes from 1.83 (406 below). Below 1.83 the
 * Ironic is 21.x or older, which has no child nodes, or a newer one pinned to an older API
 * (`pin_release_version`): its hidden nodes are found by the per-node GET of every console
 * the list did not show (lookUpNodes), never called unknown without a 404.
 */
function readAllNodes(session: IronicSession): Promise<DesiredNode[]> {
  // Not `fields=`: Ironic 21.4 answers `fields=...,conductor` with a 500 ("type object
  // 'Node' has no attribute 'conductor'", captured in test/fixtures/ironic/captured).
  const children = compareVersions(session.apiVersion, CHILD_NODES_MICROVERSION) >= 0 ? '&include_children=True' : '';
  return readAllPages(session, 'nodes', `/v1/nodes?detail=True${children}&limit=${PAGE_LIMIT}`, toDesiredNode, (node) => node.uuid);
}

/**
 * A 403 on a read the whole fleet needs, said as what it most likely is: the token's scope
 * (Ironic 2025.1+ enforces it and its new default policies). Other errors pass unchanged.
 */
export function refusedRead(session: IronicSession, what: string, error: unknown): unknown {
  if (!(error instanceof HttpAuthError) || error.status !== 403) return error;
  // Without a token (noauth, http_basic) there is no scope to blame: the answer as it came.
  if (session.tokenScope === undefined && session.authType !== 'admin_token') return error;
  return new AuthError(
    scopeRefusal({ endpoint: session.endpoint, what, status: 403, detail: error.detail, scope: session.tokenScope, authType: session.authType ?? 'none' }),
    { cause: error },
  );
}

async function readRefusable<T>(session: IronicSession, what: string, read: Promise<T>): Promise<T> {
  try {
    return await read;
  } catch (error) {
    throw refusedRead(session, what, error);
  }
}

/** Every node and every conductor, read whole, or an error. */
export async function readDesiredState(session: IronicSession, now: () => Date = () => new Date()): Promise<DesiredState> {
  const conductorsPath = `/v1/conductors?limit=${PAGE_LIMIT}`;
  // Conductors first: their 403 is the clearest sign of a token of the wrong scope.
  const [conductors, nodes]: [ConductorInfo[], DesiredNode[]] = await Promise.all([
    readRefusable(session, 'the conductor list', readAllPages(session, 'conductors', conductorsPath, toConductorInfo, (conductor) => conductor.hostname)),
    readRefusable(session, 'the node list', readAllNodes(session)),
  ]);
  if (nodes.length === 0 && session.tokenScope === 'project') {
    throw new AuthError(
      `Ironic at ${session.endpoint} listed no node to a project-scoped token: it shows such a token only the nodes its project owns or leases (Ironic 2025.1+); use a system-scoped token (system_scope: all)`,
    );
  }
  return {
    nodes: uniqueByUuid(nodes),
    conductors,
    apiVersion: session.apiVersion,
    endpoint: session.endpoint,
    readAt: now().toISOString(),
  };
}
