import { ConsoleDoctorError, assertNever } from '../errors.js';

/** Monitoring-plugin convention: 0 clean, 1 warnings, 2 action needed, 3 could not tell. */
export const EXIT = { clean: 0, warning: 1, critical: 2, unknown: 3 } as const;

/** Every error maps to 3 ("could not tell"): bad input, auth, unreachable, API, lock. */
export function exitCodeForError(error: unknown): number {
  if (!(error instanceof ConsoleDoctorError)) return EXIT.unknown;
  switch (error.kind) {
    case 'config':
    case 'auth':
    case 'unreachable':
    case 'api':
    case 'lock':
    case 'internal':
      return EXIT.unknown;
    default:
      return assertNever(error.kind, 'error kind');
  }
}
