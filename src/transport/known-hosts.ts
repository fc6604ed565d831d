/**
 * OpenSSH known_hosts, parsed and matched without I/O (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT").
 * No maintained npm package does this, and ssh2 checks no host keys by itself.
 *
 * A line is `[@marker] hostpatterns keytype base64key [comment]`, where hostpatterns is
 * either a comma-separated list of patterns (`*`, `?`, `!negation`, `[host]:port`) or one
 * hashed name `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';

export type KnownHostsMarker = 'revoked' | 'cert-authority';

export type HostField =
  | { readonly kind: 'patterns'; readonly patterns: readonly string[] }
  | { readonly kind: 'hashed'; readonly salt: Buffer; readonly hash: Buffer };

/** One usable line of a known_hosts file. */
export interface KnownHostsEntry {
  readonly file: string;
  /** 1-based line number, for messages such as "the known key at ~/.ssh/known_hosts:12". */
  readonly line: number;
  readonly marker: KnownHostsMarker | undefined;
  readonly hosts: HostField;
  /** The key type written in the line, e.g. `ssh-ed25519`; equal to the type inside `key`. */
  readonly keyType: string;
  /** The decoded public key blob, comparable with what the server offers. */
  readonly key: Buffer;
}

export interface ParsedKnownHosts {
  readonly entries: readonly KnownHostsEntry[];
  /** Lines that were ignored, as `file:line: reason`. */
  readonly notes: readonly string[];
}

/** What the known_hosts entries say about a key offered by `name`. */
export type HostKeyLookup =
  | { readonly status: 'known'; readonly entry: KnownHostsEntry }
  | { readonly status: 'revoked'; readonly entry: KnownHostsEntry }
  /** Entries for this host with the same key type but another key. */
  | { readonly status: 'changed'; readonly known: readonly KnownHostsEntry[] }
  | { readonly status: 'unknown' };

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function parseKnownHosts(text: string, file: string): ParsedKnownHosts {
  const entries: KnownHostsEntry[] = [];
  const notes: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const parsed = parseLine(raw, file, index + 1);
    if (parsed === undefined) return;
    if (typeof parsed === 'string') notes.push(`${file}:${index + 1}: ignored: ${parsed}`);
    else entries.push(parsed);
  });
  return { entries, notes };
}

/** One line: an entry, a reason it is ignored, or undefined for blanks and comments. */
function parseLine(raw: string, file: string, line: number): KnownHostsEntry | string | undefined {
  const text = raw.trim();
  if (text === '' || text.startsWith('#')) return undefined;
  const fields = text.split(/\s+/);
  let marker: KnownHostsMarker | undefined;
  if (fields[0]?.startsWith('@')) {
    const word = fields.shift();
    if (word === '@revoked') marker = 'revoked';
    else if (word === '@cert-authority') marker = 'cert-authority';
    else return `unknown marker ${word}`;
  }
  const [hostText, keyType, keyText] = fields;
  if (hostText === undefined || keyType === undefined || keyText === undefined) return 'too few fields';
  if (/^\d+$/.test(keyType)) return 'SSH protocol 1 key';
  if (!BASE64.test(keyText)) return 'key is not base64';
  const key = Buffer.from(keyText, 'base64');
  const blobType = keyTypeOfBlob(key);
  if (blobType !== keyType) return `key type ${keyType} does not match the key (${blobType ?? 'unreadable'})`;
  const hosts = parseHostField(hostText);
  if (hosts === undefined) return 'malformed hashed host name';
  return { file, line, marker, hosts, keyType, key };
}

