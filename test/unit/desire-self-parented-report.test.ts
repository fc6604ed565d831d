/**
 * Self-parented nodes (Debian's 29.0.5-0+deb13u3 sets parent_node to the node's own uuid on
 * every PATCH) are out of Ironic's periodic tasks: no conductor takes over or restarts their
 * consoles. The report says so, in text and JSON, as a fact: no finding, no change to what
 * is killed.
 */
import { describe, expect, it } from 'vitest';
import { compareFleet } from '../../src/compare/compare-fleet.js';
import { renderJson } from '../../src/report/render-json.js';
import type { RenderMeta } from '../../src/report/render-meta.js';
import { renderText } from '../../src/report/render-text.js';
import { plainStyle } from '../../src/report/style.js';
import { buildConductor, buildDaemon, buildDesired, buildHostSpec, buildNode, buildObservation, buildScan } from '../helpers/builders.js';

const plain = buildNode({ name: 'bm-plain', conductor: 'conductor-a', consolePort: 10001, parentNode: null });
const selfParented = (() => {
  const node = buildNode({ name: 'bm-self', conductor: 'conductor-b', consolePort: 10002 });
  return { ...node, parentNode: node.uuid };
})();
const child = buildNode({ name: 'bm-child', conductor: 'conductor-a', consolePort: 10003, parentNode: plain.uuid });

function report(nodes = [plain, selfParented, child]) {
  return compareFleet({
    desired: buildDesired({ nodes, conductors: ['conductor-a', 'conductor-b'].map((hostname) => buildConductor({ hostname })), apiVersion: '1.96' }),
    scans: [
      buildScan(buildObservation({ host: 'conductor-a', consoles: [buildDaemon({ nodeUuid: plain.uuid, port: 10001 }), buildDaemon({ nodeUuid: child.uuid, port: 10003, pid: 4003 })] })),
      buildScan(buildObservation({ host: 'conductor-b', consoles: [buildDaemon({ nodeUuid: selfParented.uuid, port: 10002, pid: 4002 })] })),
    ],
    hosts: ['conductor-a', 'conductor-b'].map((name) => buildHostSpec({ name })),
  });
}

const meta: RenderMeta = {
  startedAt: '2026-01-01T00:00:00.000Z', finishedAt: '2026-01-01T00:00:01.000Z', durationMs: 1000, version: '0.1.0',
  apiVersion: '1.96', endpoint: 'http://ironic:6385', hosts: [],
};

describe('self-parented nodes in the report', () => {
  it('compare lists them (only parent_node == own uuid, not real children) and changes no verdict', () => {
    const r = report();
    expect(r.findings).toEqual([]);
    expect(r.selfParentedNodes).toEqual([{ uuid: selfParented.uuid, name: 'bm-self' }]);
  });

  it('text: a clean run still says which nodes Ironic will not look after', () => {
    const text = renderText(report(), { by: 'host', style: plainStyle });
    expect(text).toBe(
      'All clean: 2 hosts, 3 consoles, 3 nodes checked.\n'
      + "Note: 1 self-parented node (parent_node is the node itself): Ironic's periodic tasks skip it, so no conductor takes over or restarts its console: bm-self\n",
    );
  });

  it('JSON: summary.self_parented_nodes and a self_parented_nodes list', () => {
    const json = JSON.parse(renderJson(report(), meta)) as { summary: Record<string, unknown>; self_parented_nodes: unknown };
    expect(json.summary['self_parented_nodes']).toBe(1);
    expect(json.self_parented_nodes).toEqual([{ uuid: selfParented.uuid, name: 'bm-self' }]);
  });

  it('none: no note, and an empty list', () => {
    const r = report([plain, child]);
    expect(renderText(r, { by: 'host', style: plainStyle })).not.toMatch(/self-parented/);
    const json = JSON.parse(renderJson(r, meta)) as { summary: Record<string, unknown>; self_parented_nodes: unknown };
    expect(json.summary['self_parented_nodes']).toBe(0);
    expect(json.self_parented_nodes).toEqual([]);
  });
});
