import type { ActionOutcome } from '../apply/types.js';
import { assertNever } from '../errors.js';
import type { Action, Plan } from '../plan/types.js';
import { shortUuid } from './finding-cells.js';
import type { Style } from './style.js';

const nodeId = (uuid: string | null): string => (uuid === null ? '-' : shortUuid(uuid));

/** One line describing an action, without secrets (commands are already redacted). */
export function describeAction(action: Action): string {
  switch (action.kind) {
    case 'kill': {
      const pids = action.processes.map((p) => p.pid).join(',');
      return `kill     ${action.host}  node ${nodeId(action.nodeUuid)}  pids ${pids}  as ${action.runAs}  (${action.findingKind})`;
    }
    case 'remove-file':
      return `remove   ${action.host}  ${action.path}  (${action.findingKind})`;
    case 'stop-container': {
      const { container, quadlet } = action;
      const what = [
        quadlet === undefined ? null : `unit ${quadlet.unit} of ${quadlet.user}${quadlet.file === null ? '' : ` and ${quadlet.file.path}`}`,
        container === null ? null : `${container.engine} container ${container.name} (${container.id.slice(0, 12)})`,
      ].filter((w) => w !== null);
      return `stop     ${action.host}  node ${nodeId(action.nodeUuid)}  graphical console: ${what.join(', ')}  (${action.findingKind})`;
    }
    case 'restart':
      return `restart  ${action.host}  node ${nodeId(action.nodeUuid)}  ${action.graphical === true ? 'graphical console ' : ''}via Ironic API${action.expectedPort === null ? '' : `, expect port ${action.expectedPort}`}  (${action.findingKind})`;
    case 'report':
      return `report   ${action.host ?? '-'}  node ${nodeId(action.nodeUuid)}  ${action.reason}  (${action.findingKind})`;
    default:
      return assertNever(action, 'action');
  }
}

/** The plan as a person reads it before saying yes. */
export function renderPlan(plan: Plan, style: Style): string {
  const lines: string[] = [];
  const acting = plan.actions.filter((a) => a.kind !== 'report');
  lines.push(style.bold(`Plan: ${acting.length} action${acting.length === 1 ? '' : 's'}`));
  for (const action of plan.actions) {
    const text = `  ${describeAction(action)}`;
    lines.push(action.kind === 'report' ? style.dim(text) : text);
  }
  for (const skip of plan.skipped) lines.push(style.warning(`  skipped  ${skip.findingId}: ${skip.reason}`));
  if (plan.refusal !== null) lines.push(style.critical(`Refused: ${plan.refusal.message}`));
  return `${lines.join('\n')}\n`;
}

/** One line per outcome, after apply. */
export function renderOutcome(action: Action, outcome: ActionOutcome, style: Style): string {
  const mark =
    outcome.status === 'done' ? style.ok('done   ') : outcome.status === 'skipped' ? style.warning('skipped') : style.critical('failed ');
  return `${mark} ${describeAction(action)}: ${outcome.detail}`;
}
