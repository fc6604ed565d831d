import { resolveFilters } from '../compare/resolve-filters.js';
import { ConfigError } from '../errors.js';
import { startScanProgress } from '../ui/progress.js';
import type { CommandContext, ReportOptions } from './context.js';
import { effectiveReport, emitReport, scanExitCode } from './emit-report.js';
import { recordScan } from './record-scan.js';
import { closeShells, scanOnce, type ScanResult } from './scan-once.js';

export interface ScanOptions extends ReportOptions {
  /** Re-scan until clean or this many ms have passed (CI after a rollout). */
  readonly waitCleanMs: number | undefined;
  readonly intervalMs: number;
}

/** One observed-and-compared pass, with live progress on a terminal. */
export async function scanWithProgress(ctx: CommandContext, keepOpen: boolean): Promise<ScanResult> {
  const progress = await startScanProgress(
    ctx.inventory.hosts.map((h) => h.name),
    ctx.terminal.interactive,
  );
  try {
    return await scanOnce({
      hosts: ctx.inventory.hosts,
      connector: ctx.connector,
      ironic: ctx.ironic,
      concurrency: ctx.concurrency,
      keepOpen,
      onHostEvent: (event) => progress.hostEvent(event),
      onIronicDone: (error, detail) => progress.ironicDone(error, detail),
    });
  } finally {
    await progress.finish();
  }
}

/**
 * The --node and --conductor-group values resolved once Ironic was read: a value that
 * matches nothing is a usage error, never a clean report. Unchecked when Ironic could
 * not be read (that run says so and exits 3 anyway).
 */
export function resolveScanFilters<T extends ReportOptions>(result: ScanResult, options: T): T {
  if (result.desired === null) return options;
  const observed = (result.report?.findings ?? []).flatMap((f) => (f.nodeUuid === null ? [] : [f.nodeUuid]));
  const { filters, problems } = resolveFilters(options.filters, result.desired, observed);
  if (problems.length > 0) throw new ConfigError(problems);
  return { ...options, filters };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `console-doctor scan`: observe, desire, compare, report. With --wait-clean it
 * re-scans until the exit code is 0 or the deadline passes; the last scan's report
 * and exit code are the result.
 */
export async function runScan(ctx: CommandContext, given: ScanOptions): Promise<number> {
  let options = given;
  let resolved = false;
  const deadline = options.waitCleanMs === undefined ? 0 : Date.now() + options.waitCleanMs;
  let attempt = 1;
  for (;;) {
    const result = await scanWithProgress(ctx, false);
    closeShells(result);
    // Resolved by the first scan that read Ironic: a node only seen on a host stays selected once its console is gone.
    if (!resolved) {
      options = resolveScanFilters(result, given);
      resolved = result.desired !== null;
    }
    const code = scanExitCode(result, effectiveReport(result, options));
    const last = code === 0 || Date.now() + options.intervalMs > deadline;
    if (last) {
      const exitCode = await emitReport(ctx, result, options);
      recordScan(ctx, 'scan', result, options, exitCode);
      return exitCode;
    }
    recordScan(ctx, 'scan', result, options, code);
    ctx.terminal.err(
      `console-doctor: scan ${attempt} not clean (exit ${code}); scanning again in ${Math.round(options.intervalMs / 1000)}s`,
    );
    attempt += 1;
    await sleep(options.intervalMs);
  }
}
