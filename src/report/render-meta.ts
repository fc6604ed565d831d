import type { HostScan } from '../observe/types.js';

/** What a run knows besides the findings; every machine-readable renderer takes it. */
export interface RenderMeta {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationMs: number;
  /** console-doctor's version. */
  readonly version: string;
  /** Negotiated Ironic microversion; null when Ironic could not be read. */
  readonly apiVersion: string | null;
  readonly endpoint: string | null;
  /** Every host's scan, in inventory order. */
  readonly hosts: readonly HostScan[];
  /** Why Ironic could not be read whole, when it could not. */
  readonly error?: string | null;
  /** The run's exit code when it is not the findings' alone (3 when Ironic could not be read). */
  readonly exitCode?: 0 | 1 | 2 | 3;
}

/** One host as the outputs describe it. */
export interface HostSummary {
  readonly name: string;
  readonly ok: boolean;
  readonly error: string | null;
  readonly durationMs: number;
  /** The conductor name Ironic knows the host by; null when it could not be scanned. */
  readonly conductor: string | null;
  /** What the probe could not do or dropped (hostile or unreadable records), each one line. */
  readonly warnings: readonly string[];
}

/** A scanned host's warnings, without the `host: ` some of them start with. */
export function hostWarnings(scan: HostScan): string[] {
  if (!scan.ok) return [];
  const prefix = `${scan.host}: `;
  return scan.observation.warnings.map((w) => (w.startsWith(prefix) ? w.slice(prefix.length) : w));
}

export function summarizeHost(scan: HostScan): HostSummary {
  return scan.ok
    ? { name: scan.host, ok: true, error: null, durationMs: scan.durationMs, conductor: scan.observation.conductorName, warnings: hostWarnings(scan) }
    : { name: scan.host, ok: false, error: scan.error, durationMs: scan.durationMs, conductor: null, warnings: [] };
}
