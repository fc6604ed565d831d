/**
 * The one runner of host changes: sends a kill or removal script to a host's shell and
 * turns what it printed into an outcome.
 */
import type { KillAction, RemoveFileAction, StopContainerAction } from '../plan/types.js';
import type { ExecResult, RemoteShell } from '../transport/types.js';
import type { OutcomeBody } from './action-journal.js';
import { buildKillCommand, type KillOptions } from './kill-command.js';
import { parseKillOutput } from './kill-output.js';
import { buildRemoveFileCommand, parseRemoveFileOutput } from './remove-file-command.js';
import { buildStopContainerCommand, parseStopContainerOutput } from './stop-container-command.js';
import { wrapForHost } from '../transport/host-command.js';

/**
 * One kill, as the user that owns the console (`action.runAs`): the kernel then lets it end
 * nothing but that user's processes. In a container (kolla) the pid-file step needs
 * `docker exec`, which is root's, so there the kill runs with the host's own sudo.
 */
export async function runKill(shell: RemoteShell, action: KillAction, timeoutMs: number, options: KillOptions): Promise<OutcomeBody> {
  const container = shell.host.container;
  const asUser = container === undefined ? action.runAs : undefined;
  const { command, stdin } = wrapForHost(shell.host, buildKillCommand(action, { ...options, container }), 'host', asUser);
  const result = await shell.exec(command, { stdin, timeoutMs });
  const report = parseKillOutput(result.stdout);
  if (report.skipped !== undefined) return { status: 'skipped', detail: skipDetail(report.skipped), killed: [] };
  if (!report.complete) return { status: 'failed', detail: `kill script did not finish: ${why(result)}`, killed: report.gone };
  if (report.alive.length > 0) {
    return { status: 'failed', detail: `still alive after TERM and KILL: ${report.alive.join(' ')}`, killed: report.gone };
  }
  const reused = report.reused.length > 0 ? `; left ${report.reused.join(' ')} alone (pid reused)` : '';
  const refused = report.refused.length > 0 ? `; left ${report.refused.join(' ')} alone (no console identity to check)` : '';
  const pidFile = report.pidFile === undefined ? '' : `; pid file ${report.pidFile}`;
  return { status: 'done', detail: `ended ${report.gone.join(' ') || 'nothing'}${reused}${refused}${pidFile}`, killed: report.gone };
}

function skipDetail(skipped: string): string {
  const [reason, pid = '?'] = skipped.split(' ');
  if (reason === 'unrecognised') return `${skipped}: pid ${pid}'s argv names no console the host can check; nothing killed`;
  return `${skipped}: pid ${pid} is another process now; nothing killed`;
}

export async function runRemoveFile(shell: RemoteShell, action: RemoveFileAction, timeoutMs: number): Promise<OutcomeBody> {
  // As the file's owner (the conductor's user) where sudo is used; root only for root's files.
  const { command, stdin } = wrapForHost(shell.host, buildRemoveFileCommand(action), 'conductor', action.runAs ?? undefined);
  const result = await shell.exec(command, { stdin, timeoutMs });
  const { status, detail } = parseRemoveFileOutput(result.stdout);
  switch (status) {
    case 'removed':
    case 'absent':
      return { status: 'done', detail: `${action.path}: ${detail}`, killed: [] };
    case 'kept':
      return { status: 'skipped', detail: `${action.path}: kept (${detail})`, killed: [] };
    case 'failed':
      return { status: 'failed', detail: `${action.path}: ${detail}: ${why(result)}`, killed: [] };
  }
}

/** A console container, on the host itself (never inside a conductor's container), as the probe ran. */
export async function runStopContainer(shell: RemoteShell, action: StopContainerAction, timeoutMs: number): Promise<OutcomeBody> {
  const { command, stdin } = wrapForHost(shell.host, buildStopContainerCommand(action), 'host');
  const result = await shell.exec(command, { stdin, timeoutMs });
  const { status, detail } = parseStopContainerOutput(result.stdout);
  const what = action.quadlet !== undefined ? `unit ${action.quadlet.unit} of ${action.quadlet.user}` : `${action.container?.engine} container ${action.container?.name}`;
  switch (status) {
    case 'removed':
    case 'absent':
      return { status: 'done', detail: `${what}: ${detail}`, killed: [] };
    case 'kept':
      return { status: 'skipped', detail: `${what}: ${detail}`, killed: [] };
    case 'failed':
      return { status: 'failed', detail: `${what}: ${detail}: ${why(result)}`, killed: [] };
  }
}

/** The first line of stderr, or the exit status: enough to name the cause (e.g. sudo refused). */
function why(result: ExecResult): string {
  const line = result.stderr.split('\n').find((l) => l.trim() !== '')?.trim().slice(0, 200);
  return line ?? `exit ${result.code ?? result.signal ?? '?'}`;
}
