import type { HostSpec } from '../inventory/types.js';
import { buildProbeScript, type ProbeScriptOptions } from './probe-script.js';
import { shellQuote } from './shell-quote.js';

/** Used when the caller gives no nonce (tests); observeHost always passes a fresh one. */
export const DEFAULT_PROBE_NONCE = 'probe0';

/** A command to run once on a host, with the script it reads on stdin. */
export interface ProbeCommand {
  readonly command: string;
  readonly stdin: string;
}

/**
 * The one exec of a scan (pure): `sh -s` reading the probe on stdin, under `sudo -n`
 * (as `sudoUser` when set) when the host asks for it. `-n` makes sudo fail at once
 * instead of waiting for a password nobody will type.
 */
export function buildProbeCommand(host: HostSpec, options: Partial<ProbeScriptOptions> = {}): ProbeCommand {
  const sudo = host.sudo ? `sudo -n ${host.sudoUser !== undefined ? `-u ${shellQuote(host.sudoUser)} ` : ''}` : '';
  return {
    command: `${sudo}sh -s`,
    stdin: buildProbeScript(host, { nonce: options.nonce ?? DEFAULT_PROBE_NONCE, sockets: options.sockets ?? 'auto' }),
  };
}
