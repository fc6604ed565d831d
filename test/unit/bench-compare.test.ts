import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script of the benchmark, without types
import { benchCompare, buildFleet } from '../../bench/compare.mjs';
import { compareFleet } from '../../src/compare/compare-fleet.js';

/**
 * The benchmark's synthesised observations must stay what compareFleet reads: when
 * HostObservation grew container fields, `npm run bench` failed at its first step and no
 * test said so. Needs dist/ (npm test builds it first).
 */
describe('bench/compare.mjs', () => {
  it('runs compareFleet on its synthesised fleet and finds the planted strays', () => {
    const realistic = benchCompare({ nodes: 400, hosts: 20, runs: 1, mix: 'realistic' });
    expect(realistic.daemons).toBe(200);
    expect(realistic.findings).toBe(5);
    // host 0: a console disabled (its .pw stray too); host 10: a copy of host 11's node, which is missing there
    const kinds = compareFleet(buildFleet({ nodes: 400, hosts: 20 })).findings.map((f) => `${f.kind} ${f.host ?? "-"}`);
    expect(kinds.sort()).toEqual([
      'console-disabled conductor-000',
      'missing conductor-011',
      'stray-credential conductor-000',
      'stray-credential conductor-010',
      'wrong-host conductor-010',
    ]);
    const busy = benchCompare({ nodes: 400, hosts: 20, runs: 1, mix: 'enabled-most' });
    expect(busy.findings).toBeGreaterThan(150);
  });
});
