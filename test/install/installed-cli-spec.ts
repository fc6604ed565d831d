/**
 * What every way of installing console-doctor must do once installed: the same commands,
 * run by name from the user's PATH, against a real sshd and a fake Ironic.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PACKAGE_VERSION, runOnPath, startFleet, type Fleet } from './installed-cli.js';

/** `binDir()` is the install's bin directory, ready once the caller's beforeAll has run. */
export function itRunsLikeAnInstalledCli(binDir: () => string, userPath: () => string): void {
  let fleet: Fleet;
  const run = (...args: string[]) => runOnPath('console-doctor', args, userPath(), fleet.env);

  beforeAll(async () => {
    fleet = await startFleet();
  }, 60_000);

  afterAll(async () => {
    await fleet?.stop();
  });

  it('is found on PATH in the install, and --version prints the package version', async () => {
    const found = spawnSync('sh', ['-c', 'command -v console-doctor'], { env: { PATH: userPath() }, encoding: 'utf8' });
    expect(found.stdout.trim()).toBe(`${binDir()}/console-doctor`);
    const result = await run('--version');
    expect(result.stdout.trim()).toBe(PACKAGE_VERSION);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('--help lists the commands', async () => {
    const result = await run('--help');
    for (const command of ['inventory', 'scan', 'fix', 'history']) expect(result.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    expect(result.code).toBe(0);
  });

  it('inventory --connect logs in to the real sshd and reports the host ready', async () => {
    const result = await run('inventory', '--connect', ...fleet.args);
    expect(result.stdout).toMatch(/conductor-a\s+root@127\.0\.0\.1:\d+\s+-\s+ok/);
    expect(result.stdout).toContain('1 of 1 hosts ready');
    expect(result.code, result.stderr).toBe(0);
  });

  it('scan finds the stray console next to the right one, and exits 2', async () => {
    const result = await run('scan', ...fleet.args, '--format', 'json');
    const report = JSON.parse(result.stdout) as { findings: { kind: string; node_uuid: string; host: string }[] };
    expect(report.findings.map((f) => `${f.kind}:${f.node_uuid}@${f.host}`)).toEqual([`wrong-host:${fleet.strayNode}@conductor-a`]);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.code).toBe(2);
  });

  it('history reads the scan back from the audit database (the native SQLite module loads)', async () => {
    const result = await run('history', '--json');
    const { runs } = JSON.parse(result.stdout) as { runs: { command: string }[] };
    expect(runs.map((r) => r.command)).toContain('scan');
    expect(result.code, result.stderr).toBe(0);
  });
}
