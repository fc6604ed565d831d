/**
 * Runs an installed console-doctor the way a user on a bastion does: by name, with PATH
 * holding only that install's bin/, the directory of `node` and the system's /usr/bin:/bin
 * (never this checkout's node_modules/.bin), against a real sshd in its own PID namespace
 * with real socat consoles and a fake Ironic. Shared by the npm-package and bundle tests.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { startFakeIronic, type FakeServer } from '../helpers/fake-ironic.js';
import { freePort, runOnSshd, startSshd, type SshdHandle } from '../helpers/sshd.js';

export const REPO = new URL('../..', import.meta.url).pathname;
export const PACKAGE_VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
export const ARTIFACTS = join(REPO, 'artifacts');
export const NPM_TARBALL = join(ARTIFACTS, `console-doctor-${PACKAGE_VERSION}.tgz`);
export const BUNDLE = join(ARTIFACTS, `console-doctor-${PACKAGE_VERSION}-${process.platform}-${process.arch}.tar.gz`);

/** Both artefacts from `npm run bundle` (npm run test:install builds them first). */
export function ensureArtifacts(): void {
  if (existsSync(NPM_TARBALL) && existsSync(BUNDLE)) return;
  const result = spawnSync('bash', [join(REPO, 'scripts/bundle.sh')], { cwd: REPO, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm run bundle failed: ${result.stderr}`);
}

export interface ToolResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** PATH for a user who has this install and node, and nothing of this checkout. */
export function userPath(binDir: string, nodeDir = dirname(process.execPath)): string {
  return [binDir, nodeDir, '/usr/bin', '/bin'].join(':');
}

/** Runs `command` found on `path`, as a shell would, with only the given environment. */
export function runOnPath(command: string, args: readonly string[], path: string, env: Record<string, string> = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { PATH: path, HOME: tmpdir(), NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A conductor host with one right console and one stray copy, and Ironic saying so. */
export interface Fleet {
  readonly dir: string;
  /** Environment for the CLI: Ironic endpoint, audit database, HOME. */
  readonly env: Record<string, string>;
  /** -i inventory --known-hosts-file known_hosts */
  readonly args: readonly string[];
  readonly rightNode: string;
  readonly strayNode: string;
  stop(): Promise<void>;
}

function ironicNode(uuid: string, conductor: string, port: number): Record<string, unknown> {
  return {
    uuid, name: `node-${uuid.slice(0, 4)}`, console_enabled: true, console_interface: 'ipmitool-socat', conductor, conductor_group: '',
    provision_state: 'active', maintenance: false, reservation: null, driver_internal_info: {},
    driver_info: { ipmi_address: '127.0.0.1', ipmi_username: 'admin', ipmi_password: '******', ipmi_terminal_port: port },
  };
}

/** Starts socat on the "host" through the system ssh client, exactly as Ironic starts it. */
function startSocat(sshd: SshdHandle, dir: string, uuid: string, port: number): void {
  const tmp = join(dir, 'tmp');
  const pidFile = join(tmp, `${uuid}.pid`);
  const cmd = `ipmitool -I lanplus -H 127.0.0.1 -L ADMINISTRATOR -U admin -f ${join(tmp, `${uuid}.pw`)} sol activate`;
  const remote =
    `setsid socat -T600 -L${pidFile} TCP4-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork,max-children=1 'EXEC:"${cmd}",pty,stderr' </dev/null >/dev/null 2>&1 & ` +
    `for i in $(seq 50); do [ -s ${pidFile} ] && break; sleep 0.1; done`;
  runOnSshd(sshd, join(dir, 'known_hosts'), remote, 30_000);
}

export async function startFleet(): Promise<Fleet> {
  const dir = mkdtempSync(join(tmpdir(), 'cd-install-fleet-'));
  mkdirSync(join(dir, 'tmp'));
  mkdirSync(join(dir, 'home'));
  const sshd = await startSshd({ pidNamespace: true });
  writeFileSync(join(dir, 'known_hosts'), `${sshd.knownHostsLine}\n`);
  writeFileSync(join(dir, 'ironic.conf'), '[DEFAULT]\nhost = conductor-a\n');
  writeFileSync(
    join(dir, 'inventory.yaml'),
    ['hosts:', '  conductor-a:', `    address: ${sshd.address}`, `    port: ${sshd.port}`, `    user: ${sshd.user}`, `    identity_file: ${sshd.clientKeyPath}`,
      `    ironic_conf: ${join(dir, 'ironic.conf')}`, `    tempdir: ${join(dir, 'tmp')}`, ''].join('\n'),
  );
  const [rightNode, strayNode] = [randomUUID(), randomUUID()];
  const [rightPort, strayPort] = [await freePort(), await freePort()];
  let ironic: FakeServer | undefined;
  try {
    startSocat(sshd, dir, rightNode, rightPort);
    startSocat(sshd, dir, strayNode, strayPort);
    ironic = await startFakeIronic({
      nodes: [ironicNode(rightNode, 'conductor-a', rightPort), ironicNode(strayNode, 'conductor-b', strayPort)],
      conductors: [{ hostname: 'conductor-a', conductor_group: '', alive: true }, { hostname: 'conductor-b', conductor_group: '', alive: false }],
    });
  } catch (error) {
    await sshd.stop();
    throw error;
  }
  const server = ironic;
  return {
    dir, rightNode, strayNode,
    env: { HOME: join(dir, 'home'), OS_AUTH_TYPE: 'none', OS_ENDPOINT: server.url, CONSOLE_DOCTOR_AUDIT_DB: join(dir, 'audit.db') },
    args: ['-i', join(dir, 'inventory.yaml'), '--known-hosts-file', join(dir, 'known_hosts')],
    async stop() {
      await server.close();
      await sshd.stop(); // ends the PID namespace and the consoles started in it
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
