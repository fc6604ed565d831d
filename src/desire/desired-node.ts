import { ApiError } from '../errors.js';
import type { ConductorInfo, DesiredNode } from './types.js';

type Raw = Readonly<Record<string, unknown>>;

/** Ironic hides values it may not show with a placeholder instead of leaving them out. */
const REDACTED = /^\*\* ?(Value )?Redacted/i;

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A TCP port from an int or a numeric string; masked (`******`) or junk values are null. */
export function parsePort(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : null;
}

function optionalString(value: unknown): string | null {
  return typeof value === 'string' && value !== '' && !REDACTED.test(value) ? value : null;
}

/**
 * The node's `conductor` field: a name, null when Ironic says none, undefined when the
 * field is absent or unreadable (missing is not none).
 */
function conductorField(raw: Raw): string | null | undefined {
  if (!('conductor' in raw)) return undefined;
  const value = raw['conductor'];
  if (value === null) return null;
  return typeof value === 'string' && value !== '' && !REDACTED.test(value) ? value : undefined;
}

/**
 * A true/false field every verdict hangs on (`console_enabled`, a conductor's `alive`).
 * Read as false when absent, it would turn every console of the node into
 * console-disabled, or of the conductor into one on a dead conductor: both killed. Missing
 * is not none, and no answer without it can be judged, so it fails the read.
 */
function requiredFlag(raw: Raw, key: string, what: string, where: string): boolean {
  const value = raw[key];
  if (typeof value === 'boolean') return value;
  throw new ApiError(`${where}: ${what} has no true/false "${key}" (${key in raw ? JSON.stringify(value) : 'absent'}): no verdict can be made on this answer`);
}

/** One node of `GET /v1/nodes` as the compare stage needs it. Pure; throws ApiError on a malformed node. */
export function toDesiredNode(raw: unknown, where: string): DesiredNode {
  if (!isRecord(raw) || typeof raw['uuid'] !== 'string') {
    throw new ApiError(`${where}: a node without a uuid: ${JSON.stringify(raw).slice(0, 80)}`);
  }
  const driverInfo = isRecord(raw['driver_info']) ? raw['driver_info'] : {};
  const internal = isRecord(raw['driver_internal_info']) ? raw['driver_internal_info'] : {};
  return {
    uuid: raw['uuid'],
    name: optionalString(raw['name']),
    consoleEnabled: requiredFlag(raw, 'console_enabled', `node ${raw['uuid']}`, where),
    consoleInterface: optionalString(raw['console_interface']),
    conductor: conductorField(raw),
    conductorGroup: typeof raw['conductor_group'] === 'string' ? raw['conductor_group'] : '',
    provisionState: optionalString(raw['provision_state']),
    maintenance: raw['maintenance'] === true,
    reservation: optionalString(raw['reservation']),
    consolePort: parsePort(driverInfo['ipmi_terminal_port']) ?? parsePort(internal['allocated_ipmi_terminal_port']),
    consolePortFixed: parsePort(driverInfo['ipmi_terminal_port']) !== null,
    vncPort: parsePort(internal['vnc_port']),
    parentNode: parentNodeField(raw),
  };
}

/** `parent_node`: a uuid, null for none, undefined when the field is absent (below 1.83). */
function parentNodeField(raw: Raw): string | null | undefined {
  if (!('parent_node' in raw)) return undefined;
  const value = raw['parent_node'];
  return typeof value === 'string' && value !== '' ? value : value === null ? null : undefined;
}

/**
 * Whether a node's console is graphical (Ironic 2025.1+: `redfish-graphical`,
 * `fake-graphical`): its console is a container of the console provider, never a socat or
 * shellinaboxd, and a serial daemon for it is not its console.
 */
export function hasGraphicalConsole(node: DesiredNode): boolean {
  return node.consoleInterface !== null && node.consoleInterface.endsWith('-graphical');
}

/** A node whose `parent_node` is its own uuid. */
export function isSelfParented(node: DesiredNode): boolean {
  return node.parentNode === node.uuid;
}

/** One conductor of `GET /v1/conductors`. Pure; throws ApiError on a malformed entry. */
export function toConductorInfo(raw: unknown, where: string): ConductorInfo {
  if (!isRecord(raw) || typeof raw['hostname'] !== 'string') {
    throw new ApiError(`${where}: a conductor without a hostname: ${JSON.stringify(raw).slice(0, 80)}`);
  }
  return {
    hostname: raw['hostname'],
    conductorGroup: typeof raw['conductor_group'] === 'string' ? raw['conductor_group'] : '',
    alive: requiredFlag(raw, 'alive', `conductor ${raw['hostname']}`, where),
  };
}
