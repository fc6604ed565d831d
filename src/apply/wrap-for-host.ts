import type { HostSpec } from '../inventory/types.js';
import { shellQuote } from './shell-quote.js';

/**
 * How a script runs on a host: read by `sh -s` from standard input (so it never shows in
 * `ps` and needs no quoting), under `sudo -n` when the host needs root. Kills act on host
 * PIDs, so they run on the host (`where: 'host'`); file removals act on paths as the
 * conductor sees them, so with a container they run inside it (`where: 'conductor'`).
 */
export function wrapForHost(host: HostSpec, script: string, where: 'host' | 'conductor' = 'host'): { command: string; stdin: string } {
  const sudo = host.sudo ? `sudo -n ${host.sudoUser === undefined ? '' : `-u ${shellQuote(host.sudoUser)} `}` : '';
  const container = where === 'conductor' && host.container !== undefined ? `${host.container.runtime} exec -i ${shellQuote(host.container.name)} ` : '';
  return { command: `${sudo}${container}sh -s`, stdin: script };
}
