import { describeError } from '../errors.js';
import type { HostSpec, Inventory } from '../inventory/types.js';
import { mapLimited } from '../map-limited.js';
import { buildConnectCheck, parseConnectCheck, sudoCheckPassed, sudoChecks, type ConnectCheck } from '../observe/connect-check.js';
import { renderHostTable, type HostRow } from '../report/render-hosts.js';
import type { Connector, RemoteShell } from '../transport/types.js';
import type { Terminal } from './context.js';

export interface InventoryOptions {
  readonly connect: boolean;
  readonly json: boolean;
}

interface SudoResult {
  readonly use: 'scan' | 'fix';
  readonly command: string;
  readonly ok: boolean;
  readonly stdout: string;
}

/** Runs each exact sudo command scan and fix use, with a harmless script, on the open connection. */
async function checkSudo(shell: RemoteShell, host: HostSpec, conductorUser: string | null): Promise<SudoResult[]> {
  const results: SudoResult[] = [];
  for (const { use, command } of sudoChecks(host, conductorUser)) {
    const stdout = (await shell.exec(command.command, { stdin: command.stdin }).catch(() => null))?.stdout ?? '';
    results.push({ use, command: command.command, ok: sudoCheckPassed(stdout), stdout });
  }
  return results;
}

function problemsOf(host: HostSpec, check: ConnectCheck, sudo: readonly SudoResult[]): string[] {
  const problems: string[] = [];
  for (const s of sudo.filter((r) => !r.ok)) problems.push(`${s.use}: ${s.command} refused`);
  const scanWorks = sudo.find((s) => s.use === 'scan')?.ok ?? true;
  if (scanWorks && check.container === false) problems.push(`container ${host.container?.name ?? ''} not running`);
  if (scanWorks && !check.ironicConf) problems.push(`${host.ironicConf} not readable`);
  return problems;
}

async function checkHost(connector: Connector, host: HostSpec): Promise<HostRow> {
  const started = Date.now();
  try {
    const shell = await connector.connect(host);
    try {
      const login = await shell.exec(buildConnectCheck(host));
      const sudo = await checkSudo(shell, host, parseConnectCheck(login.stdout).conductorUser);
      const scan = sudo.find((s) => s.use === 'scan');
      const scanSaid = scan === undefined ? '' : `\nsudo=${scan.ok ? 'yes' : 'no'}\n${scan.ok ? scan.stdout : ''}`;
      const check = parseConnectCheck(`${login.stdout}${scanSaid}`);
      const problems = problemsOf(host, check, sudo);
      const works = sudo.map((s) => `; ${s.use}: ${s.command} ok`).join('');
      const detail = problems.join('; ') || `logged in as ${check.user ?? '?'}${works}`;
      return { host, status: problems.length === 0 ? 'ok' : 'problem', detail, check, durationMs: Date.now() - started };
    } finally {
      shell.close();
    }
  } catch (error) {
    return { host, status: 'failed', detail: describeError(error), check: null, durationMs: Date.now() - started };
  }
}

/**
 * `console-doctor inventory`: print the resolved hosts; with --connect, log into each
 * (checking the exact sudo commands scan and fix run, the container and ironic.conf) and
 * print what works. Exit 3 when a host cannot be used.
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
