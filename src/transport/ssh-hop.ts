/**
 * Opens one SSH hop (a jump host or the target): TCP or a forwarded stream, host key checked
 * against known_hosts, authenticated. Every failure becomes one line naming host and address.
 */
import { connect as tcpConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { SshClient, type Client, type ConnectConfig, type ServerHostKeyAlgorithm } from './ssh2.js';
import { AuthError, ConfigError, UnreachableError } from '../errors.js';
import { HopAuthentication, type AuthSources } from './ssh-auth.js';
import { decideHostKey, type KnownHostsMode } from './host-key-policy.js';
import { appendKnownHost, type KnownHostsRead } from './known-hosts-files.js';
import { knownHostsName, knownKeyTypes } from './known-hosts.js';


export interface HopEndpoint {
  readonly address: string;
  readonly port: number;
  readonly user: string;
}

export interface HopRequest {
  readonly endpoint: HopEndpoint;
  /** Prefix of connection and authentication errors: `node1 (root@10.0.0.5:22)`. */
  readonly where: string;
  /** Prefix of host key errors: `node1` or `node1: jump host root@10.0.0.1:22`. */
  readonly keyWhere: string;
  /** A forwarded stream from the previous hop; a new TCP connection when absent. */
  readonly sock?: Duplex;
  readonly knownHosts: KnownHostsMode;
  /** Every known_hosts entry, read once per run (see createConnector), not once per host. */
  readonly readKnownHosts: () => Promise<KnownHostsRead>;
  /** Called after accept-new appended a key, so the next read sees it. */
  readonly knownHostAdded: () => void;
  /** Where accept-new appends. */
  readonly userKnownHostsFile: string;
  readonly connectTimeoutMs: number;
  readonly keepaliveIntervalMs: number;
  readonly auth: Omit<AuthSources, 'user' | 'onWaiting'>;
}

/** `root@10.0.0.5:22`, with brackets around IPv6 addresses. */
export function formatEndpoint(endpoint: HopEndpoint): string {
  const address = endpoint.address.includes(':') ? `[${endpoint.address}]` : endpoint.address;
  return `${endpoint.user}@${address}:${endpoint.port}`;
}

export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}

/** ssh2's defaults; the known key types of a host move to the front, as OpenSSH does. */
const HOST_KEY_ALGORITHMS: readonly ServerHostKeyAlgorithm[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

export function hostKeyAlgorithms(knownTypes: readonly string[]): ServerHostKeyAlgorithm[] {
  const preferred = knownTypes
    .flatMap((type) => (type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type]))
    .filter((algorithm): algorithm is ServerHostKeyAlgorithm => (HOST_KEY_ALGORITHMS as readonly string[]).includes(algorithm));
  return [...new Set([...preferred, ...HOST_KEY_ALGORITHMS])];
}

export async function openHop(request: HopRequest): Promise<Client> {
  const { endpoint, where } = request;
  const name = knownHostsName(endpoint.address, endpoint.port);
  const known = request.knownHosts === 'off' ? { entries: [], notes: [] } : await request.readKnownHosts();
  const preferredTypes = knownKeyTypes(known.entries, name);

  return new Promise<Client>((resolve, reject) => {
    const client = new SshClient();
    const socket = request.sock ?? tcpConnect({ host: endpoint.address, port: endpoint.port });
    let phase: 'tcp' | 'ssh' | 'auth' = request.sock ? 'ssh' : 'tcp';
    let hostKeyProblem: Error | undefined;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;

    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      client.destroy();
      socket.destroy();
      reject(error);
    };
    const startTimer = (): void => {
      clearTimeout(timer);
      if (settled) return;
      timer = setTimeout(() => fail(new UnreachableError(`${where}: ${timeoutMessage(phase, request.connectTimeoutMs)}`)), request.connectTimeoutMs);
    };
    const auth = new HopAuthentication({
      ...request.auth,
      user: endpoint.user,
      // Waiting for the operator to type a passphrase is not the host being slow.
      onWaiting: (waiting) => (waiting ? clearTimeout(timer) : startTimer()),
    });

    const hostVerifier = (key: Buffer, verify: (valid: boolean) => void): void => {
      const decision = decideHostKey(request.knownHosts, known.entries, name, key);
      if (decision.verdict === 'accept') return verify(true);
      if (decision.verdict === 'refuse') {
        hostKeyProblem = new AuthError(`${request.keyWhere}: ${decision.reason}`);
        return verify(false);
      }
      appendKnownHost(request.userKnownHostsFile, decision.line).then(
        () => {
          request.knownHostAdded();
          verify(true);
        },
        (error: unknown) => {
          hostKeyProblem = error instanceof ConfigError ? error : new ConfigError(String(error));
          verify(false);
        },
      );
    };

    if (phase === 'tcp') socket.once('connect', () => (phase = 'ssh'));
    client.on('handshake', () => {
      phase = 'auth';
      startTimer();
    });
    client.on('error', (error: Error & { level?: string; code?: string }) => {
      if (settled) return;
      if (hostKeyProblem !== undefined) return fail(hostKeyProblem);
      // An unreachable agent is not fatal: ssh2 goes on with the next method.
      if (error.level === 'agent') return;
      if (error.level === 'client-authentication') return fail(auth.failure(where, error));
      if (error.level === 'client-socket') return fail(new UnreachableError(`${where}: ${socketProblem(error, endpoint.address)}`, { cause: error }));
      fail(new UnreachableError(`${where}: SSH handshake failed: ${firstLine(error.message)}`, { cause: error }));
    });
    client.on('close', () => fail(hostKeyProblem ?? new UnreachableError(`${where}: connection closed before login`)));
    client.on('ready', () => {
      settled = true;
      clearTimeout(timer);
      resolve(client);
    });

    const config: ConnectConfig = {
      sock: socket,
      username: endpoint.user,
      hostVerifier,
      authHandler: auth.handler,
      readyTimeout: 0,
      keepaliveInterval: request.keepaliveIntervalMs,
      keepaliveCountMax: 3,
      ...(preferredTypes.length > 0 ? { algorithms: { serverHostKey: hostKeyAlgorithms(preferredTypes) } } : {}),
    };
    startTimer();
    client.connect(config);
  });
}

function timeoutMessage(phase: 'tcp' | 'ssh' | 'auth', ms: number): string {
  switch (phase) {
    case 'tcp':
      return `connection timed out after ${seconds(ms)}`;
    case 'ssh':
      return `no SSH answer within ${seconds(ms)}`;
    case 'auth':
      return `no answer to authentication within ${seconds(ms)}`;
  }
}

function socketProblem(error: Error & { code?: string }, address: string): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'EHOSTUNREACH':
      return 'no route to host';
    case 'ENETUNREACH':
      return 'network unreachable';
    case 'ENOTFOUND':
      return `cannot resolve ${address}`;
    case 'EAI_AGAIN':
      return `cannot resolve ${address} (temporary DNS failure)`;
    case 'ECONNRESET':
      return 'connection reset by the server';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'EADDRNOTAVAIL':
      return 'address not available';
    default:
      return error.code ?? firstLine(error.message);
  }
}

export function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
