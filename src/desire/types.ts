/** A node as console-doctor needs it, read from `GET /v1/nodes?detail=True`. */
export interface DesiredNode {
  readonly uuid: string;
  readonly name: string | null;
  readonly consoleEnabled: boolean;
  readonly consoleInterface: string | null;
  /** `[DEFAULT]host` of the conductor the hash ring maps the node to; null when none. */
  readonly conductor: string | null;
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
}
