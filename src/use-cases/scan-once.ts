import { containerNode } from '../compare/container-refs.js';
import type { FleetReport } from '../compare/types.js';
import { compareFleet } from '../compare/compare-fleet.js';
import type { DesiredState, DesiredStateSource } from '../desire/types.js';
import { withLookedUpNodes } from '../desire/node-lookup.js';
import { describeError } from '../errors.js';
import type { HostSpec } from '../inventory/types.js';
import { observeFleet } from '../observe/observe-fleet.js';
import type { HostScan } from '../observe/types.js';
import type { Connector, RemoteShell } from '../transport/types.js';
import type { HostProgressEvent } from '../ui/progress.js';

export interface ScanInputs {
  readonly hosts: readonly HostSpec[];
  readonly connector: Connector;
  readonly ironic: DesiredStateSource;
  readonly concurrency: number;
  /** Keep the SSH connections open for the apply stage (one connection per host). */
  readonly keepOpen?: boolean;
  readonly onHostEvent?: (event: HostProgressEvent) => void;
  readonly onIronicDone?: (error: string | undefined, detail: string) => void;
}

export interface ScanResult {
  readonly scans: readonly HostScan[];
  readonly desired: DesiredState | null;
  /** Why Ironic could not be read whole; then no comparison is made. */
  readonly desiredError: string | null;
  /** Null when the desired state could not be read. */
  readonly report: FleetReport | null;
  readonly shells: ReadonlyMap<string, RemoteShell>;
  readonly startedAt: string;
  readonly durationMs: number;
}

/**
 * One pass of observe + desire + compare: the hosts and Ironic are read at the same
 * time; compare runs only on a desired state read whole.
 */
export async function scanOnce(inputs: ScanInputs): Promise<ScanResult> {
  const started = Date.now();
  const desiredRead = inputs.ironic.readDesiredState().then(
    (desired) => {
      const enabled = desired.nodes.filter((n) => n.consoleEnabled).length;
      inputs.onIronicDone?.(undefined, `${desired.nodes.length} nodes (${enabled} consoles enabled), ${desired.conductors.length} conductors, API ${desired.apiVersion}`);
      return { desired, error: null };
    },
    (error: unknown) => {
      const message = describeError(error);
      inputs.onIronicDone?.(message, '');
      return { desired: null, error: message };
    },
  );
  const observed = observeFleet(inputs.hosts, inputs.connector, {
    concurrency: inputs.concurrency,
    keepOpen: inputs.keepOpen ?? false,
    onEvent: inputs.onHostEvent,
  });
  const [listed, { scans, shells }] = await Promise.all([desiredRead, observed]);
  const { desired, error } = listed.desired === null ? listed : await completeDesired(inputs.ironic, listed.desired, scans);
  const report = desired ? compareFleet({ desired, scans, hosts: inputs.hosts }) : null;
  return {
    scans,
    desired,
    desiredError: error,
    report,
    shells,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
  };
}

/**
 * The nodes of the live consoles the hosts showed: the ones a verdict (and a kill) hangs
 * on. Leftover pid and credential files of nodes not listed are not asked about: removing
 * one whose console does not run here is harmless (Ironic writes them anew at a start), and
 * a host full of them must not turn into hundreds of requests.
 */
function consoleNodeUuids(scans: readonly HostScan[]): Set<string> {
  const uuids = new Set<string>();
  for (const scan of scans) {
    if (!scan.ok) continue;
    for (const daemon of scan.observation.consoles) if (!daemon.zombie) uuids.add(daemon.nodeUuid);
    for (const container of scan.observation.containers) {
      const uuid = containerNode(container);
      if (uuid !== null) uuids.add(uuid);
    }
  }
  return uuids;
}

/**
 * Lists hide child and self-parented nodes: each node seen on a host but not listed is
 * asked for by itself, so that only a 404 makes its console one of an unknown node.
 */
async function completeDesired(
  ironic: DesiredStateSource,
  desired: DesiredState,
  scans: readonly HostScan[],
): Promise<{ desired: DesiredState | null; error: string | null }> {
  const listed = new Set(desired.nodes.map((n) => n.uuid));
  const unlisted = [...consoleNodeUuids(scans)].filter((uuid) => !listed.has(uuid)).sort();
  if (unlisted.length === 0) return { desired, error: null };
  try {
    return { desired: withLookedUpNodes(desired, await ironic.lookUpNodes(unlisted)), error: null };
  } catch (error) {
    return { desired: null, error: describeError(error) };
  }
}

export function closeShells(result: Pick<ScanResult, 'shells'>): void {
  for (const shell of result.shells.values()) shell.close();
}
