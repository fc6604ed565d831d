import { describeError } from '../errors.js';
import type { HostSpec } from '../inventory/types.js';
import { mapLimited } from '../map-limited.js';
import type { Connector, RemoteShell } from '../transport/types.js';
import { observeHost } from './observe-host.js';
import type { HostScan } from './types.js';

/** Progress of a fleet scan, for the UI. */
export type ObserveEvent =
  | { readonly type: 'host-start'; readonly host: string }
  | { readonly type: 'host-done'; readonly scan: HostScan };

export interface ObserveFleetOptions {
  readonly concurrency: number;
  readonly onEvent?: ((event: ObserveEvent) => void) | undefined;
  /** Return the open shells (one per host) for the apply stage instead of closing them. */
  readonly keepOpen?: boolean;
  readonly timeoutMs?: number;
}

export interface FleetObservation {
  readonly scans: HostScan[];
  readonly shells: Map<string, RemoteShell>;
}

type FailureKind = Extract<HostScan, { ok: false }>['errorKind'];

/** The per-host error kinds a scan reports; api and lock errors cannot come from a host. */
export function scanErrorKind(error: unknown): FailureKind {
  const kind = typeof error === 'object' && error !== null && 'kind' in error ? (error as { kind: unknown }).kind : undefined;
  return kind === 'auth' || kind === 'unreachable' || kind === 'config' ? kind : 'internal';
}

/**
 * Observes every host in parallel under the concurrency cap. One host's failure never
 * stops the others: it becomes a failed HostScan.
 */
export async function observeFleet(
  hosts: readonly HostSpec[],
  connector: Connector,
  options: ObserveFleetOptions,
): Promise<FleetObservation> {
  const shells = new Map<string, RemoteShell>();
  const scans = await mapLimited(hosts, options.concurrency, async (host): Promise<HostScan> => {
    options.onEvent?.({ type: 'host-start', host: host.name });
    const started = Date.now();
    let shell: RemoteShell | undefined;
    let scan: HostScan;
    try {
      shell = await connector.connect(host);
      const observation = await observeHost(shell, options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {});
      scan = { host: host.name, ok: true, observation, durationMs: Date.now() - started };
    } catch (error) {
      scan = { host: host.name, ok: false, error: describeError(error), errorKind: scanErrorKind(error), durationMs: Date.now() - started };
    }
    if (shell !== undefined && options.keepOpen === true && scan.ok) shells.set(host.name, shell);
    else shell?.close();
    options.onEvent?.({ type: 'host-done', scan });
    return scan;
  });
  return { scans, shells };
}
