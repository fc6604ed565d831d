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
    ports: readonly number[],
    endpoints: readonly number[],
    pidStart: readonly number[],
    pids: readonly number[],
    names: readonly (readonly [ListenSocket['family'], string])[],
  ): ListenerTable {
    return new ListenerTable(Uint16Array.from(ports), Uint16Array.from(endpoints), Uint32Array.from(pidStart), Int32Array.from(pids), names);
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

/** Collects sockets as the probe's lines arrive; `build` packs them. */
export class ListenerTableBuilder {
  private readonly ports: number[] = [];
  private readonly endpoints: number[] = [];
  private readonly pidStart: number[] = [0];
  private readonly pids: number[] = [];
  private readonly names: (readonly [ListenSocket['family'], string])[] = [];
  private readonly nameIndex = { ipv4: new Map<string, number>(), ipv6: new Map<string, number>() };

  /** One socket; its owners are kept once each, in order. */
  add(family: ListenSocket['family'], address: string, port: number, pids: readonly number[]): void {
    const index = this.nameIndex[family];
    let endpoint = index.get(address);
    if (endpoint === undefined) {
      endpoint = this.names.length;
      // A flat copy: the address may be a slice of a whole chunk of probe output.
      const flat = Buffer.from(address, 'utf8').toString('utf8');
      this.names.push([family, flat]);
      index.set(flat, endpoint);
    }
    this.ports.push(port);
    this.endpoints.push(endpoint);
    const first = this.pids.length;
    for (const pid of pids) if (this.pids.indexOf(pid, first) < 0) this.pids.push(pid);
    this.pidStart.push(this.pids.length);
  }

  build(): ListenerTable {
    return ListenerTable.fromColumns(this.ports, this.endpoints, this.pidStart, this.pids, this.names);
  }
}
