import { describeError } from '../errors.js';
import type { HostSpec, Inventory } from '../inventory/types.js';
import { mapLimited } from '../map-limited.js';
import { buildConnectCheck, parseConnectCheck, type ConnectCheck } from '../observe/connect-check.js';
import { renderHostTable, type HostRow } from '../report/render-hosts.js';
import type { Connector } from '../transport/types.js';
import type { Terminal } from './context.js';

export interface InventoryOptions {
  readonly connect: boolean;
  readonly json: boolean;
}

function problemsOf(host: HostSpec, check: ConnectCheck): string[] {
  const problems: string[] = [];
  if (check.sudo === false) problems.push('sudo -n refused');
  if (check.container === false) problems.push(`container ${host.container?.name ?? ''} not running`);
  if (!check.ironicConf) problems.push(`${host.ironicConf} not readable`);
  return problems;
}

async function checkHost(connector: Connector, host: HostSpec): Promise<HostRow> {
  const started = Date.now();
  try {
    const shell = await connector.connect(host);
    try {
      const result = await shell.exec(buildConnectCheck(host));
      const check = parseConnectCheck(result.stdout);
      const problems = problemsOf(host, check);
      return { host, status: problems.length === 0 ? 'ok' : 'problem', detail: problems.join('; ') || `logged in as ${check.user ?? '?'}`, check, durationMs: Date.now() - started };
    } finally {
      shell.close();
    }
  } catch (error) {
    return { host, status: 'failed', detail: describeError(error), check: null, durationMs: Date.now() - started };
  }
}

/**
 * `console-doctor inventory`: print the resolved hosts; with --connect, log into each
 * (checking sudo, the container and ironic.conf) and print what works. Exit 3 when a
 * host cannot be used.
 */
export async function runInventory(
  inventory: Inventory,
  notes: readonly string[],
  connector: Connector,
  concurrency: number,
  terminal: Terminal,
  options: InventoryOptions,
): Promise<number> {
  for (const note of notes) terminal.err(`console-doctor: ${note}`);
  const rows: HostRow[] = options.connect
    ? await mapLimited(inventory.hosts, concurrency, (host) => checkHost(connector, host))
    : inventory.hosts.map((host) => ({ host, status: 'unchecked', detail: '', check: null, durationMs: 0 }));
  terminal.out(renderHostTable(rows, { json: options.json, style: terminal.style }));
  return rows.some((r) => r.status !== 'ok' && r.status !== 'unchecked') ? 3 : 0;
}
