import { UnreachableError } from '../errors.js';
import type { ExecOptions, ExecResult, RemoteShell } from './types.js';

/** The error of a command whose action's deadline fired (or whose action was cancelled). */
export function cancelled(hostName: string, signal: AbortSignal): UnreachableError {
  const reason: unknown = signal.reason;
  const why = reason instanceof Error ? reason.message : reason === undefined ? 'aborted' : String(reason);
  return new UnreachableError(`${hostName}: command cancelled: ${why}`, { cause: reason });
}

/**
 * The same shell, every command of it bound to one action's deadline: code that knows
 * nothing of deadlines (observeHost, the kill runner) gets them by being handed this.
 */
export function shellWithSignal(shell: RemoteShell, signal: AbortSignal): RemoteShell {
  return {
    host: shell.host,
    exec: (command: string, options: ExecOptions = {}): Promise<ExecResult> =>
      shell.exec(command, { ...options, signal: options.signal === undefined ? signal : AbortSignal.any([signal, options.signal]) }),
    close: () => shell.close(),
  };
}
