/**
 * A "conductor host" of its own for adversarial tests: a real sshd in its own PID namespace,
 * so a scan through it sees only the processes started through it (never another test's
 * daemons), and consoles started on it exactly as Ironic starts them.
 *
 *   const lab = await startNamespacedHost();
 *   const c = await lab.startConsole(socatConsoleArgv({...}));   // pid as seen on the host
 *   lab.host({ sudo: false })                                     // a HostSpec that reaches it
 *   await lab.stop();                                             // ends the namespace
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SSH, type HostSpec } from '../../src/inventory/types.js';
import { createConnector } from '../../src/transport/create-connector.js';
import { shellQuote } from '../../src/transport/host-command.js';
import type { Connector, RemoteShell } from '../../src/transport/types.js';
import { buildHostSpec } from './builders.js';
import { makeTempDir } from './console-daemons.js';
import { startSshd, type SshdHandle } from './sshd.js';

export interface NamespacedHost {
  readonly sshd: SshdHandle;
  /** A scratch directory, mode 0777 so consoles of any user can write pid files in it. */
  readonly dir: string;
  readonly knownHosts: string;
  readonly connector: Connector;
  host(overrides?: Partial<HostSpec>): HostSpec;
  /** Runs a script on the host as root; resolves its stdout, rejects on a non-zero exit. */
  run(script: string): Promise<string>;
  /** Starts a console (detached; shellinaboxd daemonises itself) and resolves the pid its pid file holds. */
  startConsole(console: { argv: readonly string[]; pidFile: string }): Promise<number>;
  alive(pid: number): Promise<boolean>;
  stop(): Promise<void>;
}

export async function startNamespacedHost(): Promise<NamespacedHost> {
  const dir = makeTempDir('cd-nshost-');
  // This machine's root ~/.bashrc runs `pyenv rehash`, which serialises on a lock: with many
  // parallel logins each waits for seconds. A conductor host has no such hook; hide it.
  const emptyRc = join(dir, 'empty-bashrc');
  writeFileSync(emptyRc, '');
  const bindMounts = existsSync('/root/.bashrc') ? [[emptyRc, '/root/.bashrc'] as const] : [];
  const sshd = await startSshd({ pidNamespace: true, bindMounts });
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `${sshd.knownHostsLine}\n`);
  const connector = createConnector({ ...DEFAULT_SSH, knownHostsFiles: [knownHosts], userKnownHostsFile: join(dir, 'never-written'), agent: '', connectTimeoutMs: 5_000 });
  const host = (overrides: Partial<HostSpec> = {}): HostSpec =>
    buildHostSpec({
      name: 'conductor-x',
      address: sshd.address,
      port: sshd.port,
      user: sshd.user,
      identityFiles: [sshd.clientKeyPath],
      sudo: false,
      ironicConf: join(dir, 'ironic.conf'),
      settings: { tempdir: dir, terminalPidDir: dir },
      ...overrides,
    });
  let rootShell: RemoteShell | undefined;
  const run = async (script: string): Promise<string> => {
    rootShell ??= await connector.connect(host());
    const result = await rootShell.exec('sh -s', { stdin: script, timeoutMs: 60_000 });
    if (result.code !== 0) throw new Error(`on host: ${script.slice(0, 120)}: exit ${result.code}: ${result.stderr}`);
    return result.stdout;
  };
  await run(`chmod 0777 ${shellQuote(dir)}; printf '[DEFAULT]\\nhost = conductor-x\\n' > ${shellQuote(join(dir, 'ironic.conf'))}; chmod 0644 ${shellQuote(join(dir, 'ironic.conf'))}`);
  return {
    sshd,
    dir,
    knownHosts,
    connector,
    host,
    run,
    startConsole: async ({ argv, pidFile }) => {
      const quoted = argv.map(shellQuote).join(' ');
      const pf = shellQuote(pidFile);
      const out = await run(
        `rm -f ${pf}; setsid ${quoted} </dev/null >/dev/null 2>&1 &\n` +
          `i=0; while [ $i -lt 100 ] && ! [ -s ${pf} ]; do sleep 0.05; i=$((i+1)); done; sleep 0.2; cat ${pf}`,
      );
      const pid = Number(out.trim());
      if (!(pid > 1)) throw new Error(`console did not start: ${argv.join(' ')}`);
      return pid;
    },
    alive: async (pid) => (await run(`if [ -d /proc/${pid} ] && ! grep -q '^State:.*Z' /proc/${pid}/status; then echo yes; else echo no; fi`)).trim() === 'yes',
    stop: async () => {
      rootShell?.close();
      await sshd.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
