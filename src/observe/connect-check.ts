import type { HostSpec } from '../inventory/types.js';
import { shellQuote as quote, sudoPrefix } from '../transport/host-command.js';

/** What `inventory --connect` learned about one host. */
export interface ConnectCheck {
  readonly user: string | null;
  /** null when the inventory does not ask for sudo. */
  readonly sudo: boolean | null;
  /** null when the host has no container. */
  readonly container: boolean | null;
  readonly ironicConf: boolean;
  readonly ss: boolean;
}


/**
 * The one command `inventory --connect` runs on a host: who we are, whether `sudo -n`
 * works, whether the conductor's container runs, whether ironic.conf is readable.
 */
export function buildConnectCheck(host: HostSpec): string {
  const sudo = sudoPrefix(host);
  const lines = [
    'echo "user=$(id -un)"',
    host.sudo ? `if ${sudo}true 2>/dev/null; then echo sudo=yes; else echo sudo=no; fi` : 'echo sudo=-',
    host.container
      ? `if [ "$(${sudo}${host.container.runtime} inspect -f '{{.State.Running}}' ${quote(host.container.name)} 2>/dev/null)" = true ]; then echo container=yes; else echo container=no; fi`
      : 'echo container=-',
    `if ${sudo}${host.container ? `${host.container.runtime} exec ${quote(host.container.name)} ` : ''}test -r ${quote(host.ironicConf)} 2>/dev/null; then echo conf=yes; else echo conf=no; fi`,
    'if command -v ss >/dev/null 2>&1; then echo ss=yes; else echo ss=no; fi',
  ];
  return lines.join('\n');
}

function flag(value: string | undefined): boolean | null {
  if (value === 'yes') return true;
  if (value === 'no') return false;
  return null;
}

export function parseConnectCheck(stdout: string): ConnectCheck {
  const values = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  return {
    user: values.get('user') || null,
    sudo: flag(values.get('sudo')),
    container: flag(values.get('container')),
    ironicConf: values.get('conf') === 'yes',
    ss: values.get('ss') === 'yes',
  };
}
