import type { HostSpec } from '../inventory/types.js';
import type { ConnectCheck } from '../observe/connect-check.js';
import type { Style } from './style.js';
import { padCells } from './pad-cells.js';

export interface HostRow {
  readonly host: HostSpec;
  readonly status: 'unchecked' | 'ok' | 'problem' | 'failed';
  readonly detail: string;
  readonly check: ConnectCheck | null;
  readonly durationMs: number;
}

function target(host: HostSpec): string {
  if (host.connection === 'local') return 'local';
  const user = host.user ? `${host.user}@` : '';
  const port = host.port === 22 ? '' : `:${host.port}`;
  const jump = host.jumpHosts.length ? ` via ${host.jumpHosts.map((j) => `${j.user ? `${j.user}@` : ''}${j.address}${j.port === 22 ? '' : `:${j.port}`}`).join(',')}` : '';
  return `${user}${host.address}${port}${jump}`;
}

function extras(host: HostSpec): string {
  const parts: string[] = [];
  if (host.sudo) parts.push(host.sudoUser ? `sudo(${host.sudoUser})` : 'sudo');
  if (host.container) parts.push(`${host.container.runtime}:${host.container.name}`);
  if (host.conductorName) parts.push(`conductor=${host.conductorName}`);
  return parts.join(' ') || '-';
}

function table(rows: readonly (readonly string[])[]): string {
  return padCells(rows).map((cells) => cells.join('  ').trimEnd()).join('\n');
}

/** The resolved hosts, and with --connect what works on each, as a table or JSON. */
export function renderHostTable(rows: readonly HostRow[], options: { json: boolean; style: Style }): string {
  if (options.json) {
    const hosts = rows.map((r) => ({
      name: r.host.name,
      connection: r.host.connection,
      address: r.host.address,
      port: r.host.port,
      user: r.host.user ?? null,
      identity_files: r.host.identityFiles,
      jump_hosts: r.host.jumpHosts,
      sudo: r.host.sudo,
      sudo_user: r.host.sudoUser ?? null,
      container: r.host.container ?? null,
      conductor_name: r.host.conductorName ?? null,
      ironic_conf: r.host.ironicConf,
      settings: r.host.settings,
      status: r.status,
      detail: r.detail || null,
      duration_ms: r.status === 'unchecked' ? null : r.durationMs,
    }));
    return `${JSON.stringify({ schema: 'console-doctor/inventory@1', hosts }, null, 2)}\n`;
  }
  const checked = rows.some((r) => r.status !== 'unchecked');
  const header = checked ? ['HOST', 'TARGET', 'OPTIONS', 'STATUS', 'DETAIL'] : ['HOST', 'TARGET', 'OPTIONS', 'IRONIC.CONF'];
  const body = rows.map((r) =>
    checked ? [r.host.name, target(r.host), extras(r.host), r.status, r.detail] : [r.host.name, target(r.host), extras(r.host), r.host.ironicConf],
  );
  const text = table([header, ...body]);
  const [head, ...rest] = text.split('\n');
  const styled = rest.map((line, i) => {
    const status = rows[i]!.status;
    return status === 'failed' ? options.style.critical(line) : status === 'problem' ? options.style.warning(line) : line;
  });
  const bad = rows.filter((r) => r.status === 'failed' || r.status === 'problem').length;
  const summary = checked ? `\n${rows.length - bad} of ${rows.length} hosts ready` : `\n${rows.length} hosts`;
  return `${options.style.bold(head ?? '')}\n${styled.join('\n')}${summary}\n`;
}
