/**
 * The client against responses captured from a real Ironic 21.4 (the e2e lab; see
 * test/fixtures/ironic/captured/README.md), served back as they came.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fakeIronicPerTest, type FakeServer } from '../helpers/fake-ironic.js';
import { cloudConfig, testClient } from './desire-builders.js';

interface Captured {
  status: number;
  body: Record<string, unknown>;
}
const captured = (name: string): Captured =>
  JSON.parse(readFileSync(new URL(`../fixtures/ironic/captured/${name}.json`, import.meta.url), 'utf8')) as Captured;

const startIronic = fakeIronicPerTest();

async function realIronic(nodesFile: string, conductorsFile: string, maxLimit = 2): Promise<FakeServer> {
  const nodes = nodesFile === 'pages'
    ? [...(captured('nodes-detail-limit-2').body.nodes as Record<string, unknown>[]), ...(captured('nodes-detail-limit-2-page-2').body.nodes as Record<string, unknown>[])]
    : (captured(nodesFile).body.nodes as Record<string, unknown>[]);
  return startIronic({
    root: captured('root').body,
    nodes,
    conductors: captured(conductorsFile).body.conductors as Record<string, unknown>[],
    maxLimit,
  });
}

describe('real Ironic 21.4 responses', () => {
  it('reads nodes across pages with their conductor and console port (fixed or allocated)', async () => {
    const server = await realIronic('pages', 'conductors');
    const state = await testClient(cloudConfig({ endpoint: server.url })).readDesiredState();
    expect(state.apiVersion).toBe('1.82');
    expect(state.nodes.map((n) => [n.name, n.conductor, n.consoleEnabled, n.provisionState, n.consolePort, n.consolePortFixed])).toEqual([
      ['lab-node-1', 'conductor-c', true, 'active', 10201, true],
      ['lab-node-2', 'conductor-a', true, 'active', 10000, false],
      ['lab-node-3', 'conductor-c', true, 'active', 10203, true],
      ['lab-node-4', 'conductor-b', true, 'active', 10000, false],
    ]);
    expect(state.nodes.every((n) => n.consoleInterface === 'ipmitool-socat' || n.consoleInterface === 'ipmitool-shellinabox')).toBe(true);
  });

  it('keeps a killed conductor listed as dead, and the takeover moves its nodes', async () => {
    const server = await realIronic('nodes-detail-after-takeover', 'conductors-one-dead', 1000);
    const state = await testClient(cloudConfig({ endpoint: server.url })).readDesiredState();
    expect(state.conductors).toEqual([
      { hostname: 'conductor-a', conductorGroup: '', alive: true },
      { hostname: 'conductor-c', conductorGroup: '', alive: false },
      { hostname: 'conductor-b', conductorGroup: '', alive: true },
    ]);
    expect(state.nodes.some((n) => n.conductor === 'conductor-c')).toBe(false);
    expect(state.nodes).toHaveLength(9);
  });
});
