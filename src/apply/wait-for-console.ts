/**
 * After an API restart: waits until the host shows a console daemon for the node (a
 * process whose argv names `<uuid>.pid`) and a socket listening on the expected port.
 * A small read-only probe of its own, so `confirmRestart` needs nothing from observe.
 */
import type { RemoteShell } from '../transport/types.js';
import { shellQuote } from '../transport/host-command.js';
import { wrapForHost } from '../transport/host-command.js';
import { sleepUnless } from '../abortable-sleep.js';

export function buildConsoleProbe(nodeUuid: string, port: number | null): string {
  const hex = port === null ? '' : port.toString(16).toUpperCase().padStart(4, '0');
  const listen =
    port === null
      ? 'true'
      : `grep -Eq '^ *[0-9]+: [0-9A-F]+:${hex} [0-9A-F]+:[0-9A-F]+ 0A ' /proc/net/tcp /proc/net/tcp6 2>/dev/null`;
  return [
    // `[.]` keeps grep's own argv from matching itself.
    `if grep -lE -- ${shellQuote(`${nodeUuid.replace(/[^0-9A-Za-z-]/g, '')}[.]pid`)} /proc/[0-9]*/cmdline >/dev/null 2>&1 && ${listen}; then echo UP; else echo DOWN; fi`,
    '',
  ].join('\n');
}

export async function waitForConsole(
  shell: RemoteShell,
  nodeUuid: string,
  port: number | null,
  timeoutMs: number,
  pollMs = 1_000,
  signal?: AbortSignal,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const { command, stdin } = wrapForHost(shell.host, buildConsoleProbe(nodeUuid, port));
  for (;;) {
    if (signal?.aborted === true) return false;
    const exec = { stdin, timeoutMs: Math.max(1_000, deadline - Date.now()), ...(signal !== undefined ? { signal } : {}) };
    const result = await shell.exec(command, exec).catch(() => null);
    if (result?.stdout.trim() === 'UP') return true;
    if (Date.now() + pollMs > deadline) return false;
    await sleepUnless(pollMs, signal);
  }
}
