import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { writeFileAtomic } from '../../src/report/write-file-atomic.js';

describe('writeFileAtomic (real files in a temp dir)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cd-atomic-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the file and leaves nothing else behind', async () => {
    const path = join(dir, 'console_doctor.prom');
    await writeFileAtomic(path, 'console_doctor_exit_code 0\n');
    expect(readFileSync(path, 'utf8')).toBe('console_doctor_exit_code 0\n');
    expect(readdirSync(dir)).toEqual(['console_doctor.prom']);
  });

  it('replaces an existing file whole and keeps its mode', async () => {
    const path = join(dir, 'report.json');
    writeFileSync(path, 'old');
    chmodSync(path, 0o640);
    await writeFileAtomic(path, 'new content');
    expect(readFileSync(path, 'utf8')).toBe('new content');
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  it('never shows a reader a partial file while a large one is written', async () => {
    const path = join(dir, 'big.prom');
    const before = 'a'.repeat(4 * 1024 * 1024);
    const after = 'b'.repeat(4 * 1024 * 1024);
    writeFileSync(path, before);
    const seen = new Set<string>();
    let done = false;
    const writing = writeFileAtomic(path, after).finally(() => {
      done = true;
    });
    while (!done) {
      const content = readFileSync(path, 'utf8');
      seen.add(content === before ? 'before' : content === after ? 'after' : `partial ${content.length}`);
      for (const name of readdirSync(dir)) if (name !== 'big.prom') expect(name).toMatch(/^\.big\.prom\.\d+\.[0-9a-f]{12}\.tmp$/);
      await new Promise((r) => setImmediate(r));
    }
    await writing;
    seen.add(readFileSync(path, 'utf8') === after ? 'after' : 'wrong');
    expect([...seen].filter((s) => s !== 'before' && s !== 'after')).toEqual([]);
    expect(readdirSync(dir)).toEqual(['big.prom']);
  });

  it('fails with one line naming the path, leaving no temp file', async () => {
    const path = join(dir, 'missing-dir', 'out.json');
    const error = await writeFileAtomic(path, 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(new RegExp(`^cannot write ${path}: .*ENOENT`));
    expect(readdirSync(dir)).toEqual([]);
  });
});
