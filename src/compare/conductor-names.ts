/**
 * Which name Ironic knows a host's conductor by. Ironic 23.0+ registers a conductor whose
 * `[json_rpc]port` is not the default as `host:port` (and `node.conductor` says the same),
 * while the host's ironic.conf says `host`; inventories use FQDNs or short names. Pure.
 */

/** How closely two names match; lower is closer. */
type MatchLevel = 0 | 1 | 2;

/** `conductor-m:8099` → `conductor-m`; IPv6 literals and names without a port are kept. */
export function withoutPort(name: string): string {
  const match = /^([^:]+):\d{1,5}$/.exec(name);
  return match?.[1] ?? name;
}

function shortName(name: string): string {
  return name.split('.')[0] ?? name;
}

/**
 * 0: the same name; 1: the same once Ironic's `:port` is dropped; 2: the same host with and
 * without its domain (one side a short name). Null: different conductors.
 */
export function conductorMatch(ironicName: string, hostName: string): MatchLevel | null {
  if (ironicName === hostName) return 0;
  const ironic = withoutPort(ironicName).toLowerCase();
  const host = withoutPort(hostName).toLowerCase();
  if (ironic === host) return 1;
  const oneIsShort = !ironic.includes('.') || !host.includes('.');
  if (oneIsShort && shortName(ironic) === shortName(host)) return 2;
  return null;
}

/**
 * The one Ironic name that matches the host's conductor name best, or null when none does
 * or two match equally well (then guessing could hand one conductor's nodes to another).
 */
export function findIronicName(ironicNames: Iterable<string>, hostName: string): string | null {
  let best: { name: string; level: MatchLevel } | null = null;
  let tie = false;
  for (const name of new Set(ironicNames)) {
    const level = conductorMatch(name, hostName);
    if (level === null) continue;
    if (best === null || level < best.level) {
      best = { name, level };
      tie = false;
    } else if (level === best.level) tie = true;
  }
  return best === null || tie ? null : best.name;
}
