import type { HostSpec } from '../inventory/types.js';

/** A command to run once on a host, with the script it reads on standard input. */
export interface HostCommand {
  readonly command: string;
  readonly stdin: string;
}

/** POSIX sh single-quoting: the value reaches the command as one literal word. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * `sudo -n [-u USER] ` when the host needs it; `-n` fails at once instead of waiting for a
 * password. `asUser` (not root) runs the command as that user instead of `sudoUser`.
 */
export function sudoPrefix(host: HostSpec, asUser?: string): string {
  if (!host.sudo) return '';
  const user = asUser !== undefined && asUser !== 'root' ? asUser : host.sudoUser;
  return `sudo -n ${user === undefined ? '' : `-u ${shellQuote(user)} `}`;
}

/**
 * How every script of console-doctor runs on a host: read by `sh -s` from standard input
 * (so it never shows in `ps` and needs no quoting), under `sudo -n` when the host needs
 * root. Processes are seen and killed by host PID, so scripts run on the host
 * (`where: 'host'`); file removals act on paths as the conductor sees them, so with a
 * container they run inside it (`where: 'conductor'`).
 *
 * Least privilege: a change to a console runs as the user that owns it (`asUser`, the
 * conductor's user): with sudo that is `sudo -n -u <asUser> sh -s`, the exact command the
 * README's sudoers lines allow. Root (`asUser` 'root' or none) keeps the host's own prefix.
 */
export function wrapForHost(host: HostSpec, script: string, where: 'host' | 'conductor' = 'host', asUser?: string): HostCommand {
  const container =
    where === 'conductor' && host.container !== undefined
      ? `${host.container.runtime} exec -i ${shellQuote(host.container.name)} `
      : '';
  return { command: `${sudoPrefix(host, asUser)}${container}sh -s`, stdin: script };
}
