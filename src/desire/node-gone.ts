import { ApiError, describeError } from '../errors.js';
import type { IronicSession } from './ironic-session.js';
import type { NodeGoneCheck } from './types.js';

/**
 * `GET /v1/nodes/<uuid>` at fix time: a 404 is the only proof that a node is gone. A node
 * the list did not show may still exist (Debian 29.0.5 self-parents every PATCHed node
 * and lists hide child nodes), and an error proves nothing either way.
 */
export async function checkNodeGone(session: IronicSession, uuid: string): Promise<NodeGoneCheck> {
  const path = `/v1/nodes/${encodeURIComponent(uuid)}?fields=uuid`;
  try {
    await session.request('GET', path);
    return { gone: false, reason: `Ironic still knows the node (GET /v1/nodes/${uuid} answered it; node lists can hide child nodes)` };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return { gone: true };
    return { gone: false, reason: `could not confirm that Ironic no longer knows the node: ${describeError(error)}` };
  }
}
