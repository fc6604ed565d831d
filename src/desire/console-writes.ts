import { ApiError } from '../errors.js';
import { sleepUnless } from '../abortable-sleep.js';
import type { IronicSession } from './ironic-session.js';

export interface ConsoleTiming {
  /** Between two polls of the node, and the first wait before retrying a 409. */
  readonly pollIntervalMs: number;
  /** How long one state change (PUT retries on 409 plus polling) may take in all. */
  readonly consoleTimeoutMs: number;
  /** The deadline of the whole action (a restart is two changes): aborts requests and waits. */
  readonly signal?: AbortSignal | undefined;
}

/** Throws the action's cancellation when its deadline has fired. */
function throwIfCancelled(timing: ConsoleTiming, uuid: string): void {
  const signal = timing.signal;
  if (signal?.aborted !== true) return;
  const reason: unknown = signal.reason;
  throw new ApiError(`node ${uuid}: console change cancelled: ${reason instanceof Error ? reason.message : String(reason ?? 'aborted')}`, { cause: reason });
}


/** Only what polling needs; `GET .../states/console` is never used: it ends live SOL sessions on Ironic 25+. */
const POLL_FIELDS = 'uuid,console_enabled,last_error,target_provision_state,reservation';

function nodePath(uuid: string): string {
  return `/v1/nodes/${encodeURIComponent(uuid)}`;
}

const state = (enabled: boolean): string => (enabled ? 'enabled' : 'disabled');

/**
 * PUT /v1/nodes/{uuid}/states/console, retrying 409 NodeLocked with backoff until the
 * deadline. Ironic answers 202 and does nothing when the console is already there.
 */
async function requestConsoleState(session: IronicSession, uuid: string, enabled: boolean, deadline: number, timing: ConsoleTiming): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      throwIfCancelled(timing, uuid);
      await session.request('PUT', `${nodePath(uuid)}/states/console`, { enabled }, { signal: timing.signal });
      return;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 409)) throw error;
      const wait = Math.min(timing.pollIntervalMs * 2 ** attempt, 10_000);
      if (Date.now() + wait > deadline) {
        throw new ApiError(`${error.message} (still locked after ${timing.consoleTimeoutMs / 1000}s)`, { status: 409, cause: error });
      }
      await sleepUnless(wait, timing.signal);
    }
  }
}

/** Polls the node (not its console) until `console_enabled` is `enabled`, or times out naming `last_error`. */
async function waitForConsoleState(session: IronicSession, uuid: string, enabled: boolean, deadline: number, timing: ConsoleTiming): Promise<void> {
  for (;;) {
    throwIfCancelled(timing, uuid);
    const answer = await session.request('GET', `${nodePath(uuid)}?fields=${POLL_FIELDS}`, undefined, { signal: timing.signal });
    const node = answer.json as { console_enabled?: unknown; last_error?: unknown } | undefined;
    if (node?.console_enabled === enabled) return;
    if (Date.now() + timing.pollIntervalMs > deadline) {
      const lastError = typeof node?.last_error === 'string' && node.last_error !== '' ? `; last_error: ${node.last_error}` : '';
      throw new ApiError(
        `Ironic API ${session.endpoint}: node ${uuid}: console not ${state(enabled)} after ${timing.consoleTimeoutMs / 1000}s (console_enabled is ${String(node?.console_enabled)}${lastError})`,
      );
    }
    await sleepUnless(timing.pollIntervalMs, timing.signal);
  }
}

/** Sets the console state and waits until the node shows it. */
export async function setConsoleState(session: IronicSession, uuid: string, enabled: boolean, timing: ConsoleTiming): Promise<void> {
  const deadline = Date.now() + timing.consoleTimeoutMs;
  await requestConsoleState(session, uuid, enabled, deadline, timing);
  await waitForConsoleState(session, uuid, enabled, deadline, timing);
}

/** Disable, wait, enable, wait: the only way to restart, since a PUT of the current state does nothing. */
export async function restartConsoleState(session: IronicSession, uuid: string, timing: ConsoleTiming): Promise<void> {
  await setConsoleState(session, uuid, false, timing);
  await setConsoleState(session, uuid, true, timing);
}
