/**
 * observeFleet over real SSH (an OpenSSH sshd on loopback) against a real socat console.
 */
import { rmSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SSH, type HostSpec } from '../../src/inventory/types.js';
import { observeFleet } from '../../src/observe/observe-fleet.js';
import { createConnector } from '../../src/transport/create-connector.js';
import { buildHostSpec } from '../helpers/builders.js';
import { childPids, connectClient, makeTempDir, startSocatConsole, type StartedConsole } from '../helpers/console-daemons.js';
import { startSshd, type SshdHandle } from '../helpers/sshd.js';

const PORT = 23400 + (process.pid % 40) * 2;
let sshd: SshdHandle;
let dir: string;
let daemon: StartedConsole;
let client: Socket;

beforeAll(async () => {
  sshd = await startSshd();
  dir = makeTempDir('cd-observe-ssh-');
  writeFileSync(join(dir, 'known_hosts'), `${sshd.knownHostsLine}\n`);
  daemon = await startSocatConsole({ port: PORT, pidDir: dir });
  client = await connectClient(PORT);
  await new Promise((r) => setTimeout(r, 300));
});

afterAll(async () => {
  client?.destroy();
  if (daemon !== undefined) {
    const tree = [daemon.pid];
    for (let i = 0; i < tree.length; i++) tree.push(...childPids(tree[i]!));
    for (const pid of tree.reverse()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function host(overrides: Partial<HostSpec> = {}): HostSpec {
  return buildHostSpec({
    name: 'conductor-ssh',
    address: sshd.address,
    port: sshd.port,
    user: sshd.user,
    identityFiles: [sshd.clientKeyPath],
    settings: { tempdir: dir },
    ...overrides,
  });
}

describe('observeFleet over SSH', () => {
  it('observes the socat console through one connection and keeps it open when asked', async () => {
    const connector = createConnector({
      ...DEFAULT_SSH,
      knownHostsFiles: [join(dir, 'known_hosts')],
      userKnownHostsFile: join(dir, 'never-written'),
      connectTimeoutMs: 5_000,
      commandTimeoutMs: 15_000,
      agent: '',
    });
    const { scans, shells } = await observeFleet([host(), host({ name: 'closed-port', port: 1 })], connector, {
      concurrency: 2,
      keepOpen: true,
    });
    try {
      const [ok, failed] = scans;
      expect(failed).toMatchObject({ host: 'closed-port', ok: false, errorKind: 'unreachable' });
      if (ok?.ok !== true) throw new Error(`scan failed: ${JSON.stringify(ok)}`);
      const found = ok.observation.consoles.filter((c) => c.nodeUuid === daemon.nodeUuid);
      expect(found).toHaveLength(1);
      expect(found[0]).toMatchObject({ pid: daemon.pid, port: PORT, pidFile: daemon.pidFile, listening: true });
      expect(found[0]!.sessionPids).toHaveLength(2);
      expect([...shells.keys()]).toEqual(['conductor-ssh']);
    } finally {
      shells.forEach((shell) => shell.close());
    }
  });
});
