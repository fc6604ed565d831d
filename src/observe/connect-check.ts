import type { HostSpec } from '../inventory/types.js';
import { shellQuote as quote, wrapForHost, type HostCommand } from '../transport/host-command.js';

/** What `inventory --connect` learned about one host. */
export interface ConnectCheck {
  readonly user: string | null;
  /** The owner of the host's ironic-conductor process, when one runs there (else null). */
  readonly conductorUser: string | null;
  /** Whether `sudo -n sh -s` (scan's command) works; null when the inventory does not ask for sudo. */
  readonly sudo: boolean | null;
  /** null when the host has no container. */
  readonly container: boolean | null;
  readonly ironicConf: boolean;
  readonly ss: boolean;
}

/** Lines that need the scan's privileges: run by the login itself, or inside `sudo -n sh -s`. */
function privilegedLines(host: HostSpec): string[] {
  const exec = host.container ? `${host.container.runtime} exec ${quote(host.container.name)} ` : '';
  return [
    host.container
      ? `if [ "$(${host.container.runtime} inspect -f '{{.State.Running}}' ${quote(host.container.name)} 2>/dev/null)" = true ]; then echo container=yes; else echo container=no; fi`
      : 'echo container=-',
    `if ${exec}test -r ${quote(host.ironicConf)} 2>/dev/null; then echo conf=yes; else echo conf=no; fi`,
  ];
}

/**
 * The first command `inventory --connect` runs on a host, as the login user: who we are,
 * whose the conductor process is, whether ss exists; without sudo also whether the
 * container runs and ironic.conf is readable (with sudo, those run in the scan's own
 * `sudo -n sh -s`, see sudoChecks, so a sudoers file that allows only that passes).
 */
export function buildConnectCheck(host: HostSpec): string {
  const lines = [
    'echo "user=$(id -un)"',
    'if command -v ss >/dev/null 2>&1; then echo ss=yes; else echo ss=no; fi',
    // comm is the first 15 characters of the program's name: "ironic-conducto".
    `u=''; for d in /proc/[0-9]*; do c=''; { read -r c < $d/comm; } 2>/dev/null; case $c in ironic-conduct*) u=$(stat -c %U $d 2>/dev/null); break;; esac; done; echo "conductor_user=$u"`,
    ...(host.sudo ? [] : ['echo sudo=-', ...privilegedLines(host)]),
  ];
  return lines.join('\n');
}

/** Where no conductor process shows whose user it is, fix is checked as this user. */
export const DEFAULT_CONDUCTOR_USER = 'ironic';

/** One exact command console-doctor runs, checked with a harmless script that first prints `ok`. */
export interface SudoCheck {
  readonly use: 'scan' | 'fix';
  readonly command: HostCommand;
}

/**
 * The exact commands scan and fix run on a sudo host: scan reads every process and socket
 * as root (`sudo -n sh -s`; here it also checks the container and ironic.conf); fix kills
 * as the console's user (`sudo -n -u <user> sh -s`), except in a container, where the pid
 * file step needs root's `docker exec`.
 */
export function sudoChecks(host: HostSpec, conductorUser: string | null): SudoCheck[] {
  if (!host.sudo) return [];
  const user = conductorUser === null ? DEFAULT_CONDUCTOR_USER : /^\d+$/.test(conductorUser) ? `#${conductorUser}` : conductorUser;
  const fixAs = host.container === undefined ? user : undefined;
  return [
    { use: 'scan', command: wrapForHost(host, ['echo ok', ...privilegedLines(host), ''].join('\n')) },
    { use: 'fix', command: wrapForHost(host, 'echo ok\n', 'host', fixAs) },
  ];
}

/** Whether a sudo check's script ran (its first line is `ok`). */
export function sudoCheckPassed(stdout: string): boolean {
  return stdout.split('\n')[0]?.trim() === 'ok';
}

function flag(value: string | undefined): boolean | null {
  if (value === 'yes') return true;
  if (value === 'no') return false;
  return null;
}

/** Reads the connect check's `key=value` lines (and the scan check's, appended). */
export function parseConnectCheck(stdout: string): ConnectCheck {
  const values = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  return {
    user: values.get('user') || null,
    conductorUser: values.get('conductor_user') || null,
    sudo: flag(values.get('sudo')),
    container: flag(values.get('container')),
    ironicConf: values.get('conf') === 'yes',
    ss: values.get('ss') === 'yes',
  };
}
