/**
 * apply: the only stage that changes anything. Host changes (kills, file removals) run
 * first, hosts in parallel and each host's actions in plan order; restarts through the
 * Ironic API start only once every host change has ended, because a kill frees the
 * port and the BMC's single SOL session the new console needs.
 */
import type { DesiredStateSource } from '../desire/types.js';
import { ConfigError, InternalError, describeError } from '../errors.js';
import { mapLimited } from '../map-limited.js';
import type { Action, KillAction, Plan, RemoveFileAction, RestartAction, StopContainerAction } from '../plan/types.js';
import type { AuditStore } from '../record/types.js';
import type { RemoteShell } from '../transport/types.js';
import { ActionJournal, type OutcomeBody } from './action-journal.js';
import type { KillOptions } from './kill-command.js';
import { shellWithSignal } from '../transport/cancelled.js';
import { runKill, runRemoveFile, runStopContainer } from './run-host-action.js';
import type { ActionOutcome, ApplyEvent } from './types.js';

export interface ApplyDeps {
  readonly shellFor: (host: string) => Promise<RemoteShell>;
  /** Restarts, and the 404 check before killing the console of a node Ironic did not list. */
  readonly ironic: Pick<DesiredStateSource, 'restartConsole' | 'checkNodeGone'>;
  readonly audit?: Pick<AuditStore, 'recordIntent' | 'recordOutcome'> | undefined;
  readonly runId?: number | undefined;
  readonly onEvent?: (event: ApplyEvent) => void;
  /**
   * After an API restart: resolves true once the owner host shows the console listening.
   * `signal` is the restart's deadline: every command it runs must stop when it fires.
   */
  readonly confirmRestart?: (action: RestartAction, signal: AbortSignal) => Promise<boolean>;
  /** A host that takes longer fails without holding up the others; its commands are cancelled. Default 60 s. */
  readonly hostTimeoutMs?: number;
  /** One restart (API disable, enable, and the wait for the console to listen): `--restart-timeout`. Default 120 s. */
  readonly restartTimeoutMs?: number;
  readonly concurrency?: number;
  /** TERM and KILL waits of the kill script. */
  readonly kill?: KillOptions;
}

export const DEFAULT_HOST_TIMEOUT_MS = 60_000;
export const DEFAULT_RESTART_TIMEOUT_MS = 120_000;
const DEFAULT_CONCURRENCY = 16;

type HostAction = KillAction | RemoveFileAction | StopContainerAction;

export async function applyPlan(plan: Plan, deps: ApplyDeps): Promise<ActionOutcome[]> {
  if (plan.refusal !== null) {
    throw new ConfigError(`plan refused (${plan.refusal.reason}): ${plan.refusal.message}; nothing was changed`);
  }
  if (deps.audit !== undefined && deps.runId === undefined) throw new InternalError('applyPlan: an audit store needs a runId');
  const journal = new ActionJournal(deps.audit, deps.runId, deps.onEvent);
  const timeoutMs = deps.hostTimeoutMs ?? DEFAULT_HOST_TIMEOUT_MS;
  const concurrency = deps.concurrency ?? DEFAULT_CONCURRENCY;

  const hostActions = plan.actions.filter((a): a is HostAction => a.kind === 'kill' || a.kind === 'remove-file' || a.kind === 'stop-container');
  const byHost = new Map<string, HostAction[]>();
  for (const action of hostActions) byHost.set(action.host, [...(byHost.get(action.host) ?? []), action]);
  await mapLimited([...byHost], concurrency, ([host, actions]) => runHost(host, actions, deps, journal, timeoutMs));

  const failedKills = new Set(
    hostActions.filter((a) => a.kind !== 'remove-file' && journal.outcome(a.id)?.status === 'failed').map((a) => a.nodeUuid),
  );
  const restarts = plan.actions.filter((a): a is RestartAction => a.kind === 'restart');
  await mapLimited(restarts, concurrency, (action) => {
    if (failedKills.has(action.nodeUuid)) {
      journal.finish(action, {
        status: 'skipped',
        detail: `not restarted: a kill or container stop for node ${action.nodeUuid} failed, its port or console session may still be held`,
        killed: [],
      });
      return Promise.resolve();
    }
    const restartMs = deps.restartTimeoutMs ?? DEFAULT_RESTART_TIMEOUT_MS;
    return runRecorded(journal, action, () => withDeadline((signal) => restart(action, deps, signal), restartMs, `restart of ${action.nodeUuid}`));
  });

  for (const action of plan.actions) {
    if (action.kind === 'report') journal.finish(action, { status: 'done', detail: 'reported only; nothing changed', killed: [] });
  }
  return plan.actions.map((action) => journal.outcome(action.id) ?? missingOutcome(action));
}

