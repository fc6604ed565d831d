import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { observationOf, parseProbeOutput } from '../../src/observe/parse-probe-output.js';
import { ProbeReader } from '../../src/observe/probe-stream.js';
import { buildHostSpec } from '../helpers/builders.js';

/** The probe's output parsed chunk by chunk as it arrives must equal the whole text parsed at once. */
const FIXTURES = join(import.meta.dirname, '../fixtures/probe');
const host = buildHostSpec({ name: 'conductor-1.lab', connection: 'local', sudo: false });

function streamed(bytes: Buffer, size: number): ReturnType<typeof parseProbeOutput> {
  const reader = new ProbeReader(host.name);
  for (let i = 0; i < bytes.length; i += size) reader.push(bytes.subarray(i, i + size));
  return observationOf(reader.finish(), host);
}

/** A format-3 answer by hand: one console-like socat in whole, the rest in brief. */
const NONCE = 'n0nce';
const v3 = [
  'login banner line',
  `@@cd ${NONCE} probe 3@@`,
  '',
  `@@cd ${NONCE} meta@@`,
  'boot_id=b1', 'clk_tck=100', 'now=2026-01-01T00:00:00Z', 'uid=0',
  '',
  `@@cd ${NONCE} stat@@`,
  '/proc/40/stat', '40 (socat) S 1 40 40 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 777 0 0\\n$',
  '',
  `@@cd ${NONCE} cmdline@@`,
  '/proc/40/cmdline', 'socat$', '-L/tmp/11111111-2222-4333-8444-555555555555.pid$', 'TCP4-LISTEN:23000,bind=127.0.0.1$', 'EXEC:ipmitool\\303\\251 -f /tmp/11111111-2222-4333-8444-555555555555.pw sol activate$',
  '',
  `@@cd ${NONCE} ps@@`,
  '1 0 S 5 /sbin/init$', '2 0 S 6', '77 1 S 900 /usr/bin/caf\\303\\251 worker$', `78 1 S 901 ==> /proc/9/cmdline <==$`,
  '',
  `@@cd ${NONCE} status@@`,
  '/proc/40/status:Uid:\t0\t0\t0\t0', '/proc/40/status:NSpid:\t40',
  '',
  `@@cd ${NONCE} listen@@`,
  '127.0.0.1:23000 40', '0.0.0.0:22 77 77', '[::]:5000',
  '',
  `@@cd ${NONCE} netns@@`, 'self net:[1]',
  '',
  `@@cd ${NONCE} passwd@@`, 'root:0',
  '',
  `@@cd ${NONCE} conf@@`,
  '',
  `@@cd ${NONCE} files@@`,
  '',
  `@@cd ${NONCE} pid-contents@@`,
  '',
  `@@cd ${NONCE} end@@`,
  '',
].join('\n');

/** The same answer with podman's and docker's `ps` sections (docker here is podman's shim: the same container twice). */
const CONTAINER = ['c'.repeat(64), 'ironic-console-11111111-2222-4333-8444-555555555555', 'running', 'true', 'conductor-1', '11111111-2222-4333-8444-555555555555', '127.0.0.1:43615->5900/tcp'].join('\t');
const OTHER = ['d'.repeat(64), 'ironic-console-22222222-2222-4333-8444-555555555555', 'exited', 'true', 'conductor-2', '22222222-2222-4333-8444-555555555555', ''].join('\t');
const withContainers = v3.replace(
  `@@cd ${NONCE} conf@@`,
  [`@@cd ${NONCE} containers-podman@@`, CONTAINER, ['e'.repeat(64), 'web', 'running', '', '', '', ''].join('\t'), '', `@@cd ${NONCE} containers-docker@@`, CONTAINER, OTHER, '', `@@cd ${NONCE} conf@@`].join('\n'),
);

describe('ProbeReader: parsing as the output arrives', () => {
  it.each([1, 7, 4096])('reads the console containers of podman and docker cut into %i-byte chunks, one entry per container id', (size) => {
    const observation = streamed(Buffer.from(withContainers, 'utf8'), size);
    expect(observation.containers.map((c) => [c.engine, c.nodeUuid, c.conductor, c.state, c.ports.length])).toEqual([
      ['podman', '11111111-2222-4333-8444-555555555555', 'conductor-1', 'running', 1],
      ['docker', '22222222-2222-4333-8444-555555555555', 'conductor-2', 'exited', 0],
    ]);
    expect(streamed(Buffer.from(v3, 'utf8'), size).containers).toEqual([]);
  });

  it.each([1, 3, 4096])('gives the same observation for a format-2 capture cut into %i-byte chunks', (size) => {
    const text = readFileSync(join(FIXTURES, 'root-ss.txt'));
    expect(streamed(text, size)).toEqual(parseProbeOutput(text.toString('utf8'), host));
  });

  it.each([1, 2, 5, 64])('reads format 3 (brief records, compact sockets) cut into %i-byte chunks', (size) => {
    const observation = streamed(Buffer.from(v3, 'utf8'), size);
    expect(observation.processes.map((p) => [p.pid, p.argv, p.uid, p.brief ?? false])).toEqual([
      [1, ['/sbin/init'], -1, true],
      [2, [], -1, true],
      [40, ['socat', '-L/tmp/11111111-2222-4333-8444-555555555555.pid', 'TCP4-LISTEN:23000,bind=127.0.0.1', 'EXEC:ipmitoolé -f /tmp/11111111-2222-4333-8444-555555555555.pw sol activate'], 0, false],
      [77, ['/usr/bin/café worker'], -1, true],
      [78, ['==> /proc/9/cmdline <=='], -1, true],
    ]);
    expect(observation.processes.find((p) => p.pid === 77)).toMatchObject({ ppid: 1, state: 'S', startTicks: 900, user: '?', nsPids: [77] });
    expect(observation.listeners.all()).toEqual([
      { family: 'ipv4', address: '127.0.0.1', port: 23000, pids: [40] },
      { family: 'ipv4', address: '0.0.0.0', port: 22, pids: [77] },
      { family: 'ipv6', address: '::', port: 5000, pids: [] },
    ]);
    expect(observation.consoles.map((c) => [c.pid, c.port, c.listening])).toEqual([[40, 23000, true]]);
    expect(observation.warnings).toEqual([]);
  });

  it('drops a brief line that does not parse, with a warning, and keeps the host', () => {
    const broken = v3.replace('2 0 S 6\n', '2 0 S six\n');
    const observation = parseProbeOutput(broken, host);
    expect(observation.processes.some((p) => p.pid === 2)).toBe(false);
    expect(observation.warnings).toEqual(['conductor-1.lab: dropped an unreadable ps record: 2 0 S six']);
  });

  it('fails a host whose output was cut short', () => {
    expect(() => parseProbeOutput(v3.slice(0, v3.indexOf(`@@cd ${NONCE} end@@`)), host)).toThrow('probe output was cut short (no end marker)');
  });
});
