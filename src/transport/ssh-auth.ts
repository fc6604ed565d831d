/**
 * Client authentication for one SSH hop, as OpenSSH does it: the ssh-agent first, then each
 * identity file in order, asking for a passphrase only when an encrypted key is reached.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { sshUtils as utils, type AnyAuthMethod, type AuthenticationType, type AuthHandlerMiddleware, type ParsedKey } from './ssh2.js';
import { AuthError } from '../errors.js';

/** OpenSSH's default identities that console-doctor offers when the inventory names none. */
export function defaultIdentityFiles(home: string = homedir()): string[] {
  return ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((name) => join(home, '.ssh', name)).filter((path) => existsSync(path));
}

export interface AuthSources {
  readonly user: string;
  /** ssh-agent socket, or undefined for none. */
  readonly agent: string | undefined;
  readonly identityFiles: readonly string[];
  /** Asks (once per run) for the passphrase of encrypted identity files. */
  readonly passphrase: () => Promise<string | undefined>;
  /** Identity files parsed once per run (see IdentityCache). */
  readonly identities: IdentityCache;
  /** Told when the handler waits for the passphrase (true) and when it goes on (false). */
  readonly onWaiting?: (waiting: boolean) => void;
}

/** Wraps a passphrase source so the operator is asked at most once per run. */
export function rememberPassphrase(source: (() => Promise<string | undefined>) | undefined): () => Promise<string | undefined> {
  let answer: Promise<string | undefined> | undefined;
  return () => {
    answer ??= source === undefined ? Promise.resolve(undefined) : source();
    return answer;
  };
}

type Attempt = { readonly kind: 'agent'; readonly socket: string } | { readonly kind: 'key'; readonly path: string };

/**
 * The state of authenticating one hop: an ssh2 `authHandler`, and the one-line error to
 * report when every method failed.
 */
export class HopAuthentication {
  private readonly queue: Attempt[];
  /** What was offered, for "tried: agent, /path/key". */
  private readonly tried: string[] = [];
  private readonly encryptedWithoutPassphrase: string[] = [];

  constructor(private readonly sources: AuthSources) {
    this.queue = [
      ...(sources.agent ? [{ kind: 'agent' as const, socket: sources.agent }] : []),
      ...sources.identityFiles.map((path) => ({ kind: 'key' as const, path })),
    ];
  }

  readonly handler: AuthHandlerMiddleware = (_methodsLeft, _partial, next) => {
    this.nextMethod().then(
      (method) => next(method ?? NO_MORE_METHODS),
      () => next(NO_MORE_METHODS),
    );
  };

  /**
   * The error for "every method failed", naming what was tried and never any secret. An
   * encrypted key that could not be opened is the likeliest fix, so it is named first.
   */
  failure(target: string, cause?: unknown): AuthError {
    const encrypted = this.encryptedWithoutPassphrase[0];
    if (encrypted !== undefined) {
      return new AuthError(
        `${target}: identity file ${encrypted} is encrypted; set CONSOLE_DOCTOR_SSH_PASSPHRASE or run on a terminal`,
        { cause },
      );
    }
    const tried = this.tried.length > 0 ? this.tried.join(', ') : 'no agent and no identity file';
    return new AuthError(`${target}: authentication failed (tried: ${tried})`, { cause });
  }

  private async nextMethod(): Promise<AnyAuthMethod | undefined> {
    for (let attempt = this.queue.shift(); attempt !== undefined; attempt = this.queue.shift()) {
      if (attempt.kind === 'agent') {
        this.tried.push('agent');
        return { type: 'agent', username: this.sources.user, agent: attempt.socket };
      }
      const method = await this.keyMethod(attempt.path);
      if (method !== undefined) return method;
    }
    return undefined;
  }

  private async keyMethod(path: string): Promise<AnyAuthMethod | undefined> {
    const loaded = await this.sources.identities.load(path, () => {
      this.sources.onWaiting?.(true);
      return this.sources.passphrase().finally(() => this.sources.onWaiting?.(false));
    });
    if ('key' in loaded) {
      this.tried.push(path);
      return { type: 'publickey', username: this.sources.user, key: loaded.key };
    }
    if (loaded.problem === 'encrypted, no passphrase') this.encryptedWithoutPassphrase.push(path);
    this.tried.push(`${path} (${loaded.problem})`);
    return undefined;
  }
}

export type LoadedIdentity = { readonly key: ParsedKey } | { readonly problem: string };

/**
 * Identity files read and parsed once per run, not once per host: an encrypted key's
 * KDF (bcrypt) costs tens of milliseconds, and ssh2 would parse it again for every
 * signature if handed the file's bytes. The parsed key never leaves this process.
 */
export class IdentityCache {
  private readonly loaded = new Map<string, Promise<LoadedIdentity>>();

  load(path: string, passphrase: () => Promise<string | undefined>): Promise<LoadedIdentity> {
    let entry = this.loaded.get(path);
    if (entry === undefined) {
      entry = loadIdentity(path, passphrase);
      this.loaded.set(path, entry);
    }
    return entry;
  }
}

async function loadIdentity(path: string, passphrase: () => Promise<string | undefined>): Promise<LoadedIdentity> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (error) {
    return { problem: (error as NodeJS.ErrnoException).code ?? 'unreadable' };
  }
  const plain = utils.parseKey(data);
  if (!(plain instanceof Error)) return { key: plain };
  if (!/no passphrase given/i.test(plain.message)) return { problem: 'not a private key ssh2 can read' };
  const secret = await passphrase();
  if (secret === undefined || secret === '') return { problem: 'encrypted, no passphrase' };
  const opened = utils.parseKey(data, secret);
  if (opened instanceof Error) return { problem: 'wrong passphrase' };
  return { key: opened };
}

/** ssh2 takes `false` for "no more methods"; its typings do not say so. */
const NO_MORE_METHODS = false as unknown as AuthenticationType;
