/**
 * The simulated fleet's network: each host gets a network namespace of its own, joined by
 * a veth pair to one bridge in the root namespace, so that each host's `ss` lists only its
 * own sockets, as on a real conductor (with one shared namespace every host listed every
 * host's consoles: ~11 x N lines, which inflated probe output, parsing and memory with N).
 *
 * Addresses: hosts 10.251.x.y/16, the bridge 10.251.255.254. Only namespaces, links and
 * addresses this module creates are involved; stop() deletes them all, and a new network
 * first deletes what an interrupted run left (by these names only).
 */
import { spawnSync } from 'node:child_process';

const BRIDGE = 'cdbench0';
const BRIDGE_ADDRESS = '10.251.255.254/16';
const PREFIX_LEN = 16;

export const namespaceName = (index) => `cdbench-${index}`;
const vethName = (index) => `cdbv${index}`;

/** The address of host `index` (at most 250 x 255 hosts, far beyond the bench's 1,000). */
export function hostAddress(index) {
  return `10.251.${Math.floor(index / 250)}.${(index % 250) + 1}`;
}

function ipBatch(lines, { ignoreErrors = false } = {}) {
  if (lines.length === 0) return;
  const r = spawnSync('ip', [...(ignoreErrors ? ['-force'] : []), '-batch', '-'], { input: `${lines.join('\n')}\n`, encoding: 'utf8' });
  if (r.status !== 0 && !ignoreErrors) throw new Error(`ip -batch failed: ${r.stderr.trim().split('\n').slice(0, 3).join('; ')}`);
}

function existingNamespaces() {
  const r = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return (r.stdout ?? '').split('\n').map((line) => line.split(' ')[0]).filter((name) => /^cdbench-\d+$/.test(name));
}

function existingLinks() {
  const r = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  return (r.stdout ?? '')
    .split('\n')
    .map((line) => line.split(': ')[1]?.split('@')[0])
    .filter((name) => name !== undefined && (name === BRIDGE || /^cdbv\d+$/.test(name)));
}

/**
 * Deletes our links, then our namespaces (only our own names). The root-side veth ends go
 * first and explicitly: a deleted namespace is destroyed, with its veth pairs, only once
 * the last process in it has gone, which can be after the next size's network is made.
 */
function removeNetwork() {
  ipBatch(existingLinks().map((name) => `link del ${name}`), { ignoreErrors: true });
  ipBatch(existingNamespaces().map((ns) => `netns del ${ns}`), { ignoreErrors: true });
}

/**
 * Creates `n` namespaces wired to the bridge. Each host configures its own side (address,
 * links up) with `insideCommands(index)`, run from its start script inside the namespace.
 */
export function createNetwork(n) {
  removeNetwork(); // what an earlier, interrupted run left behind
  const indexes = Array.from({ length: n }, (_, i) => i);
  try {
    ipBatch([
      `link add ${BRIDGE} type bridge`,
      `address add ${BRIDGE_ADDRESS} dev ${BRIDGE}`,
      `link set ${BRIDGE} up`,
      ...indexes.map((i) => `netns add ${namespaceName(i)}`),
      ...indexes.map((i) => `link add ${vethName(i)} type veth peer name eth0 netns ${namespaceName(i)}`),
      ...indexes.map((i) => `link set ${vethName(i)} master ${BRIDGE} up`),
    ]);
  } catch (error) {
    removeNetwork();
    throw error;
  }
  return {
    /** Shell lines that bring a host's own side up, run inside its namespace. */
    insideCommands: (index) => [
      'ip link set lo up',
      `ip address add ${hostAddress(index)}/${PREFIX_LEN} dev eth0`,
      'ip link set eth0 up',
    ],
    stop: removeNetwork,
  };
}
