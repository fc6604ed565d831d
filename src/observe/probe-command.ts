import type { HostSpec } from '../inventory/types.js';
import { buildProbeScript, type ProbeScriptOptions } from './probe-script.js';
import { wrapForHost, type HostCommand } from '../transport/host-command.js';

/** Used when the caller gives no nonce (tests); observeHost always passes a fresh one. */
export const DEFAULT_PROBE_NONCE = 'probe0';

export type ProbeCommand = HostCommand;

/**
 * The one exec of a scan (pure): `sh -s` reading the probe on stdin, under `sudo -n`
 * (as `sudoUser` when set) when the host asks for it. `-n` makes sudo fail at once
 * instead of waiting for a password nobody will type.
 */
export function buildProbeCommand(host: HostSpec, options: Partial<ProbeScriptOptions> = {}): ProbeCommand {
  return wrapForHost(
    host,
    buildProbeScript(host, { nonce: options.nonce ?? DEFAULT_PROBE_NONCE, sockets: options.sockets ?? 'auto' }),
  );
}
