/**
 * The npm tarball installed the way the README says, `npm install -g <tarball>`, into an
 * empty prefix (npm fetches the dependencies and compiles better-sqlite3: about a minute or
 * two), then run from that prefix's bin/ only.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itRunsLikeAnInstalledCli } from './installed-cli-spec.js';
import { ensureArtifacts, NPM_TARBALL, runOnPath, userPath } from './installed-cli.js';

describe('npm install -g console-doctor-<version>.tgz into an empty prefix', () => {
  let prefix: string;

  beforeAll(() => {
    ensureArtifacts();
    prefix = mkdtempSync(join(tmpdir(), 'cd-npm-prefix-'));
    const install = spawnSync('npm', ['install', '-g', NPM_TARBALL, '--prefix', prefix, '--no-fund', '--no-audit', '--loglevel=error'], { encoding: 'utf8' });
    if (install.status !== 0) throw new Error(`npm install -g failed: ${install.stderr}`);
  }, 600_000);

  afterAll(() => {
    if (prefix !== undefined) rmSync(prefix, { recursive: true, force: true });
  });

  itRunsLikeAnInstalledCli(() => join(prefix, 'bin'), () => userPath(join(prefix, 'bin')));

  it('a Node.js older than 20.19 gets one line naming the version needed, exit 3', async () => {
    // A `node` first on PATH that is this node pretending to be v18.19.0: the entry's
    // `#!/usr/bin/env node` runs it, as it would a real old node.
    const fake = mkdtempSync(join(tmpdir(), 'cd-old-node-'));
    try {
      writeFileSync(join(fake, 'pretend-18.mjs'), "Object.defineProperty(process.versions, 'node', { value: '18.19.0' });\n");
      writeFileSync(join(fake, 'node'), `#!/bin/sh\nexec ${process.execPath} --import ${join(fake, 'pretend-18.mjs')} "$@"\n`);
      chmodSync(join(fake, 'node'), 0o755);
      const result = await runOnPath('console-doctor', ['--version'], userPath(join(prefix, 'bin'), fake));
      expect(result.stderr).toMatch(/^console-doctor: needs Node\.js >= 20\.19, but \S+ is v18\.19\.0\n$/);
      expect(result.stdout).toBe('');
      expect(result.code).toBe(3);
    } finally {
      rmSync(fake, { recursive: true, force: true });
    }
  });

  it('no node on PATH gets one line naming node', async () => {
    const result = await runOnPath('console-doctor', ['--version'], join(prefix, 'bin'));
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/node/);
    expect(result.code).not.toBe(0);
  });
});
