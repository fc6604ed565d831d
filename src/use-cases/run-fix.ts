import { containerNode, isRunning } from '../compare/container-refs.js';
import { readFile } from 'node:fs/promises';
import { DEFAULT_HOST_TIMEOUT_MS } from '../apply/apply-plan.js';
import type { ActionOutcome } from '../apply/types.js';
import { ConfigError } from '../errors.js';
import { observeHost } from '../observe/observe-host.js';
import { parsePlan, serializePlan } from '../plan/plan-file.js';
import { planFixes } from '../plan/plan-fixes.js';
import { revalidatePlan, type DroppedAction } from '../plan/revalidate-plan.js';
import type { Plan, PlanPolicy, RestartAction } from '../plan/types.js';
import { describeAction, renderOutcome, renderPlan } from '../report/render-plan.js';
import { writeFileAtomic } from '../report/write-file-atomic.js';
import { sleepUnless } from '../abortable-sleep.js';
import { shellWithSignal } from '../transport/cancelled.js';
import type { RemoteShell } from '../transport/types.js';
import type { CommandContext, ReportOptions } from './context.js';
import { effectiveReport, emitReport, scanExitCode } from './emit-report.js';
import { recordScan, summarize } from './record-scan.js';
import { applyWithReport } from './apply-with-report.js';
import { resolveScanFilters, scanWithProgress } from './run-scan.js';
import { closeShells, type ScanResult } from './scan-once.js';

export interface FixOptions extends ReportOptions {
  readonly yes: boolean;
  readonly dryRun: boolean;
  readonly planIn: string | undefined;
  readonly planOut: string | undefined;
  readonly policy: PlanPolicy;
  /** How long to wait for a restarted console to listen on its owner. */
  readonly restartTimeoutMs: number;
}


/**
 * After an API restart, watch the owner host until a daemon for the node listens. Any
 * port will do: Ironic allocates a new port from `[console]port_range` on every start,
 * so the port read before the restart may be stale; the final scan judges the port.
 */
function confirmRestartBy(shells: ReadonlyMap<string, RemoteShell>) {
  return async (action: RestartAction, signal: AbortSignal): Promise<boolean> => {
    const owner = shells.get(action.host);
    if (owner === undefined) return false;
    // Every probe is bound to the restart's deadline (--restart-timeout), which ends the wait.
    const shell = shellWithSignal(owner, signal);
    while (!signal.aborted) {
      const observation = await observeHost(shell);
      const up =
        action.graphical === true
          ? observation.containers.some((c) => isRunning(c) && containerNode(c) === action.nodeUuid)
          : observation.consoles.some((c) => c.nodeUuid === action.nodeUuid && !c.zombie && c.listening !== false);
      if (up) return true;
      await sleepUnless(1_000, signal);
    }
    return false;
  };
}

interface LoadedPlan {
  readonly plan: Plan;
  /** Saved actions a fresh plan does not confirm (empty without --plan). */
  readonly dropped: readonly DroppedAction[];
}

/**
 * The plan to apply: made now from the fresh scan, or (--plan FILE) the saved plan's
 * actions that the plan made now confirms, with every policy applied again.
 */