/** One host's actions in plan order; a host that hangs fails at the deadline, and what was not begun is not run. */
async function runHost(host: string, actions: readonly HostAction[], deps: ApplyDeps, journal: ActionJournal, timeoutMs: number): Promise<void> {
  let timedOut = false;
  // The host's deadline, down to every command: when it fires, the one running is cancelled.
  const cancel = new AbortController();
  const work = async (): Promise<void> => {
    let shell: RemoteShell;
    try {
      shell = shellWithSignal(await deps.shellFor(host), cancel.signal);
    } catch (error) {
      for (const action of actions) journal.finish(action, { status: 'failed', detail: `${host}: no shell: ${describeError(error)}`, killed: [] });
      return;
    }
    for (const action of actions) {
      if (timedOut) return;
      await runRecorded(journal, action, async () => {
        if (action.kind === 'remove-file') return feedsLiveConsole(action, actions, journal) ?? runRemoveFile(shell, action, timeoutMs);
        const unproven = await unknownNodeStillKnown(action, deps);
        if (unproven !== null) return unproven;
        return action.kind === 'kill' ? runKill(shell, action, timeoutMs, deps.kill ?? {}) : runStopContainer(shell, action, timeoutMs);
      });
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const result = await Promise.race([work(), deadline]);
  clearTimeout(timer);
  if (result !== 'timeout') return;
  timedOut = true;
  cancel.abort(new Error(`${host} did not answer within ${seconds(timeoutMs)}`));
  // The action that hung fails; so does the first one when the connection itself hung.
  let blame = !actions.some((a) => journal.isBegun(a.id));
  for (const action of actions) {
    if (journal.has(action.id)) continue;
    const begun = journal.isBegun(action.id) || blame;
    blame = false;
    journal.finish(action, {
      status: begun ? 'failed' : 'skipped',
      detail: begun ? `${host} did not answer within ${timeoutMs} ms` : `not run: ${host} timed out on an earlier action`,
      killed: [],
    });
  }
}

/**
 * A node missing from Ironic's list is not proof that it is gone (lists hide child and
 * self-parented nodes; a proxy may cut them short): its console is killed only when
 * `GET /v1/nodes/<uuid>` answers 404 now. Anything else skips the kill, saying why.
 */
async function unknownNodeStillKnown(action: KillAction | StopContainerAction, deps: ApplyDeps): Promise<OutcomeBody | null> {
  if (action.findingKind !== 'unknown-node') return null;
  const what = action.kind === 'kill' ? 'not killed' : 'not stopped';
  if (action.nodeUuid === null) return { status: 'skipped', detail: `${what}: no node uuid to ask Ironic about`, killed: [] };
  const check = await deps.ironic.checkNodeGone(action.nodeUuid);
  return check.gone ? null : { status: 'skipped', detail: `${what}: node ${action.nodeUuid}: ${check.reason}`, killed: [] };
}

/** A credential file stays while a kill of its node's console on this host did not happen: the console still reads it. */
function feedsLiveConsole(action: RemoveFileAction, actions: readonly HostAction[], journal: ActionJournal): OutcomeBody | null {
  if (action.fileKind !== 'pw' || action.nodeUuid === null) return null;
  const kept = actions.find((a) => a.kind === 'kill' && a.nodeUuid === action.nodeUuid && journal.outcome(a.id)?.status !== 'done');
  return kept === undefined ? null : { status: 'skipped', detail: `not removed: the kill of node ${action.nodeUuid}'s console here did not run, and the console reads this file`, killed: [] };
}

async function runRecorded(journal: ActionJournal, action: Action, run: () => Promise<OutcomeBody>): Promise<void> {
  journal.begin(action);
  try {
    journal.finish(action, await run());
  } catch (error) {
    journal.finish(action, { status: 'failed', detail: describeError(error), killed: [] });
  }
}

async function restart(action: RestartAction, deps: ApplyDeps, signal: AbortSignal): Promise<OutcomeBody> {
  await deps.ironic.restartConsole(action.nodeUuid, { signal });
  const port = action.expectedPort === null ? 'its port' : `port ${action.expectedPort}`;
  if (deps.confirmRestart === undefined) return { status: 'done', detail: 'console restarted through the API', killed: [] };
  if (await deps.confirmRestart(action, signal)) {
    return { status: 'done', detail: `console restarted; listening on ${port} on ${action.host}`, killed: [] };
  }
  return { status: 'failed', detail: `restarted through the API, but nothing listens on ${port} on ${action.host}`, killed: [] };
}

/** `12 s`, `0.7 s`: a limit as an operator wrote it. */
function seconds(ms: number): string {
  return `${ms / 1000} s`;
}

/**
 * Runs `work` with one deadline: when it passes, the signal handed to `work` fires (its
 * requests and commands are cancelled, not left running) and the result is a failure.
 */
function withDeadline<T>(work: (signal: AbortSignal) => Promise<T>, ms: number, what: string): Promise<T> {
  const cancel = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`${what} did not finish within ${seconds(ms)}`);
      cancel.abort(error);
      reject(error);
    }, ms);
  });
  return Promise.race([work(cancel.signal), deadline]).finally(() => clearTimeout(timer));
}

function missingOutcome(action: Action): ActionOutcome {
  return { actionId: action.id, status: 'failed', detail: 'no outcome recorded (internal error)', killed: [], durationMs: 0 };
}
