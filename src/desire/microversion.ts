import { ApiError } from '../errors.js';

/**
 * The newest microversion console-doctor was tested against: Ironic 39.0 (Debian sid).
 * Maxima by release (MINOR_MAX_VERSION in ironic/api/controllers/v1/versions.py): 21.4 1.82,
 * 29.0 1.96, 35.0 1.111, 38.0 1.113, 39.0 1.115. No version between 1.82 and 1.115 drops or
 * renames a node or conductor field the tool reads.
 */
export const MAX_MICROVERSION = '1.115';
/** From 1.83 nodes have `parent_node`, and `GET /v1/nodes` takes `include_children`. */
export const CHILD_NODES_MICROVERSION = '1.83';
/** `node.conductor` and `GET /v1/conductors` arrived in 1.49. */
export const MIN_MICROVERSION = '1.49';

export const MICROVERSION_HEADER = 'X-OpenStack-Ironic-API-Version';

function parse(version: string): [number, number] | undefined {
  const match = /^(\d+)\.(\d+)$/.exec(version);
  return match === null ? undefined : [Number(match[1]), Number(match[2])];
}

export function compareVersions(a: string, b: string): number {
  const [am = 0, an = 0] = parse(a) ?? [];
  const [bm = 0, bn = 0] = parse(b) ?? [];
  return am !== bm ? am - bm : an - bn;
}

/**
 * Picks the microversion from Ironic's `GET /` answer: the highest both sides speak,
 * capped at MAX_MICROVERSION; an API older than MIN_MICROVERSION is an ApiError. Pure.
 */
export function chooseMicroversion(root: unknown, endpoint: string): string {
  const r = root as { default_version?: unknown; versions?: unknown } | undefined;
  const candidates = [r?.default_version, ...(Array.isArray(r?.versions) ? r.versions : [])];
  const v1 = candidates.find((c): c is { version?: unknown; min_version?: unknown } =>
    typeof c === 'object' && c !== null && (c as { id?: unknown }).id === 'v1');
  if (v1 === undefined && (typeof r !== 'object' || r === null || !('name' in r || 'versions' in r))) {
    throw new ApiError(`Ironic API ${endpoint}: GET / did not answer with Ironic's version document; is this the Ironic endpoint?`);
  }
  // Ironic before 1.1 reporting (Kilo) sends no version range: it speaks 1.1 only.
  const max = typeof v1?.version === 'string' && parse(v1.version) !== undefined ? v1.version : '1.1';
  const min = typeof v1?.min_version === 'string' && parse(v1.min_version) !== undefined ? v1.min_version : '1.1';
  if (compareVersions(max, MIN_MICROVERSION) < 0) {
    throw new ApiError(`${endpoint}: Ironic API supports up to ${max}; console-doctor needs ${MIN_MICROVERSION} (node.conductor, /v1/conductors)`);
  }
  if (compareVersions(min, MAX_MICROVERSION) > 0) {
    throw new ApiError(`${endpoint}: Ironic API needs at least ${min}; console-doctor speaks up to ${MAX_MICROVERSION}`);
  }
  return compareVersions(max, MAX_MICROVERSION) < 0 ? max : MAX_MICROVERSION;
}
