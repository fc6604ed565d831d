import { ApiError } from '../errors.js';
import { toConductorInfo, toDesiredNode } from './desired-node.js';
import type { IronicSession } from './ironic-session.js';
import type { ConductorInfo, DesiredNode, DesiredState } from './types.js';

/** Ironic's default `[api]max_limit`; a smaller server limit still pages correctly via `next`. */
export const PAGE_LIMIT = 1000;

/** The path and query of Ironic's `next` link, re-based on our endpoint (Ironic builds it from its public_url, which may be wrong behind a proxy). */
export function nextPagePath(next: unknown, collection: string): string | undefined {
  if (typeof next !== 'string' || next === '') return undefined;
  const url = new URL(next, 'http://placeholder');
  return `/v1/${collection}${url.search}`;
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
    path = nextPagePath((answer.json as { next?: unknown }).next, collection);
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

/** Every node and every conductor, read whole, or an error. */
export async function readDesiredState(session: IronicSession, now: () => Date = () => new Date()): Promise<DesiredState> {
  // Not `fields=`: Ironic 21.4 answers `fields=...,conductor` with a 500 ("type object
  // 'Node' has no attribute 'conductor'", captured in test/fixtures/ironic/captured).
  const nodesPath = `/v1/nodes?detail=True&limit=${PAGE_LIMIT}`;
  const conductorsPath = `/v1/conductors?limit=${PAGE_LIMIT}`;
  const [nodes, conductors]: [DesiredNode[], ConductorInfo[]] = await Promise.all([
    readAllPages(session, 'nodes', nodesPath, toDesiredNode, (node) => node.uuid),
    readAllPages(session, 'conductors', conductorsPath, toConductorInfo, (conductor) => conductor.hostname),
  ]);
  return {
    nodes: uniqueByUuid(nodes),
    conductors,
    apiVersion: session.apiVersion,
    endpoint: session.endpoint,
    readAt: now().toISOString(),
  };
}
