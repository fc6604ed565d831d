/**
 * What to do with the host key a server offers, given known_hosts and the mode the operator
 * chose. Pure: the connector reads the files, asks here, then appends or refuses.
 */
import type { SshDefaults } from '../inventory/types.js';
import { describeKey, formatKnownHostsLine, lookupHostKey, type KnownHostsEntry } from './known-hosts.js';

export type KnownHostsMode = SshDefaults['knownHosts'];

export type HostKeyDecision =
  | { readonly verdict: 'accept' }
  /** accept-new met an unknown host: accept it and append `line` to the user's known_hosts. */
  | { readonly verdict: 'record'; readonly line: string }
  /** `reason` is one line without the host's name; the caller puts it in front. */
  | { readonly verdict: 'refuse'; readonly reason: string };

/**
 * OpenSSH's StrictHostKeyChecking: `strict` (yes) refuses unknown keys, `accept-new` records
 * them, `off` checks nothing. A changed or revoked key is refused in both checking modes.
 */
export function decideHostKey(
  mode: KnownHostsMode,
  entries: readonly KnownHostsEntry[],
  name: string,
  offered: Buffer,
): HostKeyDecision {
  if (mode === 'off') return { verdict: 'accept' };
  const lookup = lookupHostKey(entries, name, offered);
  switch (lookup.status) {
    case 'known':
      return { verdict: 'accept' };
    case 'revoked':
      return {
        verdict: 'refuse',
        reason: `host key for ${name} (${describeKey(offered)}) is revoked at ${lookup.entry.file}:${lookup.entry.line}`,
      };
    case 'changed': {
      const where = lookup.known.map((entry) => `${entry.file}:${entry.line}`).join(', ');
      return {
        verdict: 'refuse',
        reason:
          `host key for ${name} has CHANGED: offered ${describeKey(offered)} does not match the known key at ${where}; ` +
          `if the host was reinstalled, remove the old key (ssh-keygen -R '${name}')`,
      };
    }
    case 'unknown':
      if (mode === 'accept-new') return { verdict: 'record', line: formatKnownHostsLine(name, offered) };
      return {
        verdict: 'refuse',
        reason: `host key for ${name} is not known (${describeKey(offered)}); add it to known_hosts or use --known-hosts accept-new`,
      };
  }
}
