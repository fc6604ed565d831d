import { spawn } from 'node:child_process';
import type { HostSpec } from '../inventory/types.js';
import { cancelled } from './cancelled.js';
import type { ExecOptions, ExecResult, RemoteShell } from './types.js';

/**
 * A shell on this machine, for `connection: local` hosts (console-doctor running on a
 * conductor itself) and for tests. Same contract as the SSH shell: `sh -c COMMAND`.
 */
export class LocalShell implements RemoteShell {
  readonly host: HostSpec;
  private readonly commandTimeoutMs: number;

  constructor(host: HostSpec, commandTimeoutMs = 30_000) {
    this.host = host;
    this.commandTimeoutMs = commandTimeoutMs;
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const timeoutMs = options.timeoutMs ?? this.commandTimeoutMs;
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(cancelled(this.host.name, signal));
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let ended: 'timeout' | 'cancelled' | undefined;
      // The shell leads its own process group: end the group it started, by its pid.
      const endGroup = (why: 'timeout' | 'cancelled'): void => {
        ended ??= why;
        if (child.pid === undefined) return;
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      };
      const timer = setTimeout(() => endGroup('timeout'), timeoutMs);
      const onAbort = (): void => endGroup('cancelled');
      signal?.addEventListener('abort', onAbort, { once: true });
      const onStdout = options.onStdout;
      child.stdout.on('data', (chunk: Buffer) => (onStdout === undefined ? out.push(chunk) : onStdout(chunk)));
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('close', (code, exitSignal) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (ended === 'cancelled' && signal !== undefined) return reject(cancelled(this.host.name, signal));
        if (ended === 'timeout') {
          reject(new Error(`${this.host.name}: command timed out after ${timeoutMs} ms`));
          return;
        }
        resolve({
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          code,
          signal: exitSignal ?? undefined,
        });
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.stdin ?? '');
    });
  }

  close(): void {
    /* nothing held open */
  }
}
