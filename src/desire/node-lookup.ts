import { mapLimited } from '../map-limited.js';
import { ApiError, AuthError, describeError } from '../errors.js';
import { refusedRead } from './read-desired-state.js';
import { toDesiredNode } from './desired-node.js';
import type { IronicSession } from './ironic-session.js';
import type { DesiredState, NodeLookup } from './types.js';

/**
 * How many nodes a scan asks about one by one. Stray consoles of deleted nodes are few;
 * hundreds of consoles outside the list mean the list itself is cut short, and asking
 * node by node would only hide that.
 */
export const MAX_NODE_LOOKUPS = 100;
const LOOKUP_CONCURRENCY = 4;

/**
 * `GET /v1/nodes/<uuid>` for each node seen on a host but not in Ironic's list: lists hide
 * child and self-parented nodes, a per-node GET never does. A node found is read whole; a
 * 404 is the only proof that it is gone; any other answer fails the read, since a console
 * whose node cannot be told either way gets no verdict.
 */
export async function lookUpNodes(session: IronicSession, uuids: readonly string[]): Promise<NodeLookup> {
  const where = `Ironic API ${session.endpoint}`;
  if (uuids.length > MAX_NODE_LOOKUPS) {
    throw new ApiError(
      `${where}: ${uuids.length} nodes seen on the hosts are not in Ironic's node list (more than ${MAX_NODE_LOOKUPS} to ask about one by one): the list looks cut short (token scope? a proxy?); no verdict on their consoles`,
    );
  }
  const answers = await mapLimited(uuids, LOOKUP_CONCURRENCY, async (uuid) => {
    const path = `/v1/nodes/${encodeURIComponent(uuid)}`;
    try {
      const answer = await session.request('GET', path);
      return { uuid, node: toDesiredNode(answer.json, `${where}: GET ${path}`) };
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return { uuid, node: null };
      const refused = refusedRead(session, `GET ${path}`, error);
      if (refused instanceof AuthError) throw new AuthError(`${refused.message}; no verdict on its console`, { cause: error });
      const reason = describeError(error).replace(/^.*?: GET \S+: /, '');
      throw new ApiError(`${where}: node ${uuid} is not in the node list, and GET ${path} could not tell whether it exists: ${reason}; no verdict on its console`, { cause: error });
    }
  });
  return {
    found: answers.flatMap((a) => (a.node === null ? [] : [a.node])),
    gone: answers.flatMap((a) => (a.node === null ? [a.uuid] : [])),
  };
}

/** The desired state with the nodes found by their own GET added, and the 404s noted. Pure. */
export function withLookedUpNodes(desired: DesiredState, lookup: NodeLookup): DesiredState {
  if (lookup.found.length === 0 && lookup.gone.length === 0) return desired;
  const listed = new Set(desired.nodes.map((n) => n.uuid));
  const found = lookup.found.filter((n) => !listed.has(n.uuid));
  return {
    ...desired,
    nodes: [...desired.nodes, ...found],
    nodesFoundByGet: [...(desired.nodesFoundByGet ?? []), ...found.map((n) => n.uuid)],
    nodesGoneByGet: [...(desired.nodesGoneByGet ?? []), ...lookup.gone],
  };
}