function parseHostField(text: string): HostField | undefined {
  if (!text.startsWith('|')) return { kind: 'patterns', patterns: text.split(',').filter((p) => p !== '') };
  const parts = text.split('|');
  if (parts.length !== 4 || parts[1] !== '1') return undefined;
  const [, , saltText = '', hashText = ''] = parts;
  if (!BASE64.test(saltText) || !BASE64.test(hashText)) return undefined;
  const salt = Buffer.from(saltText, 'base64');
  const hash = Buffer.from(hashText, 'base64');
  if (salt.length !== 20 || hash.length !== 20) return undefined;
  return { kind: 'hashed', salt, hash };
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

/** A hashed host field as `ssh-keygen -H` writes it. */
export function hashHostName(name: string, salt: Buffer = randomBytes(20)): string {
  const hash = createHmac('sha1', salt).update(name).digest();
  return `|1|${salt.toString('base64')}|${hash.toString('base64')}`;
}

/** Wildcard patterns compiled once per run: every host is matched against every line. */
const compiledPatterns = new Map<string, RegExp>();

/** OpenSSH's match_pattern: `*` any run of characters, `?` exactly one. */
export function matchPattern(pattern: string, text: string): boolean {
  // Most lines name hosts plainly: no regex to build for them.
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === text;
  let regex = compiledPatterns.get(pattern);
  if (regex === undefined) {
    const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    regex = new RegExp(`^${source}$`, 's');
    compiledPatterns.set(pattern, regex);
  }
  return regex.test(text);
}

/** Whether a host field names `name` (case-insensitive; a matching `!pattern` excludes). */
export function hostFieldMatches(hosts: HostField, name: string): boolean {
  // ssh lowercases the host name before looking it up, hashed or not.
  const lower = name.toLowerCase();
  if (hosts.kind === 'hashed') {
    return createHmac('sha1', hosts.salt).update(lower).digest().equals(hosts.hash);
  }
  let matched = false;
  for (const pattern of hosts.patterns) {
    const negated = pattern.startsWith('!');
    const body = (negated ? pattern.slice(1) : pattern).toLowerCase();
    if (!matchPattern(body, lower)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

/**
 * Looks up an offered host key: a revoked key is refused whatever other lines say; a key
 * equal to a known one of its type is known; another key of a known type has changed.
 * `@cert-authority` lines vouch for certificates only, so plain keys ignore them.
 */
export function lookupHostKey(entries: readonly KnownHostsEntry[], name: string, offered: Buffer): HostKeyLookup {
  const forHost = entries.filter((entry) => entry.marker !== 'cert-authority' && hostFieldMatches(entry.hosts, name));
  const revoked = forHost.find((entry) => entry.marker === 'revoked' && entry.key.equals(offered));
  if (revoked !== undefined) return { status: 'revoked', entry: revoked };
  const offeredType = keyTypeOfBlob(offered);
  const sameType = forHost.filter((entry) => entry.marker === undefined && entry.keyType === offeredType);
  const known = sameType.find((entry) => entry.key.equals(offered));
  if (known !== undefined) return { status: 'known', entry: known };
  if (sameType.length > 0) return { status: 'changed', known: sameType };
  return { status: 'unknown' };
}

/** Key types known for `name`, in file order: ssh2 should negotiate one of these first. */
export function knownKeyTypes(entries: readonly KnownHostsEntry[], name: string): string[] {
  const types = entries
    .filter((entry) => entry.marker === undefined && hostFieldMatches(entry.hosts, name))
    .map((entry) => entry.keyType);
  return [...new Set(types)];
}

/** The key type inside a public key blob (its first SSH string), or undefined if unreadable. */
export function keyTypeOfBlob(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const length = blob.readUInt32BE(0);
  if (length === 0 || length > 64 || blob.length < 4 + length) return undefined;
  const type = blob.subarray(4, 4 + length).toString('latin1');
  return /^[\x21-\x7e]+$/.test(type) ? type : undefined;
}

/** The fingerprint as OpenSSH prints it: `SHA256:` + unpadded base64 of sha256(blob). */
export function fingerprintSha256(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The short name OpenSSH shows for a key type: ED25519, ECDSA, RSA. */
export function keyTypeLabel(keyType: string | undefined): string {
  if (keyType === undefined) return 'UNKNOWN';
  if (keyType === 'ssh-ed25519') return 'ED25519';
  if (keyType.startsWith('ecdsa-sha2-')) return 'ECDSA';
  if (keyType === 'ssh-rsa') return 'RSA';
  if (keyType === 'ssh-dss') return 'DSA';
  return keyType.toUpperCase();
}

/** `ED25519 SHA256:...` for messages. */
export function describeKey(blob: Buffer): string {
  return `${keyTypeLabel(keyTypeOfBlob(blob))} ${fingerprintSha256(blob)}`;
}

/** A known_hosts line for `name` and an offered key, as accept-new appends it. */
export function formatKnownHostsLine(name: string, blob: Buffer): string {
  return `${name} ${keyTypeOfBlob(blob) ?? 'unknown'} ${blob.toString('base64')}`;
}
