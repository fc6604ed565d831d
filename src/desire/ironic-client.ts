import { ApiError } from '../errors.js';
import type { RetryPolicy } from './api-call.js';
import type { CloudConfig } from './cloud-config-types.js';
import { restartConsoleState, setConsoleState, type ConsoleTiming } from './console-writes.js';
import type { HttpRequest, HttpResponse } from './http-request.js';
import { openIronicSession, type IronicSession } from './ironic-session.js';
import { checkNodeGone } from './node-gone.js';
import { lookUpNodes } from './node-lookup.js';
import { readDesiredState } from './read-desired-state.js';
import { describeError } from '../errors.js';
import type { DesiredStateSource, NodeGoneCheck } from './types.js';

export interface IronicClientOptions {
  /** Per HTTP request (default: the config's `timeout`, else 30 s). */
  readonly timeoutMs?: number;
  /** Between polls of a node after a console change (default 2 s). */
  readonly pollIntervalMs?: number;
  /** For one console change, 409 retries and polling included (default 120 s). */
  readonly consoleTimeoutMs?: number;
  /** Called after every HTTP answer, for progress and debug logs (no headers, no bodies). */
  readonly onRequest?: (method: string, path: string, status: number) => void;
  /** Retries on connection errors, 5xx and 429 (default 4 tries, from 0.5 s doubling). */
  readonly retry?: RetryPolicy;
  /** Replaces node:http(s), for tests. */
  readonly send?: (request: HttpRequest) => Promise<HttpResponse>;
}

/**
 * The shared session, or the action's cancellation if its deadline fires first (the
 * session keeps opening for the next caller and ends by its own request timeout).
 */
function untilCancelled<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new ApiError(`Ironic API: cancelled while opening the session: ${String((signal.reason as Error | undefined)?.message ?? 'aborted')}`));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * The Ironic API as a DesiredStateSource. Nothing is sent until the first call; the
 * session (authentication, endpoint, microversion) is opened once and shared, and
 * opened again on the next call when opening failed.
 */
export function createIronicClient(config: CloudConfig, options: IronicClientOptions = {}): DesiredStateSource {
  const timing: ConsoleTiming = {
    pollIntervalMs: options.pollIntervalMs ?? 2_000,
    consoleTimeoutMs: options.consoleTimeoutMs ?? 120_000,
  };
  let session: Promise<IronicSession> | undefined;
  const open = (): Promise<IronicSession> => {
    session ??= openIronicSession(config, {
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.retry !== undefined ? { retry: options.retry } : {}),
      ...(options.onRequest !== undefined ? { onRequest: options.onRequest } : {}),
      ...(options.send !== undefined ? { send: options.send } : {}),
    }).catch((error: unknown) => {
      session = undefined;
      throw error;
    });
    return session;
  };
  return {
    readDesiredState: async () => readDesiredState(await open()),
    lookUpNodes: async (nodeUuids) => (nodeUuids.length === 0 ? { found: [], gone: [] } : lookUpNodes(await open(), nodeUuids)),
    setConsole: async (nodeUuid, enabled, change = {}) =>
      setConsoleState(await untilCancelled(open(), change.signal), nodeUuid, enabled, { ...timing, signal: change.signal }),
    restartConsole: async (nodeUuid, change = {}) =>
      restartConsoleState(await untilCancelled(open(), change.signal), nodeUuid, { ...timing, signal: change.signal }),
    checkNodeGone: async (nodeUuid): Promise<NodeGoneCheck> => {
      let current: IronicSession;
      try {
        current = await open();
      } catch (error) {
        return { gone: false, reason: `could not ask Ironic about the node: ${describeError(error)}` };
      }
      return checkNodeGone(current, nodeUuid);
    },
  };
}
