/**
 * The one import of better-sqlite3 (STYLE: one module owns each outside thing); the
 * rest of src/record takes the driver and its types from here.
 */
import Database from 'better-sqlite3';

export { Database };
export type SqliteDatabase = Database.Database;
