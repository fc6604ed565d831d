/**
 * A RemoteShell over one SSH connection: every `exec` opens a channel on the same
 * connection, so a run costs one TCP connection and one login per host.
 */
import type { Client, ClientChannel } from './ssh2.js';
import { UnreachableError } from '../errors.js';
import type { HostSpec } from '../inventory/types.js';
import { firstLine, seconds } from './ssh-hop.js';
import { cancelled } from './cancelled.js';
import type { ExecOptions, ExecResult, RemoteShell } from './types.js';

const CLOSED_HERE = 'closed by console-doctor';

export class SshShell implements RemoteShell {
  readonly host: HostSpec;
  /** Jump host connections first, the target's last. */
  private readonly clients: readonly Client[];
  private readonly commandTimeoutMs: number;
  private closedBecause: string | undefined;

  constructor(host: HostSpec, clients: readonly Client[], commandTimeoutMs: number) {
    this.host = host;
    this.clients = clients;
    this.commandTimeoutMs = commandTimeoutMs;
    const target = clients[clients.length - 1];
    target?.on('error', (error: Error) => {
      this.closedBecause ??= /keepalive/i.test(error.message) ? 'no keepalive answer' : firstLine(error.message);
    });
    target?.on('close', () => {
      this.closedBecause ??= 'connection closed';
    });
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const timeoutMs = options.timeoutMs ?? this.commandTimeoutMs;
    const client = this.clients[this.clients.length - 1];
    if (client === undefined || this.closedBecause !== undefined) {
      const why = this.closedBecause === CLOSED_HERE ? 'connection already closed' : `connection lost (${this.closedBecause})`;
      return Promise.reject(new UnreachableError(`${this.host.name}: ${why}`));
    }
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(cancelled(this.host.name, signal));
    return new Promise((resolve, reject) => {
      let channel: ClientChannel | undefined;
      let settled = false;
      const onAbort = (): void => {
        finish(() => reject(cancelled(this.host.name, signal as AbortSignal)));
        if (channel !== undefined) abandon(channel);
      };
      const finish = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        outcome();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      // The timeout covers opening the channel too: a stalled host may never answer that.
      const timer = setTimeout(() => {
        finish(() => reject(new UnreachableError(`${this.host.name}: command timed out after ${seconds(timeoutMs)}`)));
        // OpenSSH ignores signal requests for root logins and keeps the channel until the
        // command ends by itself; the answer above does not wait for that.
        if (channel !== undefined) abandon(channel);
      }, timeoutMs);

      client.exec(command, (error, opened) => {
        if (error) {
          const reason = this.closedBecause !== undefined ? `connection lost (${this.closedBecause})` : firstLine(error.message);
          finish(() => reject(new UnreachableError(`${this.host.name}: cannot start a command: ${reason}`, { cause: error })));
          return;
        }
        if (settled) return abandon(opened);
        channel = opened;
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        let exit: { code: number | null; signal: string | undefined } | undefined;
        const onStdout = options.onStdout;
        opened.on('data', (chunk: Buffer) => (onStdout === undefined ? out.push(chunk) : onStdout(chunk)));
        opened.stderr.on('data', (chunk: Buffer) => err.push(chunk));
        opened.on('exit', (code: number | null, signal?: string) => {
          exit = { code, signal: signal ?? undefined };
        });
        opened.on('close', () => {
          if (exit === undefined && this.closedBecause !== undefined) {
            const lost = `${this.host.name}: connection lost during a command (${this.closedBecause})`;
            finish(() => reject(new UnreachableError(lost)));
            return;
          }
          const stdout = Buffer.concat(out).toString('utf8');
          const stderr = Buffer.concat(err).toString('utf8');
          finish(() => resolve({ stdout, stderr, code: exit?.code ?? null, signal: exit?.signal }));
        });
        opened.on('error', () => undefined);
        opened.end(options.stdin ?? '');
      });
    });
  }

  close(): void {
    this.closedBecause ??= CLOSED_HERE;
    for (const client of [...this.clients].reverse()) client.end();
  }
}

/** Gives up on a channel: asks the host to kill its command, then closes the channel. */
function abandon(channel: ClientChannel): void {
  killRemoteCommand(channel);
  channel.close();
}

/** What ssh2 keeps private but is needed to signal a channel whose input is already closed. */
interface ChannelInternals {
  readonly outgoing?: { readonly id: number; readonly state: string };
  readonly _client?: { readonly _protocol?: { signal(id: number, name: string): void } };
}

/**
 * Sends a KILL signal request (RFC 4254 6.9). OpenSSH kills the session's process group,
 * but only for non-root logins ("session signalling requires privilege separation").
 * ssh2's `channel.signal()` refuses once stdin is ended, which every exec does at once, so
 * this goes to the protocol layer directly.
 */
function killRemoteCommand(channel: ClientChannel): void {
  const internals = channel as unknown as ChannelInternals;
  const outgoing = internals.outgoing;
  if (outgoing?.state !== 'open') return;
  try {
    internals._client?._protocol?.signal(outgoing.id, 'KILL');
  } catch {
    /* the connection is going away; closing the channel is all that is left */
  }
}
