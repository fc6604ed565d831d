/**
 * Driver of the end-to-end lab (test/e2e/lab): a real three-conductor Ironic in network
 * namespaces. Tests bring it up, break it with a scenario script, look at it from the
 * inside (the API, each host's own `ps`) and run the BUILT tool in the hub namespace,
 * where the API is on 127.0.0.1:6385 and the hosts' sshd on 10.254.77.11-13.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const LAB_SRC = join(REPO, 'test/e2e/lab');
export const LAB_DIR = process.env.CDLAB_DIR ?? '/run/cdlab';
/** The Debian suite whose Ironic the lab runs (lab/lib.sh): bookworm, trixie, forky or sid. */
export const LAB_RELEASE = process.env.CDLAB_IRONIC ?? 'bookworm';
/** A non-default [json_rpc]port: Ironic then registers conductors as `host:port`. */
export const LAB_JSON_RPC_PORT = process.env.CDLAB_JSON_RPC_PORT;
/** CDLAB_KEYSTONE=yes: Ironic's API behind a real Keystone, the tool with a system-scoped cloud. */
export const LAB_KEYSTONE = process.env.CDLAB_KEYSTONE === 'yes';
/** CDLAB_IPMI_CRED_ENV=yes: [ipmi]store_cred_in_env, ipmitool with -E and no .pw files. */
export const LAB_IPMI_CRED_ENV = process.env.CDLAB_IPMI_CRED_ENV === 'yes';
export const HUB_NS = 'cdlab-hub';
export const LAB_HOSTS = ['conductor-a', 'conductor-b', 'conductor-c'] as const;
export type LabHost = (typeof LAB_HOSTS)[number];

export const SCENARIOS = [
  'conductor-killed',
  'conductor-stopped',
  'conductor-lingering',
  'conductor-drained',
  'conductor-restarted',
  'console-disabled-leftover',
  'node-deleted',
  'duplicate-daemon',
  'stale-pidfile',
  'port-taken',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface LabPaths {
  readonly dir: string;
  readonly inventory: string;
  readonly knownHosts: string;
  readonly clientKey: string;
}

export const LAB: LabPaths = {
  dir: LAB_DIR,
  inventory: join(LAB_DIR, 'inventory.ini'),
  knownHosts: join(LAB_DIR, 'known_hosts'),
  clientKey: join(LAB_DIR, 'client_key'),
};

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(cmd: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): RunResult {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    env: { ...process.env, CDLAB_DIR: LAB_DIR, ...options.env },
    input: options.input,
    maxBuffer: 64 * 1024 * 1024,
    cwd: REPO,
  });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`, { cause: r.error });
  return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}

function runOk(cmd: string, args: readonly string[]): RunResult {
  const r = run(cmd, args);
  if (r.code !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}:\n${r.stderr.slice(-3000)}`);
  }
  return r;
}

function labScript(script: string, args: readonly string[] = []): RunResult {
  return runOk('bash', [join(LAB_SRC, script), ...args]);
}

/** Bring the lab up (a no-op when it is up already). */
export function labUp(): LabPaths {
  labScript('up.sh');
  return LAB;
}

export function labDown(): void {
  labScript('down.sh');
}

/** Down and up again: a known good lab. */
export function labReset(): LabPaths {
  labScript('reset.sh');
  return LAB;
}

// ---- what the scenario scripts write -------------------------------------------------

export interface LabNode {
  readonly uuid: string;
  readonly name: string;
  readonly provision_state: string;
  readonly console_enabled: boolean;
  readonly console_interface: string;
  /** The lab's host name of its conductor (Ironic's registered name without `:port`). */
  readonly conductor: string | null;
  /** The conductor name as Ironic returned it (`conductor-a:8090` with a non-default json-rpc port). */
  readonly conductor_registered: string | null;
  /** Ironic 2023.2+ (read at 1.83); Debian's 29.0.5-0+deb13u3 sets it to the node's own uuid. */
  readonly parent_node?: string | null;
  readonly driver_info: Record<string, unknown>;
  readonly driver_internal_info: Record<string, unknown>;
}

export interface LabConductor {
  readonly hostname: string;
  readonly hostname_registered: string;
  readonly alive: boolean;
}

/** A console listener as the lab recognises it (session children and helpers left out). */
export interface LabDaemon {
  readonly pid: number;
  readonly type: 'socat' | 'shellinabox';
  readonly port: number;
}

/** node uuid -> listeners, per host; null for a host whose machine is not running. */
export type LabDaemons = Record<LabHost, Record<string, LabDaemon[]> | null>;

export interface LabState {
  readonly nodes: readonly LabNode[];
  readonly conductors: readonly LabConductor[];
  readonly daemons: LabDaemons;
}

