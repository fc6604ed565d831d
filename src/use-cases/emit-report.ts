import { compareWithoutDesired, exitCodeFor, filterReport } from '../compare/compare-fleet.js';
import type { FleetReport } from '../compare/types.js';
import { renderJson } from '../report/render-json.js';
import { renderJunit } from '../report/render-junit.js';
import { renderMetrics } from '../report/render-metrics.js';
import { renderText } from '../report/render-text.js';
import { hostWarnings } from '../report/render-meta.js';
import { writeFileAtomic } from '../report/write-file-atomic.js';
import { assertNever } from '../errors.js';
import type { CommandContext, ReportOptions } from './context.js';
import type { ScanResult } from './scan-once.js';

/** The report a scan result stands for, after the --host/--node/--conductor-group filters. */
export function effectiveReport(result: ScanResult, options: Pick<ReportOptions, 'filters'>): FleetReport {
  if (result.report === null || result.desired === null) {
    return compareWithoutDesired(result.scans, result.desiredError ?? 'Ironic could not be read');
  }
  const conductors = new Map(result.scans.flatMap((s) => (s.ok ? [[s.host, s.observation.conductorName] as const] : [])));
  return filterReport(result.report, options.filters, result.desired, conductors);
}

/** Exit code of a scan: 3 when Ironic could not be read, else by the findings. */
export function scanExitCode(result: ScanResult, report: FleetReport): 0 | 1 | 2 | 3 {
  return result.desiredError !== null ? 3 : exitCodeFor(report);
}

/**
 * Writes the report in the chosen format to stdout or --output, and the metrics file.
 * With --quiet nothing is printed when the exit code is 0.
 */
export async function emitReport(
  ctx: CommandContext,
  result: ScanResult,
  options: ReportOptions,
): Promise<0 | 1 | 2 | 3> {
  const report = effectiveReport(result, options);
  const exitCode = scanExitCode(result, report);
  const meta = {
    startedAt: result.startedAt,
    finishedAt: new Date().toISOString(),
    durationMs: result.durationMs,
    version: ctx.version,
    apiVersion: result.desired?.apiVersion ?? null,
    endpoint: result.desired?.endpoint ?? null,
    hosts: result.scans,
    error: result.desiredError,
    exitCode,
  };
  if (result.desiredError !== null) ctx.terminal.err(`console-doctor: Ironic: ${result.desiredError}`);
  if (!options.quiet) {
    for (const scan of result.scans) for (const line of hostWarnings(scan)) ctx.terminal.err(`console-doctor: ${scan.host}: warning: ${line}`);
  }

  let body: string;
  switch (options.format) {
    case 'text':
      body = renderText(report, { by: options.by, style: ctx.terminal.style, desired: result.desired ?? undefined });
      break;
    case 'json':
      body = renderJson(report, meta);
      break;
    case 'junit':
      body = renderJunit(report, meta);
      break;
    default:
      return assertNever(options.format, 'format');
  }
  if (options.output !== undefined) await writeFileAtomic(options.output, body);
  else if (!(options.quiet && exitCode === 0)) ctx.terminal.out(body);
  if (options.metricsFile !== undefined) await writeFileAtomic(options.metricsFile, renderMetrics(report, meta));
  return exitCode;
}
