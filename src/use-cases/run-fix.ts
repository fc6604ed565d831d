import { readFile } from 'node:fs/promises';
import { DEFAULT_HOST_TIMEOUT_MS } from '../apply/apply-plan.js';
import type { ActionOutcome } from '../apply/types.js';
import { ConfigError } from '../errors.js';
import { observeHost } from '../observe/observe-host.js';
import { parsePlan, serializePlan } from '../plan/plan-file.js';
import { planFixes } from '../plan/plan-fixes.js';
import { revalidatePlan } from '../plan/revalidate-plan.js';
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
      const up = observation.consoles.some((c) => c.nodeUuid === action.nodeUuid && !c.zombie && c.listening !== false);
      if (up) return true;
      await sleepUnless(1_000, signal);
    }
    return false;
  };
}

async function loadPlan(ctx: CommandContext, result: ScanResult, options: FixOptions): Promise<Plan> {
  const report = effectiveReport(result, options);
  if (options.planIn === undefined) {
    return planFixes(
      report,
      { scans: result.scans, desired: result.desired!, desiredComplete: result.desiredError === null },
      options.policy,
    );
  }
  const text = await readFile(options.planIn, 'utf8').catch((error: unknown) => {
    throw new ConfigError(`${options.planIn}: cannot read plan file (${(error as NodeJS.ErrnoException).code ?? 'error'})`, { cause: error });
  });
  const { plan, dropped } = revalidatePlan(parsePlan(text, options.planIn), report);
  for (const drop of dropped) ctx.terminal.err(`console-doctor: dropped from saved plan: ${describeAction(drop.action)}: ${drop.reason}`);
  return plan;
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
      terminal.err(`console-doctor: no fix: Ironic could not be read whole (${first.desiredError})`);
      return emitReport(ctx, first, options);
    }
    const plan = await loadPlan(ctx, first, options);
    if (options.planOut !== undefined) await writeFileAtomic(options.planOut, serializePlan(plan));
    const acting = plan.actions.filter((a) => a.kind !== 'report');
    // The plan is a result in text mode; beside JSON or JUnit on stdout it goes to stderr.
    const showPlan = options.format === 'text' && options.output === undefined ? terminal.out : terminal.err;
    if (!(options.quiet && acting.length === 0 && firstCode === 0)) showPlan(renderPlan(plan, terminal.style));
    if (plan.refusal !== null || options.dryRun || acting.length === 0) {
      const shown = await emitReport(ctx, first, options);
      const code = plan.refusal !== null ? Math.max(shown, 2) : shown;
      recordScan(ctx, 'fix', first, options, code);
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
