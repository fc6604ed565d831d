/**
 * `GET /v1/nodes/<id>/states/console` runs `ipmitool sol deactivate` before answering from
 * Ironic 25.0 on: it ends the live SOL session of whoever is on the console. No code path
 * may ever request it. Every call the tool makes to Ironic runs here, on an old and a new
 * release, against a fake that answers that GET as Ironic does and records who asked.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cloudConfig, testClient } from './desire-builders.js';
import { fakeIronicPerTest, fixture, ironicNode, type FakeIronic } from '../helpers/fake-ironic.js';

const ironic = fakeIronicPerTest();

function consoleReads(server: FakeIronic): string[] {
  return server.requests.filter((r) => r.method === 'GET' && /\/states\/console(\?|$)/.test(r.path)).map((r) => r.path);
}

describe('never GET .../states/console', () => {
  const releases: [string, unknown][] = [
    ['Ironic 21.4', fixture('root-21.4.json')],
    ['Ironic 29.0', fixture('releases/29.0/root.json')],
    ['Ironic 39.0', fixture('releases/39.0/root.json')],
  ];
  it.each(releases)('%s: read, look up, check gone, enable, disable, restart', async (_name, root) => {
    const on = randomUUID();
    const off = randomUUID();
    const hidden = randomUUID();
    const server = await ironic({
      root,
      nodes: [ironicNode(on, 'on', 'cond-a', 10001), ironicNode(off, 'off', 'cond-a', 10002, { console_enabled: false })],
      hiddenNodes: [ironicNode(hidden, 'hidden', 'cond-a', 10003, { parent_node: hidden })],
      pollsUntilDone: 1,
    });
    const client = testClient(cloudConfig({ endpoint: server.url }));
    await client.readDesiredState();
    await client.lookUpNodes([hidden, randomUUID()]);
    await client.checkNodeGone(on);
    await client.checkNodeGone(randomUUID());
    await client.setConsole(off, true);
    await client.setConsole(off, false);
    await client.setConsole(on, true); // already on: one poll
    await client.restartConsole(on);
    expect(server.requests.filter((r) => r.method === 'PUT').length).toBeGreaterThan(0);
    expect(consoleReads(server)).toEqual([]);
    expect(server.solSessionsEnded).toEqual([]);
  });
});
