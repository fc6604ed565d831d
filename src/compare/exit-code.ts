import type { FleetReport } from './types.js';

/**
 * Monitoring-plugin convention: 3 when a host could not be scanned (the answer is
 * unknown), else 2 for anything critical, 1 for warnings only, 0 otherwise (info is clean).
 */
export function exitCodeFor(report: FleetReport): 0 | 1 | 2 | 3 {
  if (report.hostsUnreachable > 0 || report.findings.some((f) => f.kind === 'unreachable')) return 3;
  if (report.findings.some((f) => f.severity === 'critical')) return 2;
  if (report.findings.some((f) => f.severity === 'warning')) return 1;
  return 0;
}
