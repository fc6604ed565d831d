/**
 * The --host, --node and --conductor-group values checked against what exists, so that a
 * typo is a usage error instead of a report that is "clean" for ever. Hosts are checked
 * against the inventory before scanning; nodes and groups once Ironic was read. Pure.
 */
import type { DesiredState } from '../desire/types.js';
import { closeMatches } from '../inventory/problems.js';
import type { ReportFilters } from './filter-report.js';

/** The shortest uuid prefix accepted by --node: the 8 characters the tables print. */
export const SHORT_UUID_LENGTH = 8;

type ResolvedFilters = Required<ReportFilters>;

function suggestion(word: string, candidates: readonly string[]): string {
  const near = closeMatches(word, candidates);
  return near.length === 0 ? '' : ` (did you mean ${near.map((c) => `"${c}"`).join(', ')}?)`;
}

/** One problem per --host value that names no inventory host. */
export function checkHostFilters(hosts: readonly string[], inventoryHosts: readonly string[]): string[] {
  return hosts
    .filter((host) => !inventoryHosts.includes(host))
    .map((host) => `--host ${host}: no such host in the inventory${suggestion(host, inventoryHosts)}`);
}

/** Every node a --node value can name: Ironic's nodes, and nodes only seen on hosts (deleted ones). */
interface NodeIndex {
  readonly uuids: readonly string[];
  readonly names: ReadonlyMap<string, string>;
}

function resolveNode(value: string, index: NodeIndex): { uuid: string } | { problem: string } {
  const lower = value.toLowerCase();
  if (index.uuids.includes(lower)) return { uuid: lower };
  const byName = index.names.get(value);
  if (byName !== undefined) return { uuid: byName };
  if (value.length >= SHORT_UUID_LENGTH && /^[0-9a-f-]+$/i.test(value)) {
    const matches = index.uuids.filter((uuid) => uuid.startsWith(lower));
    if (matches.length === 1) return { uuid: matches[0] as string };
    if (matches.length > 1) {
      return { problem: `--node ${value}: ambiguous short uuid, matches ${matches.join(', ')}: give more characters` };
    }
  }
  const candidates = [...index.names.keys(), ...index.uuids.map((u) => u.slice(0, SHORT_UUID_LENGTH))];
  return { problem: `--node ${value}: no such node in Ironic or on any host${suggestion(value, candidates)}` };
}

/**
 * Resolves --node values (uuid, name, or an unambiguous uuid prefix of at least 8
 * characters) to uuids, and checks --conductor-group values against the groups Ironic
 * knows. `observedUuids` are the nodes of consoles seen on hosts. Returns the filters
 * to apply, and one problem per value that matches nothing.
 */
export function resolveFilters(
  filters: ReportFilters,
  desired: DesiredState,
  observedUuids: readonly string[],
): { filters: ResolvedFilters; problems: string[] } {
  // No --node or --conductor-group: nothing to look up (20,000 nodes need no index).
  if ((filters.nodes ?? []).length === 0 && (filters.conductorGroups ?? []).length === 0) {
    return { filters: { hosts: filters.hosts ?? [], nodes: [], conductorGroups: [] }, problems: [] };
  }
  const names = new Map(desired.nodes.flatMap((n) => (n.name === null ? [] : [[n.name, n.uuid] as const])));
  const uuids = [...new Set([...desired.nodes.map((n) => n.uuid.toLowerCase()), ...observedUuids.map((u) => u.toLowerCase())])];
  const problems: string[] = [];
  const nodes: string[] = [];
  for (const value of filters.nodes ?? []) {
    const resolved = resolveNode(value, { uuids, names });
    if ('uuid' in resolved) nodes.push(resolved.uuid);
    else problems.push(resolved.problem);
  }
  const groups = [...new Set([...desired.nodes.map((n) => n.conductorGroup), ...desired.conductors.map((c) => c.conductorGroup)])];
  for (const group of filters.conductorGroups ?? []) {
    if (!groups.includes(group)) {
      const known = groups.filter((g) => g !== '');
      problems.push(`--conductor-group ${group}: no such conductor group in Ironic${suggestion(group, known)}`);
    }
  }
  return { filters: { hosts: filters.hosts ?? [], nodes, conductorGroups: filters.conductorGroups ?? [] }, problems };
}
