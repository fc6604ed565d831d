import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideHostKey, type HostKeyDecision, type KnownHostsMode } from '../../src/transport/host-key-policy.js';
import { appendKnownHost, knownHostsFiles, readKnownHostsFiles } from '../../src/transport/known-hosts-files.js';
import { describeKey, parseKnownHosts } from '../../src/transport/known-hosts.js';
import { hostKeyAlgorithms } from '../../src/transport/ssh-hop.js';
import { makeTempDir } from '../helpers/console-daemons.js';
import { generateKey } from '../helpers/sshd.js';

let dir: string;
let known: { line: string; blob: Buffer };
let other: { line: string; blob: Buffer };

beforeAll(() => {
  dir = makeTempDir('cd-known-hosts-policy-');
  const key = (name: string) => {
    const line = generateKey(join(dir, name));
    return { line, blob: Buffer.from(line.split(' ')[1] ?? '', 'base64') };
  };
  known = key('known');
  other = key('other');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const name = '[127.0.0.1]:2222';

describe('decideHostKey', () => {
  type Case = [string, KnownHostsMode, () => string, () => Buffer, (offered: Buffer) => HostKeyDecision];
  const cases: Case[] = [
    ['strict accepts the known key', 'strict', () => `${name} ${known.line}`, () => known.blob, () => ({ verdict: 'accept' })],
    ['accept-new accepts the known key', 'accept-new', () => `${name} ${known.line}`, () => known.blob, () => ({ verdict: 'accept' })],
    [
      'strict refuses an unknown host',
      'strict',
      () => '',
      () => other.blob,
      (offered) => ({
        verdict: 'refuse',
        reason: `host key for ${name} is not known (${describeKey(offered)}); add it to known_hosts or use --known-hosts accept-new`,
      }),
    ],
    ['accept-new records an unknown host', 'accept-new', () => '', () => other.blob, () => ({ verdict: 'record', line: `${name} ${other.line}` })],
    [
      'strict refuses a changed key, naming the known line',
      'strict',
      () => `# first line\n${name} ${known.line}`,
      () => other.blob,
      (offered) => ({
        verdict: 'refuse',
        reason: `host key for ${name} has CHANGED: offered ${describeKey(offered)} does not match the known key at /k:2; if the host was reinstalled, remove the old key (ssh-keygen -R '${name}')`,
      }),
    ],
    ['accept-new still refuses a changed key', 'accept-new', () => `${name} ${known.line}`, () => other.blob, () => expect.objectContaining({ verdict: 'refuse' })],
    [
      'a revoked key is refused in accept-new too',
      'accept-new',
      () => `@revoked * ${other.line}`,
      () => other.blob,
      (offered) => ({ verdict: 'refuse', reason: `host key for ${name} (${describeKey(offered)}) is revoked at /k:1` }),
    ],
    ['off accepts anything', 'off', () => `${name} ${known.line}\n@revoked * ${other.line}`, () => other.blob, () => ({ verdict: 'accept' })],
  ];
  it.each(cases)('%s', (_what, mode, text, offered, expected) => {
    const { entries } = parseKnownHosts(text(), '/k');
    expect(decideHostKey(mode, entries, name, offered())).toEqual(expected(offered()));
  });
});

describe('hostKeyAlgorithms', () => {
  it.each([
    [['ecdsa-sha2-nistp256'], 'ecdsa-sha2-nistp256'],
    [['ssh-rsa'], 'rsa-sha2-512'],
    [['ssh-ed25519'], 'ssh-ed25519'],
    [['sk-ssh-ed25519@openssh.com', 'ecdsa-sha2-nistp384'], 'ecdsa-sha2-nistp384'],
  ])('puts known types %j first, so the server offers a key we can check', (types, first) => {
    const list = hostKeyAlgorithms(types);
    expect(list[0]).toBe(first);
    expect(new Set(list).size).toBe(7);
  });
});

describe('known_hosts files', () => {
  it('reads the inventory files before the user and system files, once each', () => {
    expect(knownHostsFiles(['/a', '/etc/ssh/ssh_known_hosts'])).toEqual([
      '/a',
      '/etc/ssh/ssh_known_hosts',
      expect.stringMatching(/\/\.ssh\/known_hosts$/),
    ]);
  });

  it('reads every file in order, skipping missing ones and noting bad lines', async () => {
    const first = join(dir, 'first');
    const second = join(dir, 'second');
    writeFileSync(first, `a ${known.line}\nbroken\n`);
    writeFileSync(second, `b ${other.line}\n`);
    const read = await readKnownHostsFiles([first, join(dir, 'missing'), second]);
    expect(read.entries.map((e) => `${e.file}:${e.line}`)).toEqual([`${first}:1`, `${second}:1`]);
    expect(read.notes).toEqual([`${first}:2: ignored: too few fields`]);
  });

  it('accept-new creates ~/.ssh 0700 and known_hosts 0600', async () => {
    const file = join(dir, 'home', '.ssh', 'known_hosts');
    await appendKnownHost(file, `${name} ${known.line}`);
    expect(statSync(join(dir, 'home', '.ssh')).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(`${name} ${known.line}\n`);
  });

  it('appends on a new line when the file does not end with one', async () => {
    mkdirSync(join(dir, 'nl'));
    const file = join(dir, 'nl', 'known_hosts');
    writeFileSync(file, `a ${known.line}`);
    await appendKnownHost(file, `b ${other.line}`);
    expect(readFileSync(file, 'utf8')).toBe(`a ${known.line}\nb ${other.line}\n`);
  });

  it('adds a line once when parallel connections meet the same new host', async () => {
    const file = join(dir, 'parallel', 'known_hosts');
    await Promise.all([1, 2, 3].map(() => appendKnownHost(file, `${name} ${known.line}`)));
    await appendKnownHost(file, `${name} ${other.line}`);
    expect(readFileSync(file, 'utf8')).toBe(`${name} ${known.line}\n${name} ${other.line}\n`);
  });

  it('names the file when it cannot write', async () => {
    const blocker = join(dir, 'blocker');
    writeFileSync(blocker, '');
    await expect(appendKnownHost(join(blocker, 'known_hosts'), 'x')).rejects.toThrow(
      `${join(blocker, 'known_hosts')}: cannot add a host key: EEXIST`,
    );
  });
});
