import { hostname, homedir, userInfo } from 'node:os';
import type { Command } from 'commander';
import { checkHostFilters } from '../compare/resolve-filters.js';
import { ConfigError } from '../errors.js';
import { resolveCloudConfig } from '../desire/cloud-config.js';
import { createIronicClient } from '../desire/ironic-client.js';
import { loadInventory } from '../inventory/load-inventory.js';
import type { Inventory } from '../inventory/types.js';
import { acquireFixLock } from '../record/fix-lock.js';
import { defaultAuditPath } from '../record/default-audit-path.js';
import { loadAuditStore } from '../record/load-audit-store.js';
import { redactArgv } from '../redact-secrets.js';
import { createConnector } from '../transport/create-connector.js';
import type { Connector } from '../transport/types.js';
import { createChalkStyle } from '../ui/chalk-style.js';
import { decideColor, publishColorDecision } from '../ui/color.js';
import { confirmOnTerminal, promptSecret } from '../ui/confirm.js';
import type { CommandContext, Terminal } from '../use-cases/context.js';
import type { FleetCliOptions } from './options.js';
import { VERSION } from './version.js';

/** Colour decided once (flag, NO_COLOR, FORCE_COLOR, TTY) and published to every library. */
export function buildTerminal(cmd: Command): Terminal {
  const globals = cmd.optsWithGlobals() as { color?: boolean };
  const flag = globals.color === true ? 'always' : globals.color === false ? 'never' : 'auto';
  const color = decideColor({ flag, env: process.env, isTTY: process.stdout.isTTY === true });
  publishColorDecision(color, process.env);
  return {
    out: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    err: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
    interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
    style: createChalkStyle(color),
    confirm: confirmOnTerminal,
  };
}

type SshCliOptions = Pick<FleetCliOptions, 'inventory' | 'group' | 'concurrency' | 'knownHosts' | 'knownHostsFile' | 'connectTimeout' | 'commandTimeout'>;

/** The inventory with command-line SSH options laid over its `ssh:` settings. */
export async function loadHosts(o: SshCliOptions): Promise<{ inventory: Inventory; notes: string[] }> {
  const { inventory, notes } = await loadInventory(o.inventory, { group: o.group });
  const ssh = {
    ...inventory.ssh,
    ...(o.knownHosts && { knownHosts: o.knownHosts }),
    ...(o.knownHostsFile && { knownHostsFiles: [...o.knownHostsFile, ...inventory.ssh.knownHostsFiles] }),
    ...(o.connectTimeout !== undefined && { connectTimeoutMs: o.connectTimeout }),
    ...(o.commandTimeout !== undefined && { commandTimeoutMs: o.commandTimeout }),
    ...(o.concurrency !== undefined && { concurrency: o.concurrency }),
  };
  return { inventory: { ...inventory, ssh }, notes };
}

/** SSH key passphrase: CONSOLE_DOCTOR_SSH_PASSPHRASE, else a prompt on a terminal, else none. */
export function buildConnectorFor(inventory: Inventory, terminal: Terminal): Connector {
  let asked: Promise<string | undefined> | undefined;
  return createConnector({
    ...inventory.ssh,
    passphrase: () => {
      const fromEnv = process.env.CONSOLE_DOCTOR_SSH_PASSPHRASE;
      if (fromEnv !== undefined) return Promise.resolve(fromEnv);
      if (!terminal.interactive) return Promise.resolve(undefined);
      asked ??= promptSecret('SSH key passphrase: ');
      return asked;
    },
  });
}

function auditPath(o: Pick<FleetCliOptions, 'auditDb'>): string {
  return o.auditDb ?? defaultAuditPath(process.env);
}

/** Everything scan and fix need, built from the command line and the environment. */
export async function buildContext(o: FleetCliOptions, cmd: Command): Promise<CommandContext> {
  const terminal = buildTerminal(cmd);
  const { inventory, notes } = await loadHosts(o);
  const hostProblems = checkHostFilters(o.host ?? [], inventory.hosts.map((h) => h.name));
  if (hostProblems.length > 0) throw new ConfigError(hostProblems);
  for (const note of notes) if (!o.quiet) terminal.err(`console-doctor: ${note}`);
  const cloud = await resolveCloudConfig({
    cloud: o.osCloud,
    env: process.env,
    cwd: process.cwd(),
    home: homedir(),
    inventoryIronic: inventory.ironic as Record<string, unknown> | undefined,
    endpointOverride: o.endpoint,
  });
  const ironic = createIronicClient(cloud, { timeoutMs: o.apiTimeout });
  // Loaded only when used: better-sqlite3 is a native module, and --no-audit runs need none.
  const audit = o.audit ? await loadAuditStore(auditPath(o)) : null;
  return {
    inventory,
    connector: buildConnectorFor(inventory, terminal),
    ironic,
    audit,
    terminal,
    version: VERSION,
    // Our own -y is --yes, not ipmitool's KG key: spelled out so the redactor keeps what follows.
    argv: redactArgv(process.argv.slice(2).map((arg) => (arg === '-y' ? '--yes' : arg))),
    clientHost: hostname(),
    user: userInfo().username,
    concurrency: inventory.ssh.concurrency,
  };
}

/** Only one fix at a time per audit database; the lock lives beside it. */
export async function withFixLock<T>(o: Pick<FleetCliOptions, 'auditDb'>, work: () => Promise<T>): Promise<T> {
  const lock = acquireFixLock(auditPath(o));
  try {
    return await work();
  } finally {
    lock.release();
  }
}
