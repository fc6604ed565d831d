/**
 * A conductor host for the adversarial probe tests: a real OpenSSH sshd on loopback
 * (logging in as root, like a conductor scanned without sudo) and a scan through it.
 * The sshd shares this machine's PID namespace, so tests only assert on their own pids.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SSH, type HostSpec } from '../../src/inventory/types.js';
import { observeFleet } from '../../src/observe/observe-fleet.js';
import { buildProbeCommand } from '../../src/observe/probe-command.js';
import { ProbeReader, type ProbeRecords } from '../../src/observe/probe-stream.js';
import type { HostObservation, HostScan } from '../../src/observe/types.js';
import { createConnector } from '../../src/transport/create-connector.js';
import type { Connector } from '../../src/transport/types.js';
import { buildHostSpec } from '../helpers/builders.js';
import type { SshdHandle } from '../helpers/sshd.js';

export function sshHost(sshd: SshdHandle, overrides: Partial<HostSpec> = {}): HostSpec {
  return buildHostSpec({
    name: 'conductor-adv',
    address: sshd.address,
    port: sshd.port,
    user: sshd.user,
    sudo: false,
    identityFiles: [sshd.clientKeyPath],
    ironicConf: '/nonexistent/ironic.conf',
    ...overrides,
  });
}

export function sshConnector(sshd: SshdHandle, dir: string): Connector {
  writeFileSync(join(dir, 'known_hosts'), `${sshd.knownHostsLine}\n`);
  return createConnector({
    ...DEFAULT_SSH,
    knownHostsFiles: [join(dir, 'known_hosts')],
    userKnownHostsFile: join(dir, 'never-written'),
    connectTimeoutMs: 5_000,
    commandTimeoutMs: 30_000,
    agent: '',
  });
}

/** Scans one host; fails the test with the scan's error when it could not be scanned. */
export async function scanOk(host: HostSpec, connector: Connector): Promise<HostObservation> {
  const { scans } = await observeFleet([host], connector, { concurrency: 1 });
  const scan = scans[0] as HostScan;
  if (!scan.ok) throw new Error(`host not scanned: ${scan.errorKind}: ${scan.error}`);
  return scan.observation;
}

/**
 * The probe's parsed records of one host, before the observation keeps only what compare
 * reads again (brief records of unrelated processes included).
 */
export async function probeRecords(host: HostSpec, connector: Connector): Promise<ProbeRecords> {
  const shell = await connector.connect(host);
  try {
    const probe = buildProbeCommand(host);
    const reader = new ProbeReader(host.name);
    await shell.exec(probe.command, { stdin: probe.stdin, onStdout: (chunk) => reader.push(chunk) });
    return reader.finish();
  } finally {
    shell.close();
  }
}
