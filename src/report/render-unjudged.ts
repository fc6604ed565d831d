import type { FleetReport } from '../compare/types.js';
import { plural } from './finding-cells.js';
import { padCells } from './pad-cells.js';
import type { Style } from './style.js';

/**
 * The text report when Ironic could not be read: what went wrong, that no console got a
 * verdict, and the consoles that were seen, listed without one.
 */
export function renderUnjudged(report: FleetReport & { ironicError: string }, style: Style): string[] {
  const observed = report.observed ?? [];
  const hosts = new Set(observed.map((c) => c.host)).size;
  const lines = [
    style.critical(`Ironic could not be read: ${report.ironicError}`),
    `No verdict on any console: ${plural(report.consolesSeen, 'console')} observed on ${plural(hosts, 'host')}, none compared with Ironic.`,
  ];
  if (observed.length > 0) {
    const rows = padCells([
      ['HOST', 'NODE', 'TYPE', 'PORT', 'PID'],
      ...observed.map((c) => [c.host, c.nodeUuid, c.type, String(c.port), String(c.pid)]),
    ]);
    const [heading = [], ...body] = rows;
    lines.push('', style.bold('Observed consoles (no verdict)'), `  ${style.dim(heading.join('  '))}`, ...body.map((r) => `  ${r.join('  ')}`));
  }
  return [...lines, ''];
}
