import type { HostSpec, SshDefaults } from '../inventory/types.js';

/** What one remote command returned. */
export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
  /** Exit status, or null when the command was ended by a signal. */
  readonly code: number | null;
  readonly signal: string | undefined;
}

export interface ExecOptions {
  /** Sent to the command's standard input, then closed. */
  readonly stdin?: string;
  /** Overrides the connection's command timeout. */
  readonly timeoutMs?: number;
  /**
   * The deadline of the action this command belongs to: when it fires, the command is
   * cancelled (its channel closed, the host asked to kill it) and the call rejects.
   */
  readonly signal?: AbortSignal;
  /**
   * Receives standard output chunk by chunk as it arrives; `stdout` of the result is then
   * empty. Lets a caller parse a large answer without holding all of it (the probe).
   */
  readonly onStdout?: (chunk: Buffer) => void;
}

/**
 * A shell on one host: the only thing the observe and apply stages need from SSH.
 * Commands are POSIX sh strings, run as the login user (sudo is part of the command).
 */
export interface RemoteShell {
  readonly host: HostSpec;
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  close(): void;
}

/** Opens shells; one SSH connection per host, reused for every command of a run. */
export interface Connector {
  connect(host: HostSpec): Promise<RemoteShell>;
}

export type ConnectorOptions = SshDefaults & {
  /** Passphrase for encrypted identity files (from CONSOLE_DOCTOR_SSH_PASSPHRASE or a prompt). */
  readonly passphrase?: () => Promise<string | undefined>;
  /** ssh-agent socket; defaults to SSH_AUTH_SOCK. */
  readonly agent?: string | undefined;
  /** Where accept-new writes new keys; defaults to ~/.ssh/known_hosts. */
  readonly userKnownHostsFile?: string;
};
