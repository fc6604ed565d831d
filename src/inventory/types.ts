/** One hop of an SSH jump chain (OpenSSH ProxyJump: `[user@]host[:port]`). */
export interface JumpHost {
  readonly address: string;
  readonly port: number;
  readonly user: string | undefined;
}

/** A container the conductor runs in (kolla-ansible: docker `ironic_conductor`). */
export interface ContainerSpec {
  readonly runtime: 'docker' | 'podman';
  readonly name: string;
}

/**
 * Values that normally come from the host's ironic.conf; set in the inventory they
 * win over what the file says (for hosts where the file cannot be read).
 */
export interface ConductorSettings {
  /** `[DEFAULT]host`: the conductor's name in Ironic. */
  readonly host?: string;
  /** `[DEFAULT]tempdir` (Ironic's default: /tmp). */
  readonly tempdir?: string;
  /** `[console]terminal_pid_dir` (default: tempdir). */
  readonly terminalPidDir?: string;
  /** `[console]socat_address`. */
  readonly socatAddress?: string;
  /** `[console]port_range`, e.g. "10000:20000". */
  readonly portRange?: string;
  /** `[vnc]enabled`: graphical consoles (2025.1+), as written ("True", "false", …). From ironic.conf only. */
  readonly vncEnabled?: string;
  /** `[vnc]container_provider`: fake (Ironic's default), container, systemd, kubernetes. */
  readonly containerProvider?: string;
  /** `[vnc]container_executable` (default docker). */
  readonly containerExecutable?: string;
  /** `[vnc]container_host`: "set" when the engine is remote (its value never leaves the host). */
  readonly containerHost?: string;
}

/** A conductor host as resolved from any inventory format. */
export interface HostSpec {
  /** The inventory name; unique within an inventory. */
  readonly name: string;
  /** How to reach it: over SSH, or `local` when console-doctor runs on the conductor itself. */
  readonly connection: 'ssh' | 'local';
  readonly address: string;
  readonly port: number;
  readonly user: string | undefined;
  /** Private key files to offer, in order (after the ssh-agent, when one is set). */
  readonly identityFiles: readonly string[];
  /** Jump hosts, outermost first. */
  readonly jumpHosts: readonly JumpHost[];
  /** Run the probe with `sudo -n` (as `sudoUser` when set). */
  readonly sudo: boolean;
  readonly sudoUser: string | undefined;
  readonly container: ContainerSpec | undefined;
  /** The conductor's name in Ironic when it differs from both ironic.conf and `name`. */
  readonly conductorName: string | undefined;
  /** Path of ironic.conf on the host. */
  readonly ironicConf: string;
  /** Overrides of what ironic.conf says. */
  readonly settings: ConductorSettings;
}

/** SSH options that apply to every host unless a host overrides them. */
export interface SshDefaults {
  readonly knownHosts: 'strict' | 'accept-new' | 'off';
  /** Extra known_hosts files read before ~/.ssh/known_hosts and /etc/ssh/ssh_known_hosts. */
  readonly knownHostsFiles: readonly string[];
  readonly connectTimeoutMs: number;
  readonly commandTimeoutMs: number;
  readonly keepaliveIntervalMs: number;
  readonly concurrency: number;
}

/** A loaded, validated inventory. */
export interface Inventory {
  /** Where it was read from (for messages). */
  readonly source: string;
  readonly format: 'console-doctor' | 'ansible-yaml' | 'ansible-ini' | 'ansible-json';
  readonly hosts: readonly HostSpec[];
  readonly ssh: SshDefaults;
  /** The raw `ironic:` section of a console-doctor inventory, checked by src/desire. */
  readonly ironic: Readonly<Record<string, unknown>> | undefined;
}

export const DEFAULT_SSH: SshDefaults = {
  knownHosts: 'strict',
  knownHostsFiles: [],
  connectTimeoutMs: 10_000,
  commandTimeoutMs: 30_000,
  keepaliveIntervalMs: 5_000,
  concurrency: 32,
};

export const DEFAULT_IRONIC_CONF = '/etc/ironic/ironic.conf';
