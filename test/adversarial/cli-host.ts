/**
 * One conductor "host" for the adversarial suite: a real sshd in its own PID namespace,
 * real socat consoles started through it the way Ironic starts them (with their `.pw`
 * files), and the built binary run against it and a fake Ironic.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, runOnSshd, startSshd, type SshdHandle } from '../helpers/sshd.js';
import { runTool, type ToolResult } from '../helpers/run-tool.js';



export interface CliHost {
  readonly dir: string;
  readonly sshd: SshdHandle;
  /** Writes an inventory naming this machine once per name, each with ironic.conf `host = conductorHost`. */
  inventory(names: readonly string[]): string;
  /** Runs the binary with `OS_ENDPOINT=ironicUrl` and this host's known_hosts. */
  run(args: readonly string[], ironicUrl: string, inventoryPath?: string): Promise<ToolResult>;
  /** Starts a socat console for the node and its `.pw` file; returns the listener's pid. */
  startSocat(uuid: string): Promise<{ pid: number; port: number }>;
  alive(pid: number): boolean;
  exists(path: string): boolean;
  pwFile(uuid: string): string;
  /** Ends every console this host started (by pid) and removes their files: tests stay independent. */
  stopConsoles(): void;
  stop(): Promise<void>;
}

export async function startCliHost(conductorHost: string): Promise<CliHost> {
  const dir = mkdtempSync(join(tmpdir(), 'cd-adv-'));
  mkdirSync(join(dir, 'tmp'));
  mkdirSync(join(dir, 'home'));
  const sshd = await startSshd({ pidNamespace: true });
  writeFileSync(join(dir, 'known_hosts'), `${sshd.knownHostsLine}\n`);
  writeFileSync(join(dir, 'ironic.conf'), `[DEFAULT]\nhost = ${conductorHost}\n`);

  const onHost = (command: string): string => runOnSshd(sshd, join(dir, 'known_hosts'), command, 30_000);

  const inventory = (names: readonly string[]): string => {
    const path = join(dir, `inventory-${names.join('-')}.yaml`);
    const lines = ['hosts:'];
    for (const name of names) {
      lines.push(
        `  ${name}:`,
        `    address: ${sshd.address}`,
        `    port: ${sshd.port}`,
        `    user: ${sshd.user}`,
        `    identity_file: ${sshd.clientKeyPath}`,
        `    ironic_conf: ${join(dir, 'ironic.conf')}`,
        `    tempdir: ${join(dir, 'tmp')}`,
      );
    }
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };
  const defaultInventory = inventory([conductorHost]);

  const run = (args: readonly string[], ironicUrl: string, inventoryPath = defaultInventory): Promise<ToolResult> =>
    runTool([...args, '-i', inventoryPath, '--known-hosts-file', join(dir, 'known_hosts')], {
      HOME: join(dir, 'home'),
      OS_AUTH_TYPE: 'none',
      OS_ENDPOINT: ironicUrl,
      CONSOLE_DOCTOR_AUDIT_DB: join(dir, 'audit.db'),
      NO_COLOR: '1',
    });

  const pwFile = (uuid: string): string => join(dir, 'tmp', `${uuid}.pw`);
  const started: number[] = [];

  const startSocat = async (uuid: string): Promise<{ pid: number; port: number }> => {
    const port = await freePort();
    const pidFile = join(dir, 'tmp', `${uuid}.pid`);
    writeFileSync(pwFile(uuid), 'not-a-real-password\n', { mode: 0o600 });
    const cmd = `ipmitool -I lanplus -H 127.0.0.1 -L ADMINISTRATOR -U admin -f ${pwFile(uuid)} sol activate`;
    onHost(
      `setsid socat -T600 -L${pidFile} TCP4-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork,max-children=1 'EXEC:"${cmd}",pty,stderr' </dev/null >/dev/null 2>&1 & ` +
        `for i in $(seq 50); do [ -s ${pidFile} ] && break; sleep 0.1; done; cat ${pidFile}`,
    );
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    started.push(pid);
    return { pid, port };
  };

  return {
    dir,
    sshd,
    inventory,
    run,
    startSocat,
    alive: (pid) => onHost(`[ -d /proc/${pid} ] && echo yes || echo no`).trim() === 'yes',
    exists: (path) => spawnSync('test', ['-e', path]).status === 0,
    pwFile,
    stopConsoles: () => {
      const pids = started.splice(0);
      if (pids.length > 0) onHost(`kill ${pids.join(' ')} 2>/dev/null; true`);
      rmSync(join(dir, 'tmp'), { recursive: true, force: true });
      mkdirSync(join(dir, 'tmp'));
    },
    stop: async () => {
      await sshd.stop(); // ends the PID namespace and every console started inside it
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A node as Ironic 21.4 answers it in `GET /v1/nodes?detail=True`. */
export { ironicNode } from '../helpers/fake-ironic.js';

/** The node without the fields a proxy or an older API dropped. */
export function without(node: Record<string, unknown>, ...fields: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(node).filter(([key]) => !fields.includes(key)));
}
