/**
 * What Ironic says about the simulated fleet: M nodes over N conductors.
 *
 * Every console daemon started on a host is a node that Ironic maps to that host, ACTIVE,
 * console enabled, on the daemon's port: no finding. A few deliberate strays make the
 * findings realistic but small (about N/10 of them):
 *   - on every 20th host (index % 20 == 0) the first daemon's node has its console disabled
 *     (console-disabled);
 *   - on hosts with index % 20 == 10 the second daemon's node is mapped to the next host
 *     (wrong-host there, missing on the owner).
 * The other nodes are spread over the conductors with their consoles disabled: a real
 * conductor runs a daemon for every enabled console of its ACTIVE nodes, and a simulated
 * host can hold ~10 of them, not M/N. Two dead conductors stay listed, as Ironic keeps them.
 */
import { randomUUID } from 'node:crypto';
import { ironicConductor, ironicNode } from './ironic.mjs';

const STATES = ['active', 'active', 'available', 'manageable', 'active', 'deploy failed'];

export function daemonsPerHost(n, m) {
  return Math.max(1, Math.min(10, Math.floor(m / n)));
}

/** Node specs (see ironicNode) for the fleet's hosts and M nodes in total. */
export function nodeSpecs(hosts, m) {
  const specs = [];
  for (const host of hosts) {
    host.daemons.forEach((d, j) => {
      const disabled = host.index % 20 === 0 && j === 0;
      const moved = host.index % 20 === 10 && j === 1 && hosts.length > 1;
      specs.push({
        uuid: d.uuid,
        name: `bm-${host.index}-${j}`,
        conductor: moved ? hosts[(host.index + 1) % hosts.length].name : host.name,
        consoleEnabled: !disabled,
        consoleInterface: d.type === 'socat' ? 'ipmitool-socat' : 'ipmitool-shellinabox',
        provisionState: 'active',
        port: d.port,
      });
    });
  }
  for (let k = specs.length; k < m; k++) {
    specs.push({
      uuid: randomUUID(),
      name: `bm-${k}`,
      conductor: hosts[k % hosts.length].name,
      consoleEnabled: false,
      consoleInterface: 'ipmitool-socat',
      provisionState: STATES[k % STATES.length],
      port: 30000 + (k % 2000),
    });
  }
  // Ironic lists nodes in id order: interleave so pages mix hosts, as they do in a real cloud.
  return specs.sort((a, b) => (a.uuid < b.uuid ? -1 : 1));
}

export function ironicFor(hosts, m) {
  const specs = nodeSpecs(hosts, m);
  return {
    count: specs.length,
    nodes: (base, template) => specs.map((s) => ironicNode(template, base, s)),
    conductors: (base) => [
      ...hosts.map((h) => ironicConductor(base, h.name, true)),
      ironicConductor(base, 'conductor-retired-1', false),
      ironicConductor(base, 'conductor-retired-2', false),
    ],
  };
}
