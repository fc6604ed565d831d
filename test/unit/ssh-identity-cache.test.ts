import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IdentityCache } from '../../src/transport/ssh-auth.js';
import { generateKey } from '../helpers/sshd.js';

const dir = mkdtempSync(join(tmpdir(), 'cd-identity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('IdentityCache: each identity file is read and opened once per run', () => {
  it('opens an encrypted key once, asking for the passphrase once, however many hosts use it', async () => {
    const path = join(dir, 'encrypted');
    generateKey(path, 'ed25519', 'correct horse');
    const cache = new IdentityCache();
    let asked = 0;
    const passphrase = async (): Promise<string> => {
      asked += 1;
      return 'correct horse';
    };
    const first = await cache.load(path, passphrase);
    rmSync(path); // later hosts must not need the file again
    const again = await Promise.all([cache.load(path, passphrase), cache.load(path, passphrase)]);
    expect('key' in first).toBe(true);
    expect(again.every((loaded) => 'key' in loaded && loaded.key === (first as { key: unknown }).key)).toBe(true);
    expect(asked).toBe(1);
  });

  it.each([
    ['a missing file', 'missing', undefined, 'ENOENT'],
    ['an encrypted key without a passphrase', 'enc-none', '', 'encrypted, no passphrase'],
    ['an encrypted key with the wrong passphrase', 'enc-wrong', 'wrong', 'wrong passphrase'],
  ])('says why it cannot use %s', async (_what, name, given, problem) => {
    const path = join(dir, name);
    if (name !== 'missing') generateKey(path, 'ed25519', 'right');
    const loaded = await new IdentityCache().load(path, async () => given);
    expect(loaded).toEqual({ problem });
  });
});