export interface ScenarioFacts {
  readonly scenario: ScenarioName;
  readonly before: LabState;
  readonly after: LabState;
  readonly settle_seconds: number;
  /** Which conductor the scenario killed, stopped or restarted. */
  readonly victim?: LabHost;
  /** The owner of the node the scenario broke (duplicate-daemon, port-taken). */
  readonly owner?: LabHost;
  /** The host the scenario broke (stale-pidfile). */
  readonly host?: LabHost;
  readonly node?: string;
  readonly port?: number;
  readonly path?: string;
  readonly pid?: number;
  readonly squatter_pid?: number;
  readonly killed_pid?: number;
  /** conductor-lingering: whether the SIGTERM'd conductor (`pid`) still ran when the facts were taken. */
  readonly lingering?: string;
  /** conductor-drained: whether the conductor logged that it got SIGUSR2 (`yes`/`no`). */
  readonly drain_logged?: string;
}

/** Run one scenario script against the running lab and return what it wrote. */
export function runScenario(name: ScenarioName): ScenarioFacts {
  labScript(`scenarios/${name}.sh`);
  return JSON.parse(readFileSync(join(LAB_DIR, 'facts', `${name}.json`), 'utf8')) as ScenarioFacts;
}

/** Nodes, conductors and every host's console daemons, now. */
export function labState(): LabState {
  return JSON.parse(labPy(['state'])) as LabState;
}

/** Why the lab's consoles are not where Ironic wants them ([] when they are). */
export function labUnsettled(): string[] {
  return JSON.parse(labPy(['unsettled'])) as string[];
}

function labPy(args: readonly string[]): string {
  return runOk('ip', ['netns', 'exec', HUB_NS, '/usr/bin/python3', join(LAB_SRC, 'ironic_lab.py'), ...args]).stdout;
}

// ---- looking inside -------------------------------------------------------------------

export interface IronicResponse {
  readonly status: number;
  readonly body: unknown;
}

/** A token scope of the lab's Keystone admin: what Ironic 2025.1+ wants, and what it refuses. */
export type TokenScope = 'system' | 'project';

/** Call the lab's Ironic API from the hub namespace, at microversion 1.82 (with a token of `scope` behind Keystone). */
export function ironic(method: string, path: string, body?: unknown, scope: TokenScope = 'system'): IronicResponse {
  const args = ['netns', 'exec', HUB_NS, 'curl', '-sS', '-X', method, '-w', '\n%{http_code}',
    '-H', 'X-OpenStack-Ironic-API-Version: 1.82', '-H', 'Content-Type: application/json'];
  if (LAB_KEYSTONE) args.push('-H', `X-Auth-Token: ${labPy(['token', scope]).trim()}`);
  if (body !== undefined) args.push('--data', JSON.stringify(body));
  args.push(`http://127.0.0.1:6385${path}`);
  const out = runOk('ip', args).stdout;
  const cut = out.lastIndexOf('\n');
  const text = out.slice(0, cut);
  return { status: Number(out.slice(cut + 1)), body: text === '' ? null : (JSON.parse(text) as unknown) };
}

export interface HostProcess {
  readonly pid: number;
  readonly ppid: number;
  /** ps STAT, e.g. "S", "Ss", "Z" (a zombie: dead, not yet reaped by its parent). */
  readonly stat: string;
  readonly args: string;
}

/** One lab host's process list, as its own `ps` shows it (pids of its PID namespace). */
export function hostPs(host: LabHost): HostProcess[] {
  const init = readFileSync(join(LAB_DIR, 'hosts', host.replace('conductor-', ''), 'init.pid'), 'utf8').trim();
  const out = runOk('nsenter', ['-t', init, '-p', '-m', '--', 'ps', '-eo', 'pid=,ppid=,stat=,args=', '-ww']).stdout;
  return out
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), stat: m[3]!, args: m[4]! }));
}

/** Whether a pid of a lab host is alive (a zombie is not: a killed socat stays one until its conductor reaps it). */
export function hostPidAlive(host: LabHost, pid: number): boolean {
  return hostPs(host).some((p) => p.pid === pid && !p.stat.startsWith('Z'));
}

// ---- the tool ---------------------------------------------------------------------------

/** The tool under test: the built bin/console-doctor.js, or CONSOLE_DOCTOR_BIN (e.g. an installed copy). */
export const TOOL_BIN = process.env.CONSOLE_DOCTOR_BIN ?? join(REPO, 'bin/console-doctor.js');

/**
 * Run the BUILT tool inside the hub namespace with the lab's env (up.sh writes it: the
 * endpoint without auth, or with Keystone a clouds.yaml and OS_CLOUD=cdlab-system).
 * `cloud` picks another cloud of that clouds.yaml (cdlab-project).
 */
