/** A node as console-doctor needs it, read from `GET /v1/nodes?detail=True`. */
export interface DesiredNode {
  readonly uuid: string;
  readonly name: string | null;
  readonly consoleEnabled: boolean;
  readonly consoleInterface: string | null;
  /**
   * `[DEFAULT]host` of the conductor the hash ring maps the node to (`host:port` when the
   * conductor's `[json_rpc]port` is not the default). Null: Ironic says no alive conductor
   * of the node's group serves it. Undefined: the answer had no `conductor` field (a proxy
   * or an older API dropped it), so the owner is unknown, never "none".
   */
  readonly conductor: string | null | undefined;
  readonly conductorGroup: string;
  readonly provisionState: string | null;
  readonly maintenance: boolean;
  /** The conductor holding the node's lock, or null. */
  readonly reservation: string | null;
  /** `driver_info.ipmi_terminal_port`, else `driver_internal_info.allocated_ipmi_terminal_port`. */
  readonly consolePort: number | null;
  /**
   * True when the port is the operator's fixed `ipmi_terminal_port`. An allocated port is
   * only a record of the last start: Ironic allocates a new one from `[console]port_range`
   * on every console start, on whichever conductor starts it.
   */
  readonly consolePortFixed: boolean;
  /**
   * A graphical console's published VNC port (`driver_internal_info.vnc_port`, set by the
   * conductor that started its container); null when none is recorded.
   */
  readonly vncPort?: number | null;
  /**
   * `parent_node` (1.83+): the parent's uuid, null for a node without one, undefined when
   * the answer had no such field (an API below 1.83). A node whose parent is itself
   * (Debian's 29.0.5-0+deb13u3 does this on every PATCH) is left out of Ironic's periodic
   * tasks: no conductor takes over or restarts its console.
   */
  readonly parentNode?: string | null | undefined;
}

/** A conductor from `GET /v1/conductors`. */
export interface ConductorInfo {
  readonly hostname: string;
  readonly conductorGroup: string;
  readonly alive: boolean;
}

/** What Ironic says should exist. Read whole or not at all. */
export interface DesiredState {
  readonly nodes: readonly DesiredNode[];
  readonly conductors: readonly ConductorInfo[];
  /** The negotiated microversion, e.g. "1.82". */
  readonly apiVersion: string;
  /** Nodes the list did not show that `GET /v1/nodes/<uuid>` found (they are in `nodes`). */
  readonly nodesFoundByGet?: readonly string[];
  /** Nodes the list did not show for which `GET /v1/nodes/<uuid>` answered 404: gone. */
  readonly nodesGoneByGet?: readonly string[];
  readonly endpoint: string;
  readonly readAt: string;
}

export interface ConsoleChangeOptions {
  /** The action's deadline: when it fires, requests are aborted and polling stops. */
  readonly signal?: AbortSignal | undefined;
}

/** The reads and writes `fix` and `scan` need from Ironic; implemented by the HTTP client. */
export interface DesiredStateSource {
  readDesiredState(): Promise<DesiredState>;
  /** PUT .../states/console and wait (by polling the node) until it shows `enabled`. */
  setConsole(nodeUuid: string, enabled: boolean, options?: ConsoleChangeOptions): Promise<void>;
  /** Disable, wait, enable, wait. */
  restartConsole(nodeUuid: string, options?: ConsoleChangeOptions): Promise<void>;
  /**
   * Asks Ironic for the node itself (`GET /v1/nodes/<uuid>`, never a list: lists hide
   * child and self-parented nodes). Only a 404 proves the node is gone.
   */
  checkNodeGone(nodeUuid: string): Promise<NodeGoneCheck>;
  /**
   * `GET /v1/nodes/<uuid>` for nodes seen on the hosts but not in the list (bounded):
   * found nodes read whole, 404s as gone; any other failure rejects (no verdict then).
   */
  lookUpNodes(nodeUuids: readonly string[]): Promise<NodeLookup>;
}

/** What asking Ironic node by node found. */
export interface NodeLookup {
  readonly found: readonly DesiredNode[];
  /** Uuids Ironic answered 404 for. */
  readonly gone: readonly string[];
}

/** Whether Ironic answered 404 for a node, and if not, why the node cannot be called gone. */
export type NodeGoneCheck = { readonly gone: true } | { readonly gone: false; readonly reason: string };
