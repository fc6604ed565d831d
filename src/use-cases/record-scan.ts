import type { RunCommand } from '../record/types.js';
import type { CommandContext, ReportOptions } from './context.js';
import { effectiveReport } from './emit-report.js';
import type { ScanResult } from './scan-once.js';

/** Writes one finished scan (hosts and findings) to the audit trail as its own run. */
export function recordScan(
  ctx: CommandContext,
  command: RunCommand,
  result: ScanResult,
  options: Pick<ReportOptions, 'filters'>,
  exitCode: number,
): void {
  const audit = ctx.audit;
  if (audit === null) return;
  const runId = audit.startRun({
    command,
    argv: ctx.argv,
    user: ctx.user,
    clientHost: ctx.clientHost,
    version: ctx.version,
    startedAt: result.startedAt,
  });
  const report = effectiveReport(result, options);
  audit.recordHostScans(runId, result.scans);
  audit.recordFindings(runId, report.findings);
  audit.finishRun(runId, exitCode, summarize(report.findings.length, result));
}

export function summarize(findings: number, result: ScanResult): string {
  const down = result.scans.filter((s) => !s.ok).length;
  const api = result.desiredError === null ? '' : `; Ironic: ${result.desiredError}`;
  return `${result.scans.length} hosts (${down} unreachable), ${findings} findings${api}`;
}