export function runTool(args: readonly string[], options: { cloud?: string } = {}): RunResult {
  const env = readFileSync(join(LAB_DIR, 'env'), 'utf8').split('\n').filter((line) => line !== '');
  const chosen = options.cloud === undefined ? env : [...env.filter((line) => !line.startsWith('OS_CLOUD=')), `OS_CLOUD=${options.cloud}`];
  return run('ip', ['netns', 'exec', HUB_NS, 'env', ...chosen,
    'NO_COLOR=1', `XDG_STATE_HOME=${join(LAB_DIR, 'tool-state')}`,
    process.execPath, TOOL_BIN, ...args]);
}

/** The options every lab run of the tool needs. */
export function labToolArgs(): string[] {
  return ['-i', LAB.inventory, '--known-hosts-file', LAB.knownHosts];
}

// ---- graphical consoles (CDLAB_GRAPHICAL=yes, issue 14) ---------------------------------

/** CDLAB_GRAPHICAL=yes: fake-graphical nodes whose consoles are podman containers (Ironic 39.0's `container` provider, sid). */
export const LAB_GRAPHICAL = process.env.CDLAB_GRAPHICAL === 'yes';

export const GRAPHICAL_SCENARIOS = [
  'graphical-conductor-killed',
  'graphical-console-disabled',
  'graphical-node-deleted',
] as const;
export type GraphicalScenarioName = (typeof GRAPHICAL_SCENARIOS)[number];

/** An Ironic console container as the host's own `podman ps --all --format json` shows it (labelled org.openstack.ironic.console=true). */
export interface LabContainer {
  readonly id: string;
  readonly name: string;
  /** podman's State: running, exited, … */
  readonly state: string;
  /** Its org.openstack.ironic.conductor label: the conductor that started it. */
  readonly conductor: string | null;
  /** Where container port 5900 is published. */
  readonly host_ip: string | null;
  readonly host_port: number | null;
}

/** node uuid (its org.openstack.ironic.node label) -> containers, per host; null for a host whose machine is not running. */
export type LabContainers = Record<LabHost, Record<string, LabContainer[]> | null>;

export interface GraphicalLabState extends LabState {
  readonly containers: LabContainers;
}

export interface GraphicalScenarioFacts {
  readonly scenario: GraphicalScenarioName;
  readonly before: GraphicalLabState;
  readonly after: GraphicalLabState;
  readonly settle_seconds: number;
  /** The conductor the scenario crashed (left dead). */
  readonly victim: LabHost;
  /** The graphical node the scenario broke. */
  readonly node: string;
  /** Its container's name (ironic-console-<uuid>). */
  readonly container: string;
  /** The container left on the victim's host. */
  readonly stray_container: LabContainer;
  /** The conductor Ironic maps the node to after the crash. */
  readonly new_owner: LabHost;
  /** graphical-conductor-killed: the container the new owner started on takeover. */
  readonly new_container?: LabContainer;
  /** graphical-console-disabled: the takeover container that disabling the console removed. */
  readonly takeover_container?: LabContainer;
}

/** Run one graphical scenario script against the running lab and return what it wrote. */
export function runGraphicalScenario(name: GraphicalScenarioName): GraphicalScenarioFacts {
  labScript(`scenarios/${name}.sh`);
  return JSON.parse(readFileSync(join(LAB_DIR, 'facts', `${name}.json`), 'utf8')) as GraphicalScenarioFacts;
}

/** labState() with every host's Ironic console containers (a graphical lab only). */
export function graphicalLabState(): GraphicalLabState {
  return JSON.parse(labPy(['state'])) as GraphicalLabState;
}

/** One host's Ironic console containers now, by node uuid. */
export function hostContainers(host: LabHost): Record<string, LabContainer[]> {
  return JSON.parse(labPy(['containers', host.replace('conductor-', '')])) as Record<string, LabContainer[]>;
}

/** The lab address of a conductor host (its eth0). */
export function hostAddress(host: LabHost): string {
  return { 'conductor-a': '10.254.77.11', 'conductor-b': '10.254.77.12', 'conductor-c': '10.254.77.13' }[host];
}

/** The first 12 bytes a VNC endpoint sends, read from the hub ('' when nothing answers): "RFB 003.008\n" from the lab's console image. */
export function vncBanner(address: string, port: number): string {
  const script = 'import socket,sys\ntry:\n  s=socket.create_connection((sys.argv[1],int(sys.argv[2])),timeout=3)\n  sys.stdout.write(s.recv(12).decode())\nexcept OSError:\n  pass';
  return runOk('ip', ['netns', 'exec', HUB_NS, '/usr/bin/python3', '-c', script, address, String(port)]).stdout;
}
