/**
 * The few error classes of console-doctor. Each carries what failed and where,
 * keeps the original error as `cause`, and maps to an exit code in one place
 * (src/cli/exit-codes.ts). Messages are one line and never contain secrets.
 */
export type ErrorKind = 'config' | 'auth' | 'unreachable' | 'api' | 'lock' | 'internal';

export class ConsoleDoctorError extends Error {
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.name = new.target.name;
  }
}

/** Bad input: an inventory, a clouds.yaml, a plan file, a command-line value. */
export class ConfigError extends ConsoleDoctorError {
  /** Every problem found, each as `file:path: message`. */
  readonly problems: readonly string[];
  constructor(problems: string | readonly string[], options?: { cause?: unknown }) {
    const list = typeof problems === 'string' ? [problems] : problems;
    super('config', list.join('\n'), options);
    this.problems = list;
  }
}

/** Credentials refused: SSH keys, Keystone, HTTP basic, a host key that does not match. */
export class AuthError extends ConsoleDoctorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('auth', message, options);
  }
}

/** A host (or jump host) that could not be reached or did not answer in time. */
export class UnreachableError extends ConsoleDoctorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('unreachable', message, options);
  }
}

/** The Ironic or Keystone API answered with an error or could not be read whole. */
export class ApiError extends ConsoleDoctorError {
  readonly status: number | undefined;
  constructor(message: string, options?: { cause?: unknown; status?: number }) {
    super('api', message, options);
    this.status = options?.status;
  }
}

/** Another `fix` holds the lock. */
export class LockError extends ConsoleDoctorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('lock', message, options);
  }
}

/** A bug: something that should not happen. */
export class InternalError extends ConsoleDoctorError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('internal', message, options);
  }
}

/** For exhaustive switches over closed unions. */
export function assertNever(value: never, what = 'value'): never {
  throw new InternalError(`unexpected ${what}: ${JSON.stringify(value)}`);
}

/** One line describing any thrown value, for per-host error reports. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.name;
  return String(error);
}
