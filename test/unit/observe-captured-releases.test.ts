/**
 * Console argv captured from Debian's real Ironic builds in the e2e lab (issue 11):
 * trixie's 29.0.5-0+deb13u3 (shell-quoted EXEC, socat 1.8 running as /usr/bin/socat1,
 * shellinabox still there) and sid's 39.0.0 (socat under a forked conductor worker, no
 * shellinabox), forky's 35.0.1 (also with [ipmi]store_cred_in_env: -E, no .pw file).
 * Fixtures: test/fixtures/probe/captured-releases (capture-host.py).
 * The derived fixtures of every release are tested in observe-ironic-releases.test.ts.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recogniseArgv } from '../../src/observe/console-argv.js';
import { REDACTED, redactArgv } from '../../src/redact-secrets.js';

interface CapturedProcess {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
  readonly exe: string;
  readonly argv: string[];
}
interface CapturedHost {
  readonly host: string;
  readonly processes: CapturedProcess[];
  readonly tmp: Array<{ name: string; mode: string; size: number; content?: string }>;
}

const DIR = join(import.meta.dirname, '../fixtures/probe/captured-releases');
const captures = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, ...(JSON.parse(readFileSync(join(DIR, f), 'utf8')) as { hosts: CapturedHost[] }) }));

const uuidOf = (path: string): string => path.replace(/^.*\//, '').replace(/\.pid$/, '');

describe.each(captures)('captured from $file', ({ file, hosts }) => {
  const consoles = hosts.flatMap((h) =>
    h.processes
      .filter((p) => p.comm === 'socat' || p.comm === 'shellinaboxd')
      .map((p) => ({ host: h, p })),
  );

  it('holds consoles', () => {
    expect(consoles.length).toBeGreaterThan(0);
  });

  it('recognises every captured console with its node and port, from the pid file the host holds', () => {
    for (const { host, p } of consoles) {
      const shape = recogniseArgv(p.argv);
      expect(shape.shape, `${file} ${host.host} pid ${p.pid}: ${p.argv.join(' ')}`).toMatch(/^(socat|shellinabox)-console$/);
      if (shape.shape !== 'socat-console' && shape.shape !== 'shellinabox-console') continue;
      const pidFile = shape.shape === 'socat-console' ? shape.lockFile : shape.pidFile;
      expect(pidFile).not.toBeNull();
      expect(shape.nodeUuid).toBe(uuidOf(pidFile!));
      expect(host.tmp.map((f) => f.name)).toContain(`${shape.nodeUuid}.pid`);
      const listen = p.argv.join(' ').match(/LISTEN:(\d+)|-p (\d+)/);
      expect(shape.port).toBe(Number(listen![1] ?? listen![2]));
    }
  });

  it('redacts the Kg key a node has, in whatever form its release wraps EXEC', () => {
    const withKey = consoles.filter(({ p }) => p.argv.some((a) => a.includes(' -y ')));
    for (const { p } of withKey) {
      const shown = redactArgv(p.argv).join(' ');
      expect(shown).not.toMatch(/0123456789abcdef0123456789abcdef01234567/);
      expect(shown).toContain(REDACTED);
    }
  });
});

describe('what the real builds showed', () => {
  const byFile = Object.fromEntries(captures.map((c) => [c.file, c.hosts]));

  it('trixie 29.0.5: socat 1.8 runs as /usr/bin/socat1 with argv0 socat; shell-quoted EXEC; pid file 0644 with a newline', () => {
    const hosts = byFile['trixie-29.0.5.json']!;
    const socats = hosts.flatMap((h) => h.processes.filter((p) => p.comm === 'socat'));
    expect(socats.length).toBeGreaterThan(0);
    for (const p of socats) {
      expect(p.exe).toBe('/usr/bin/socat1');
      expect(p.argv[0]).toBe('socat');
      expect(p.argv.find((a) => a.startsWith('EXEC:'))).toMatch(/^EXEC:"'ipmitool .* sol activate'"/);
    }
    const socatPidFiles = hosts.flatMap((h) =>
      h.tmp.filter((f) => f.name.endsWith('.pid') && h.processes.some((p) => p.comm === 'socat' && p.argv.some((a) => a.includes(f.name)))),
    );
    expect(socatPidFiles.length).toBeGreaterThan(0);
    for (const f of socatPidFiles) {
      expect(f.mode).toBe('0o644');
      expect(f.content).toMatch(/^\d+\n$/);
    }
  });

  it('forky 35.0.1 with [ipmi]store_cred_in_env: ipmitool -E inside the quoted EXEC, no -f, no .pw file; each still a console that runs ipmitool', () => {
    const hosts = byFile['forky-35.0.1-cred-env.json']!;
    const socats = hosts.flatMap((h) => h.processes.filter((p) => p.comm === 'socat'));
    expect(socats.length).toBeGreaterThan(0);
    for (const p of socats) {
      const exec = p.argv.find((a) => a.startsWith('EXEC:'))!;
      expect(exec).toMatch(/^EXEC:"'ipmitool .* -E sol activate'"/);
      expect(exec).not.toMatch(/ -f /);
      expect(recogniseArgv(p.argv)).toMatchObject({ shape: 'socat-console', runsIpmitool: true });
    }
    for (const h of hosts) expect(h.tmp.filter((f) => f.name.endsWith('.pw')), h.host).toEqual([]);
  });

  it('sid 39.0.0: socat is the child of a forked worker, not of the conductor process; no shellinabox', () => {
    const hosts = byFile['sid-39.0.0.json']!;
    for (const h of hosts) {
      const master = h.processes.find((p) => p.argv.join(' ').startsWith('ironic-conductor: master process'));
      const workers = h.processes.filter((p) => p.argv.join(' ').startsWith('ironic-conductor: ServiceWrapper worker'));
      expect(master, h.host).toBeDefined();
      for (const s of h.processes.filter((p) => p.comm === 'socat')) {
        expect(workers.map((w) => w.pid)).toContain(s.ppid);
        expect(s.ppid).not.toBe(master!.pid);
      }
      expect(h.processes.some((p) => p.comm === 'shellinaboxd')).toBe(false);
    }
  });
});
