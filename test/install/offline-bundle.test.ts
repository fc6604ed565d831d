/**
 * The offline bundle unpacked into an empty directory and run through its sh launcher with
 * the system's node: no npm, no registry, no compiler involved after the unpack.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itRunsLikeAnInstalledCli } from './installed-cli-spec.js';
import { BUNDLE, ensureArtifacts, PACKAGE_VERSION, runOnPath, userPath } from './installed-cli.js';

describe('the offline bundle, unpacked into an empty directory', () => {
  let unpacked: string;
  let root: string;
  let scratch: string;
  const bin = () => join(root, 'bin');

  /** A directory holding only a `node` that prints `output` whatever it is asked. */
  function fakeNode(output: string): string {
    const dir = mkdtempSync(join(scratch, 'fake-node-'));
    writeFileSync(join(dir, 'node'), `#!/bin/sh\necho '${output}'\n`);
    chmodSync(join(dir, 'node'), 0o755);
    return dir;
  }

  beforeAll(() => {
    ensureArtifacts();
    unpacked = mkdtempSync(join(tmpdir(), 'cd-bundle-'));
    scratch = mkdtempSync(join(tmpdir(), 'cd-bundle-scratch-'));
    const untar = spawnSync('tar', ['-xzf', BUNDLE, '-C', unpacked], { encoding: 'utf8' });
    if (untar.status !== 0) throw new Error(`tar -xzf ${BUNDLE}: ${untar.stderr}`);
    root = join(unpacked, `console-doctor-${PACKAGE_VERSION}`);
  }, 600_000);

  afterAll(() => {
    for (const dir of [unpacked, scratch]) if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  itRunsLikeAnInstalledCli(bin, () => userPath(bin()));

  it('records the Node.js ABI its native modules were built for, which is this node\'s', () => {
    const info = JSON.parse(readFileSync(join(root, 'bundle.json'), 'utf8')) as Record<string, string>;
    expect(info).toMatchObject({ version: PACKAGE_VERSION, target: `${process.platform}-${process.arch}`, node_abi: process.versions.modules });
    expect(info['glibc_min']).toMatch(/^2\.\d+$/);
  });

  it('runs through a symlink to its launcher, from another directory', async () => {
    const link = mkdtempSync(join(scratch, 'link-'));
    symlinkSync(join(bin(), 'console-doctor'), join(link, 'console-doctor'));
    const result = await runOnPath('console-doctor', ['--version'], userPath(link));
    expect(result.stdout.trim()).toBe(PACKAGE_VERSION);
    expect(result.code).toBe(0);
  });

  it('a Node.js older than 20.19 gets one line naming the version needed, exit 3', async () => {
    const result = await runOnPath('console-doctor', ['--version'], userPath(bin(), fakeNode('v18.19.0')));
    expect(result.stderr).toMatch(/^console-doctor: needs Node\.js >= 20\.19, but \S+\/node is v18\.19\.0\n$/);
    expect(result.stdout).toBe('');
    expect(result.code).toBe(3);
  });

  it('a new enough Node.js with another native-module ABI gets one line naming both ABIs, exit 3', async () => {
    const result = await runOnPath('console-doctor', ['--version'], userPath(bin(), fakeNode('22.12.0 127')));
    expect(result.stderr).toMatch(new RegExp(`^console-doctor: this bundle's native modules were built for Node\\.js \\d+ \\(ABI ${process.versions.modules}\\), but \\S+ is v22\\.12\\.0 \\(ABI 127\\)[^\\n]*\\n$`));
    expect(result.code).toBe(3);
  });

  it('a node that does not say its version gets one line, exit 3', async () => {
    const result = await runOnPath('console-doctor', ['--version'], userPath(bin(), fakeNode('Segmentation fault')));
    expect(result.stderr).toMatch(/^console-doctor: needs Node\.js >= 20\.19, but \S+ does not say its version[^\n]*\n$/);
    expect(result.code).toBe(3);
  });

  it('no node on PATH gets one line naming node, exit 3', async () => {
    // Only what the launcher itself uses besides node.
    const tools = mkdtempSync(join(scratch, 'tools-'));
    for (const tool of ['dirname', 'readlink']) symlinkSync(`/usr/bin/${tool}`, join(tools, tool));
    const result = await runOnPath('console-doctor', ['--version'], `${bin()}:${tools}`);
    expect(result.stderr).toMatch(/^console-doctor: needs Node\.js >= 20\.19 [^\n]*but no `node` is on PATH\n$/);
    expect(result.code).toBe(3);
  });
});
