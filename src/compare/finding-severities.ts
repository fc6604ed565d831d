import type { FindingKind, Severity } from './types.js';

/**
 * Every severity each kind can carry. Metrics export a zero for each pair so that an
 * alert on `console_doctor_findings{kind="missing",severity="critical"} > 0` has a series
 * to watch before the first such finding.
 */
export const SEVERITIES_BY_KIND: Readonly<Record<FindingKind, readonly Severity[]>> = {
  'wrong-host': ['critical', 'warning'],
  'console-disabled': ['warning'],
  'unknown-node': ['warning'],
  duplicate: ['critical'],
  'port-mismatch': ['warning'],
  missing: ['critical', 'warning'],
  'orphan-session': ['critical'],
  'stale-pidfile': ['warning'],
  'stray-credential': ['warning'],
  'port-conflict': ['critical'],
  unmanaged: ['info'],
  unreachable: ['critical'],
  'owner-unknown': ['warning'],
  'unknown-conductor': ['warning'],
  'host-alias': ['info'],
};

/** The kinds a graphical console (a console container) can be found as. */
export const GRAPHICAL_KINDS: readonly FindingKind[] = ['wrong-host', 'console-disabled', 'unknown-node', 'duplicate', 'missing', 'stale-pidfile', 'unmanaged'];
