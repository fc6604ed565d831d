import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConfigError, describeError } from '../errors.js';

/**
 * Writes a file so readers see the old content or the new, never a part: a temp file in
 * the same directory (same filesystem, so rename is atomic), flushed, then renamed over.
 * The temp name starts with a dot and ends in `.tmp`, so node_exporter's textfile
 * collector (which reads `*.prom`) never picks it up. An existing file keeps its mode.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    // A new file gets 0666 minus the umask, as any write would; an existing one keeps its mode.
    const existingMode = await stat(path).then(
      (s) => s.mode & 0o7777,
      () => null,
    );
    const handle = await open(temp, 'wx', 0o666);
    try {
      await handle.writeFile(content, 'utf8');
      if (existingMode !== null) await handle.chmod(existingMode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw new ConfigError(`cannot write ${path}: ${describeError(error)}`, { cause: error });
  }
}
