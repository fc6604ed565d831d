import type { HostSpec } from '../inventory/types.js';
import { shellQuote } from './shell-quote.js';

/**
 * How a script runs on a host: read by `sh -s` from standard input (so it never shows in
 * `ps` and needs no quoting), under `sudo -n` when the host needs root. Kills act on
 * host PIDs, so the script runs on the host even when the conductor is in a container.
 */
export function wrapForHost(host: HostSpec, script: string): { command: string; stdin: string } {
  if (!host.sudo) return { command: 'sh -s', stdin: script };
  const as = host.sudoUser === undefined ? '' : ` -u ${shellQuote(host.sudoUser)}`;
  return { command: `sudo -n${as} sh -s`, stdin: script };
}
