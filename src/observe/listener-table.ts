import type { ListenSocket } from './types.js';

/**
 * One host's listening sockets, kept compact (issue 12, "keep less"). A converged
 * controller listens on thousands of ports beside a few consoles; as one object each they
 * cost ~380 bytes (1.9 MB a host at 5,000 sockets, 380 MB over 200 hosts), here about 14:
 * a port, an index into the host's few distinct addresses and the owners' pids, in typed
 * arrays. Compare only asks which sockets listen on a port, so sockets become objects only
 * when asked for.
 */
export class ListenerTable {
  private constructor(
    private readonly ports: Uint16Array,
    private readonly endpoints: Uint16Array,
    /** Socket i's owners are pids[pidStart[i] .. pidStart[i + 1]). */
    private readonly pidStart: Uint32Array,
    private readonly pids: Int32Array,
    private readonly names: readonly (readonly [ListenSocket['family'], string])[],
  ) {}

  static of(sockets: Iterable<ListenSocket>): ListenerTable {
    const builder = new ListenerTableBuilder();
    for (const socket of sockets) builder.add(socket.family, socket.address, socket.port, socket.pids);
    return builder.build();
  }

  /** @internal use ListenerTableBuilder */
  static fromColumns(
    ports: Uint16Array,
    endpoints: Uint16Array,
    pidStart: Uint32Array,
    pids: Int32Array,
    names: readonly (readonly [ListenSocket['family'], string])[],
  ): ListenerTable {
    return new ListenerTable(ports, endpoints, pidStart, pids, names);
  }

  get size(): number {
    return this.ports.length;
  }

  /** The sockets listening on `port`, in the order the probe listed them. */
  onPort(port: number): ListenSocket[] {
    const found: ListenSocket[] = [];
    for (let i = this.ports.indexOf(port); i >= 0; i = this.ports.indexOf(port, i + 1)) found.push(this.socket(i));
    return found;
  }

  /** Every socket, as objects (tests and small hosts; compare uses onPort). */
  all(): ListenSocket[] {
    return Array.from({ length: this.size }, (_, i) => this.socket(i));
  }

  private socket(i: number): ListenSocket {
    const [family, address] = this.names[this.endpoints[i] as number] as readonly [ListenSocket['family'], string];
    const pids = Array.from(this.pids.subarray(this.pidStart[i], this.pidStart[i + 1]));
    return { family, address, port: this.ports[i] as number, pids };
  }
}

/** Collects sockets as the probe's lines arrive, straight into growing typed arrays; `build` packs them. */
export class ListenerTableBuilder {
  private size = 0;
  private ports = new Uint16Array(256);
  private endpoints = new Uint16Array(256);
  private pidStart = new Uint32Array(257);
  private pids = new Int32Array(256);
  private pidCount = 0;
  private readonly names: (readonly [ListenSocket['family'], string])[] = [];
  private readonly nameIndex = { ipv4: new Map<string, number>(), ipv6: new Map<string, number>() };

  /** One socket; its owners are kept once each, in order. */
  add(family: ListenSocket['family'], address: string, port: number, pids: readonly number[]): void {
    this.open(family, address, port);
    for (const pid of pids) this.owner(pid);
  }

  /** Starts a socket; its owners follow with `owner`. */
  open(family: ListenSocket['family'], address: string, port: number): void {
    const index = this.nameIndex[family];
    let endpoint = index.get(address);
    if (endpoint === undefined) {
      endpoint = this.names.length;
      // A flat copy: the address may be a slice of a whole chunk of probe output.
      const flat = Buffer.from(address, 'utf8').toString('utf8');
      this.names.push([family, flat]);
      index.set(flat, endpoint);
    }
    if (this.size === this.ports.length) {
      this.ports = grown(this.ports, new Uint16Array(this.size * 2));
      this.endpoints = grown(this.endpoints, new Uint16Array(this.size * 2));
      this.pidStart = grown(this.pidStart, new Uint32Array(this.size * 2 + 1));
    }
    this.ports[this.size] = port;
    this.endpoints[this.size] = endpoint;
    this.size += 1;
    this.pidStart[this.size] = this.pidCount;
  }

  /** An owner of the socket opened last (kept once). */
  owner(pid: number): void {
    const first = this.pidStart[this.size - 1] as number;
    for (let i = first; i < this.pidCount; i++) if (this.pids[i] === pid) return;
    if (this.pidCount === this.pids.length) this.pids = grown(this.pids, new Int32Array(this.pidCount * 2));
    this.pids[this.pidCount] = pid;
    this.pidCount += 1;
    this.pidStart[this.size] = this.pidCount;
  }

  build(): ListenerTable {
    return ListenerTable.fromColumns(
      this.ports.slice(0, this.size),
      this.endpoints.slice(0, this.size),
      this.pidStart.slice(0, this.size + 1),
      this.pids.slice(0, this.pidCount),
      this.names,
    );
  }
}

function grown<T extends Uint16Array | Uint32Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
