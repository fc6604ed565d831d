import { ConfigError } from '../errors.js';
import type { AuditStoreOptions, SqliteAuditStore } from './sqlite-audit-store.js';

/**
 * Opens the audit store, loading SQLite only now: better-sqlite3 is a native module, and
 * `--version`, `--help`, `inventory` and `--no-audit` runs must work without it. A driver
 * that cannot be loaded is one line naming the way out, not a stack trace.
 */
export async function loadAuditStore(path: string, options?: AuditStoreOptions): Promise<SqliteAuditStore> {
  let module: typeof import('./sqlite-audit-store.js');
  try {
    module = await import('./sqlite-audit-store.js');
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
    throw new ConfigError(
      `audit database ${path}: cannot load the SQLite driver better-sqlite3 (${reason}); reinstall console-doctor, or run with --no-audit`,
      { cause: error },
    );
  }
  return module.openAuditStore(path, options);
}
