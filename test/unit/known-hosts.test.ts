import { spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeKey,
  fingerprintSha256,
  formatKnownHostsLine,
  hashHostName,
  hostFieldMatches,
  keyTypeOfBlob,
  knownHostsName,
  knownKeyTypes,
  lookupHostKey,
  matchPattern,
  parseKnownHosts,
  type HostField,
} from '../../src/transport/known-hosts.js';
import { makeTempDir } from '../helpers/console-daemons.js';
import { generateKey } from '../helpers/sshd.js';

/** Real keys made by ssh-keygen: their public lines and decoded blobs. */
interface RealKey {
  readonly path: string;
  readonly line: string;
  readonly blob: Buffer;
}

let dir: string;
let ed25519: RealKey;
let ed25519Other: RealKey;
let ecdsa: RealKey;
let rsa: RealKey;

function realKey(name: string, type: 'ed25519' | 'ecdsa' | 'rsa'): RealKey {
  const path = join(dir, name);
  const line = generateKey(path, type);
  return { path, line, blob: Buffer.from(line.split(' ')[1] ?? '', 'base64') };
}

beforeAll(() => {
  dir = makeTempDir('cd-known-hosts-');
  ed25519 = realKey('ed25519', 'ed25519');
  ed25519Other = realKey('ed25519-other', 'ed25519');
  ecdsa = realKey('ecdsa', 'ecdsa');
  rsa = realKey('rsa', 'rsa');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function patterns(text: string): HostField {
  return { kind: 'patterns', patterns: text.split(',') };
}

describe('parseKnownHosts', () => {
  it('reads plain entries with their file, line, marker, key type and key', () => {
    const text = [
      '# a comment',
      '',
      `conductor-a,10.0.0.5 ${ed25519.line} root@conductor-a`,
      `   [10.0.0.6]:2222 ${ecdsa.line}`,
      `@revoked * ${rsa.line}`,
      `@cert-authority *.example.com ${ed25519Other.line}`,
    ].join('\n');
    const { entries, notes } = parseKnownHosts(text, '/k');
    expect(notes).toEqual([]);
    expect(entries.map((e) => [e.line, e.marker, e.hosts, e.keyType])).toEqual([
      [3, undefined, patterns('conductor-a,10.0.0.5'), 'ssh-ed25519'],
      [4, undefined, patterns('[10.0.0.6]:2222'), 'ecdsa-sha2-nistp256'],
      [5, 'revoked', patterns('*'), 'ssh-rsa'],
      [6, 'cert-authority', patterns('*.example.com'), 'ssh-ed25519'],
    ]);
    expect(entries[0]?.key.equals(ed25519.blob)).toBe(true);
    expect(entries.every((e) => e.file === '/k')).toBe(true);
  });

  it.each([
    ['too few fields', 'conductor-a ssh-ed25519', '/k:1: ignored: too few fields'],
    ['a key that is not base64', 'conductor-a ssh-ed25519 not*base64', '/k:1: ignored: key is not base64'],
    ['an unknown marker', () => `@trusted conductor-a ${ed25519.line}`, '/k:1: ignored: unknown marker @trusted'],
    ['a key type that lies', () => `conductor-a ssh-rsa ${ed25519.line.split(' ')[1]}`, '/k:1: ignored: key type ssh-rsa does not match the key (ssh-ed25519)'],
    ['a broken hashed name', () => `|1|c2FsdA==|aGFzaA== ${ed25519.line}`, '/k:1: ignored: malformed hashed host name'],
    ['an SSH-1 key', 'conductor-a 1024 35 12345678901234567890', '/k:1: ignored: SSH protocol 1 key'],
  ])('ignores %s with a note', (_what, line, note) => {
    const text = typeof line === 'function' ? line() : line;
    const { entries, notes } = parseKnownHosts(`${text}\n${`good ${ed25519.line}`}`, '/k');
    expect(notes).toEqual([note]);
    expect(entries.map((e) => e.line)).toEqual([2]);
  });
});

describe('host patterns', () => {
  it.each([
    ['conductor-a', 'conductor-a', true],
    ['conductor-a', 'CONDUCTOR-A', true],
    ['conductor-a', 'conductor-b', false],
    ['*.example.com', 'c1.example.com', true],
    ['*.example.com', 'example.com', false],
    ['10.0.0.?', '10.0.0.7', true],
    ['10.0.0.?', '10.0.0.17', false],
    ['[127.0.0.1]:2222', '[127.0.0.1]:2222', true],
    ['[127.0.0.1]:2222', '127.0.0.1', false],
    ['[127.0.0.1]:*', '[127.0.0.1]:22201', true],
    ['*.example.com,!bad.example.com', 'bad.example.com', false],
    ['!bad.example.com,*.example.com', 'good.example.com', true],
    ['!bad.example.com', 'good.example.com', false],
  ])('%s matches %s: %s', (field, name, expected) => {
    expect(hostFieldMatches(patterns(field), name)).toBe(expected);
  });

  it('treats regex characters in patterns literally', () => {
    expect(matchPattern('10.0.0.1', '10a0b0c1')).toBe(false);
    expect(matchPattern('a+b', 'a+b')).toBe(true);
    // Also inside a wildcard pattern, and again once it is compiled.
    for (let i = 0; i < 2; i++) {
      expect(matchPattern('10.0.0.*', '10a0b0c1')).toBe(false);
      expect(matchPattern('10.0.0.*', '10.0.0.1')).toBe(true);
      expect(matchPattern('[h+1]:?', '[h+1]:7')).toBe(true);
    }
  });

  it.each([
    ['10.0.0.5', 22, '10.0.0.5'],
    ['10.0.0.5', 2222, '[10.0.0.5]:2222'],
    ['::1', 2222, '[::1]:2222'],
  ])('looks %s port %d up as %s', (address, port, name) => {
    expect(knownHostsName(address, port)).toBe(name);
  });
});

describe('hashed host names', () => {
  it('matches a line hashed here with HMAC-SHA1 keyed by the salt', () => {
    const salt = randomBytes(20);
    const hash = createHmac('sha1', salt).update('[127.0.0.1]:2222').digest();
    const line = `|1|${salt.toString('base64')}|${hash.toString('base64')} ${ed25519.line}`;
    const [entry] = parseKnownHosts(line, '/k').entries;
    expect(entry?.hosts.kind).toBe('hashed');
    expect(hostFieldMatches(entry!.hosts, '[127.0.0.1]:2222')).toBe(true);
    expect(hostFieldMatches(entry!.hosts, '127.0.0.1')).toBe(false);
    expect(hostFieldMatches(entry!.hosts, '[127.0.0.1]:2223')).toBe(false);
  });

  it('matches lines hashed by the real ssh-keygen -H', () => {
    const file = join(dir, 'known_hosts_to_hash');
    writeFileSync(file, `conductor-a.example.com ${ed25519.line}\n[10.1.2.3]:2222 ${ecdsa.line}\n`);
    const result = spawnSync('ssh-keygen', ['-H', '-f', file], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('conductor-a');
    const { entries, notes } = parseKnownHosts(text, file);
    expect(notes).toEqual([]);
    expect(lookupHostKey(entries, 'conductor-a.example.com', ed25519.blob).status).toBe('known');
    expect(lookupHostKey(entries, '[10.1.2.3]:2222', ecdsa.blob).status).toBe('known');
    expect(lookupHostKey(entries, '10.1.2.3', ecdsa.blob).status).toBe('unknown');
  });

  it('hashHostName writes what ssh-keygen -F finds', () => {
    const file = join(dir, 'known_hosts_hashed_here');
    writeFileSync(file, `${hashHostName('[10.9.9.9]:2200')} ${ed25519.line}\n`);
    const result = spawnSync('ssh-keygen', ['-F', '[10.9.9.9]:2200', '-f', file], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('found: line 1');
  });
});

describe('lookupHostKey', () => {
  const name = '[127.0.0.1]:2222';
  const cases: Array<[string, () => string[], () => Buffer, string]> = [
    ['the known key', () => [`${name} ${ed25519.line}`], () => ed25519.blob, 'known'],
    ['another key of a known type', () => [`${name} ${ed25519.line}`], () => ed25519Other.blob, 'changed'],
    ['a key of a type not known for the host', () => [`${name} ${ecdsa.line}`], () => ed25519.blob, 'unknown'],
    ['a key listed for another host only', () => [`[127.0.0.1]:2223 ${ed25519.line}`], () => ed25519.blob, 'unknown'],
    ['a revoked key, even when another line knows it', () => [`${name} ${ed25519.line}`, `@revoked * ${ed25519.line}`], () => ed25519.blob, 'revoked'],
    ['a key revoked for other hosts only', () => [`${name} ${ed25519.line}`, `@revoked other ${ed25519.line}`], () => ed25519.blob, 'known'],
    ['a plain key equal to a cert-authority key', () => [`@cert-authority * ${ed25519.line}`], () => ed25519.blob, 'unknown'],
    ['one of two known keys of the same type', () => [`${name} ${ed25519Other.line}`, `${name} ${ed25519.line}`], () => ed25519.blob, 'known'],
  ];
  it.each(cases)('%s', (_what, lines, offered, status) => {
    const { entries } = parseKnownHosts(lines().join('\n'), '/k');
    expect(lookupHostKey(entries, name, offered()).status).toBe(status);
  });

  it('names every line of the changed key type', () => {
    const { entries } = parseKnownHosts([`${name} ${ecdsa.line}`, `${name} ${ed25519.line}`].join('\n'), '/k');
    const lookup = lookupHostKey(entries, name, ed25519Other.blob);
    expect(lookup.status === 'changed' && lookup.known.map((e) => e.line)).toEqual([2]);
  });

  it('lists the key types known for a host, first seen first', () => {
    const { entries } = parseKnownHosts(
      [`${name} ${ecdsa.line}`, `other ${rsa.line}`, `[127.0.0.1]:* ${ed25519.line}`, `${name} ${ecdsa.line}`].join('\n'),
      '/k',
    );
    expect(knownKeyTypes(entries, name)).toEqual(['ecdsa-sha2-nistp256', 'ssh-ed25519']);
  });
});

describe('key descriptions', () => {
  it.each(['ed25519', 'ecdsa', 'rsa'] as const)('the %s fingerprint is what ssh-keygen -lf prints', (type) => {
    const key = { ed25519, ecdsa, rsa }[type];
    const printed = spawnSync('ssh-keygen', ['-lf', `${key.path}.pub`], { encoding: 'utf8' }).stdout;
    // "256 SHA256:abc... comment (ED25519)"
    const [, fingerprint] = printed.trim().split(/\s+/);
    const label = /\((\w+)\)\s*$/.exec(printed.trim())?.[1];
    expect(fingerprintSha256(key.blob)).toBe(fingerprint);
    expect(describeKey(key.blob)).toBe(`${label} ${fingerprint}`);
  });

  it('reads the key type from the blob and rejects garbage', () => {
    expect(keyTypeOfBlob(ecdsa.blob)).toBe('ecdsa-sha2-nistp256');
    expect(keyTypeOfBlob(Buffer.from([0, 0]))).toBeUndefined();
    expect(keyTypeOfBlob(Buffer.from([0, 0, 0, 200, 1, 2]))).toBeUndefined();
  });

  it('formats a line that parses back to the same key', () => {
    const line = formatKnownHostsLine('[127.0.0.1]:2222', rsa.blob);
    expect(line).toBe(`[127.0.0.1]:2222 ${rsa.line}`);
    const [entry] = parseKnownHosts(line, '/k').entries;
    expect(entry?.key.equals(rsa.blob)).toBe(true);
  });
});
