/**
 * The Connector the rest of console-doctor uses: a LocalShell for `connection: local`, and
 * otherwise one SSH connection per host, through its jump hosts (ProxyJump), outermost first.
 */
import { userInfo } from 'node:os';
import type { Duplex } from 'node:stream';
import type { Client } from './ssh2.js';
import { UnreachableError } from '../errors.js';
import type { HostSpec } from '../inventory/types.js';
import { knownHostsFiles, readKnownHostsFiles, userKnownHostsFile, type KnownHostsRead } from './known-hosts-files.js';
import { LocalShell } from './local-shell.js';
import { defaultIdentityFiles, IdentityCache, rememberPassphrase } from './ssh-auth.js';
import { firstLine, formatEndpoint, openHop, type HopEndpoint, type HopRequest } from './ssh-hop.js';
import { SshShell } from './ssh-shell.js';
import type { Connector, ConnectorOptions, RemoteShell } from './types.js';

export function createConnector(options: ConnectorOptions): Connector {
  const passphrase = rememberPassphrase(options.passphrase);
  // known_hosts is read once for the whole fleet, and again only after accept-new added a key.
  const files = knownHostsFiles(options.knownHostsFiles);
  let known: Promise<KnownHostsRead> | undefined;
  const settings = {
    ...options,
    passphrase,
    identities: new IdentityCache(),
    readKnownHosts: () => (known ??= readKnownHostsFiles(files)),
    knownHostAdded: () => {
      known = undefined;
    },
  };
  return {
    connect: async (host) =>
      host.connection === 'local' ? new LocalShell(host, options.commandTimeoutMs) : connectSsh(host, settings),
  };
}

type Settings = ConnectorOptions & Pick<HopRequest, 'readKnownHosts' | 'knownHostAdded'> & {
  readonly passphrase: () => Promise<string | undefined>;
  readonly identities: IdentityCache;
};

/** The login name OpenSSH would use when neither the host nor the jump spec names one. */
function localUser(): string {
  return process.env.USER ?? userInfo().username;
}

async function connectSsh(host: HostSpec, settings: Settings): Promise<RemoteShell> {
  const user = host.user ?? localUser();
  const target: HopEndpoint = { address: host.address, port: host.port, user };
  const targetWhere = `${host.name} (${formatEndpoint(target)})`;
  const jumps: HopEndpoint[] = host.jumpHosts.map((jump) => ({ address: jump.address, port: jump.port, user: jump.user ?? user }));
  const shared = {
    knownHosts: settings.knownHosts,
    readKnownHosts: settings.readKnownHosts,
    knownHostAdded: settings.knownHostAdded,
    userKnownHostsFile: settings.userKnownHostsFile ?? userKnownHostsFile(),
    connectTimeoutMs: settings.connectTimeoutMs,
    keepaliveIntervalMs: settings.keepaliveIntervalMs,
    auth: {
      agent: settings.agent ?? (process.env.SSH_AUTH_SOCK || undefined),
      identityFiles: host.identityFiles.length > 0 ? host.identityFiles : defaultIdentityFiles(),
      passphrase: settings.passphrase,
      identities: settings.identities,
    },
  } satisfies Partial<HopRequest>;

  const hops: HopRequest[] = [
    ...jumps.map((jump) => {
      const where = `${targetWhere}: jump host ${formatEndpoint(jump)}`;
      return { ...shared, endpoint: jump, where, keyWhere: `${host.name}: jump host ${formatEndpoint(jump)}` };
    }),
    { ...shared, endpoint: target, where: targetWhere, keyWhere: host.name },
  ];

  const clients: Client[] = [];
  try {
    for (const hop of hops) {
      const previous = clients[clients.length - 1];
      const previousHop = hops[clients.length - 1];
      const sock = previous && previousHop ? await forward(previous, previousHop, hop) : undefined;
      clients.push(await openHop(sock ? { ...hop, sock } : hop));
    }
  } catch (error) {
    for (const client of clients.reverse()) client.end();
    throw error;
  }
  return new SshShell(host, clients, settings.commandTimeoutMs);
}

/** Asks a jump host to open a TCP connection to the next hop (OpenSSH's direct-tcpip). */
function forward(jump: Client, jumpHop: HopRequest, next: HopRequest): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    jump.forwardOut('127.0.0.1', 0, next.endpoint.address, next.endpoint.port, (error, stream) => {
      if (error) {
        const reason = firstLine(error.message).replace(/^\(SSH\) Channel open failure: /, '');
        reject(
          new UnreachableError(
            `${next.where}: jump host ${formatEndpoint(jumpHop.endpoint)} could not connect to ${next.endpoint.address}:${next.endpoint.port}: ${reason || 'refused'}`,
            { cause: error },
          ),
        );
        return;
      }
      resolve(stream);
    });
  });
}
