import { randomBytes } from 'node:crypto';
import { AuthError, ConsoleDoctorError, InternalError, UnreachableError, describeError } from '../errors.js';
import type { RemoteShell } from '../transport/types.js';
import { observationOf } from './parse-probe-output.js';
import { ProbeReader } from './probe-stream.js';
import { buildProbeCommand } from './probe-command.js';
import type { HostObservation } from './types.js';

export interface ObserveHostOptions {
  readonly timeoutMs?: number;
}

/**
 * Observes one host: runs the probe once through `shell` (one exec, one round trip),
 * parsing its output as it arrives (only parsed records are kept, never the whole text),
 * then checks how it ended. Read-only on the host.
 */
export async function observeHost(shell: RemoteShell, options: ObserveHostOptions = {}): Promise<HostObservation> {
  const host = shell.host;
  const probe = buildProbeCommand(host, { nonce: randomBytes(8).toString('hex') });
  const reader = new ProbeReader(host.name);
  let result;
  try {
    result = await shell.exec(probe.command, {
      stdin: probe.stdin,
      onStdout: (chunk) => reader.push(chunk),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
  } catch (error) {
    if (error instanceof ConsoleDoctorError) throw error;
    throw new UnreachableError(`${host.name}: probe failed: ${describeError(error)}`, { cause: error });
  }
  const stderr = result.stderr.trim().split('\n').find((line) => line.trim() !== '') ?? '';
  if (host.sudo && /sudo:.*(password is required|a terminal is required)/.test(result.stderr)) {
    throw new AuthError(`${host.name}: sudo -n needs a password (${stderr})`);
  }
  if (result.code !== 0) {
    const how = result.code === null ? `was ended by ${result.signal ?? 'a signal'}` : `exited ${result.code}`;
    throw new InternalError(`${host.name}: probe ${how}${stderr === '' ? '' : `: ${stderr}`}`);
  }
  // A shell that does not stream (a test double) hands the whole output back instead.
  if (result.stdout !== '') reader.push(result.stdout);
  return observationOf(reader.finish(), host);
}