async function loadPlan(ctx: CommandContext, result: ScanResult, options: FixOptions): Promise<LoadedPlan> {
  const report = effectiveReport(result, options);
  const fresh = planFixes(report, { scans: result.scans, desired: result.desired!, desiredComplete: result.desiredError === null }, options.policy);
  if (options.planIn === undefined) return { plan: fresh, dropped: [] };
  const text = await readFile(options.planIn, 'utf8').catch((error: unknown) => {
    throw new ConfigError(`${options.planIn}: cannot read plan file (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  });
  const saved = parsePlan(text, options.planIn);
  const { plan, dropped } = revalidatePlan(saved, { fresh, scans: result.scans, policy: options.policy });
  for (const drop of dropped) ctx.terminal.err(`console-doctor: dropped from saved plan: ${describeAction(drop.action)}: ${drop.reason}`);
  return { plan, dropped };
}

/** Dropped saved actions go to the audit trail too, each as an action skipped with its reason. */
function recordDropped(ctx: CommandContext, runId: number | undefined, dropped: readonly DroppedAction[]): void {
  if (ctx.audit === null || runId === undefined) return;
  for (const { action, reason } of dropped) {
    const intent = ctx.audit.recordIntent(runId, action);
    ctx.audit.recordOutcome(intent, { actionId: action.id, status: 'skipped', detail: `dropped from saved plan: ${reason}`, killed: [], durationMs: 0 });
  }
}

/** A fix run that changes nothing (refused, dry run, nothing to do) but drops saved actions. */
function recordUnapplied(ctx: CommandContext, result: ScanResult, options: FixOptions, dropped: readonly DroppedAction[], code: number): void {
  if (ctx.audit === null || dropped.length === 0) return recordScan(ctx, 'fix', result, options, code);
  const runId = ctx.audit.startRun({ command: 'fix', argv: ctx.argv, user: ctx.user, clientHost: ctx.clientHost, version: ctx.version, startedAt: result.startedAt });
  const report = effectiveReport(result, options);
  ctx.audit.recordHostScans(runId, result.scans);
  ctx.audit.recordFindings(runId, report.findings);
  recordDropped(ctx, runId, dropped);
  ctx.audit.finishRun(runId, code, `${summarize(report.findings.length, result)}; ${dropped.length} saved actions dropped`);
}

/**
 * `console-doctor fix`: a fresh scan, a plan, confirmation, apply, and a final scan
 * whose exit code is the result (0 only when the fleet is clean afterwards).
 */
export async function runFix(ctx: CommandContext, given: FixOptions): Promise<number> {
  const { terminal, audit } = ctx;
  const first = await scanWithProgress(ctx, !given.dryRun);
  try {
    const options = resolveScanFilters(first, given);
    const firstCode = scanExitCode(first, effectiveReport(first, options));
    if (first.desiredError !== null) {
      recordScan(ctx, 'fix', first, options, 3);
      // The reason follows once, in the report's own `Ironic: …` line.
      terminal.err('console-doctor: no fix: Ironic could not be read whole; nothing was changed');
      return emitReport(ctx, first, options);
    }
    const { plan, dropped } = await loadPlan(ctx, first, options);
    if (options.planOut !== undefined) await writeFileAtomic(options.planOut, serializePlan(plan));
    const acting = plan.actions.filter((a) => a.kind !== 'report');
    // The plan is a result in text mode; beside JSON or JUnit on stdout it goes to stderr.
    const showPlan = options.format === 'text' && options.output === undefined ? terminal.out : terminal.err;
    if (!(options.quiet && acting.length === 0 && firstCode === 0)) showPlan(renderPlan(plan, terminal.style));
    if (plan.refusal !== null || options.dryRun || acting.length === 0) {
      const shown = await emitReport(ctx, first, options);
      const code = plan.refusal !== null ? Math.max(shown, 2) : shown;
      recordUnapplied(ctx, first, options, dropped, code);
      return code;
    }
    if (!options.yes) {
      if (!terminal.interactive) {
        throw new ConfigError('fix: not on a terminal and --yes not given; nothing was changed (use --yes to apply, --dry-run to only plan)');
      }
      if (!(await terminal.confirm(`Apply ${acting.length} action${acting.length === 1 ? '' : 's'}?`))) {
        terminal.err('console-doctor: nothing changed');
        return firstCode;
      }
    }

    const runId = audit?.startRun({ command: 'fix', argv: ctx.argv, user: ctx.user, clientHost: ctx.clientHost, version: ctx.version, startedAt: first.startedAt });
    if (audit && runId !== undefined) {
      audit.recordHostScans(runId, first.scans);
      audit.recordFindings(runId, effectiveReport(first, options).findings);
    }
    recordDropped(ctx, runId, dropped);
    const outcomes: ActionOutcome[] = await applyWithReport(plan, {
      shellFor: async (host) => {
        const shell = first.shells.get(host);
        if (shell === undefined) throw new Error(`${host}: no open connection`);
        return shell;
      },
      ironic: ctx.ironic,
      audit: audit ?? undefined,
      runId,
      concurrency: ctx.concurrency,
      confirmRestart: confirmRestartBy(first.shells),
      restartTimeoutMs: options.restartTimeoutMs,
      onEvent: (event) => {
        if (event.type === 'action-done') terminal.err(renderOutcome(event.action, event.outcome, terminal.style));
      },
    }, terminal, DEFAULT_HOST_TIMEOUT_MS);
    const failed = outcomes.filter((o) => o.status === 'failed').length;
    closeShells(first);

    const final = await scanWithProgress(ctx, false);
    closeShells(final);
    const finalCode = await emitReport(ctx, final, options);
    const exitCode = failed > 0 ? Math.max(finalCode, 2) : finalCode;
    if (audit && runId !== undefined) {
      audit.finishRun(runId, exitCode, `${outcomes.length} actions (${failed} failed); after: ${summarize(effectiveReport(final, options).findings.length, final)}`);
    }
    return exitCode;
  } finally {
    closeShells(first);
  }
}
