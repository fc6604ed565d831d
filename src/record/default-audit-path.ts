import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the audit database lives unless `--audit-db` says otherwise:
 * `$CONSOLE_DOCTOR_AUDIT_DB`, else `$XDG_STATE_HOME/console-doctor/audit.db`,
 * else `~/.local/state/console-doctor/audit.db` (XDG Base Directory: state, not data or cache).
 */
export function defaultAuditPath(
  env: Readonly<Record<string, string | undefined>>,
  home: string = env['HOME'] || homedir(),
): string {
  const explicit = env['CONSOLE_DOCTOR_AUDIT_DB'];
  if (explicit) return explicit;
  const stateHome = env['XDG_STATE_HOME'];
  // The spec says a relative XDG path is invalid and must be ignored.
  if (stateHome && stateHome.startsWith('/')) return join(stateHome, 'console-doctor', 'audit.db');
  return join(home, '.local', 'state', 'console-doctor', 'audit.db');
}
