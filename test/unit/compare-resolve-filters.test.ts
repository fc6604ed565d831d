import { describe, expect, it } from 'vitest';
import { checkHostFilters, resolveFilters } from '../../src/compare/resolve-filters.js';
import { buildConductor, buildDesired, buildNode } from '../helpers/builders.js';

const alpha = buildNode({ uuid: 'a1b2c3d4-0000-4000-8000-000000000001', name: 'alpha', conductorGroup: 'rack1' });
const alphaTwin = buildNode({ uuid: 'a1b2c3d4-0000-4000-8000-000000000002', name: 'alpha-2', conductorGroup: '' });
const beta = buildNode({ uuid: 'b0b0b0b0-0000-4000-8000-000000000003', name: null, conductorGroup: '' });
const desired = buildDesired({ nodes: [alpha, alphaTwin, beta], conductors: [buildConductor({ hostname: 'c1', conductorGroup: 'rack9' })] });
const deleted = 'dddddddd-0000-4000-8000-000000000004'; // only seen on a host

describe('resolveFilters: --node and --conductor-group name what they match', () => {
  it.each([
    { given: alpha.uuid, want: alpha.uuid, what: 'a full uuid' },
    { given: alpha.uuid.toUpperCase(), want: alpha.uuid, what: 'a full uuid in capitals' },
    { given: 'alpha', want: alpha.uuid, what: 'a name' },
    { given: 'b0b0b0b0', want: beta.uuid, what: 'the 8-character short uuid the table prints' },
    { given: 'dddddddd', want: deleted, what: 'the short uuid of a node only seen on a host' },
  ])('accepts $what', ({ given, want }) => {
    expect(resolveFilters({ nodes: [given] }, desired, [deleted])).toEqual({ filters: { hosts: [], nodes: [want], conductorGroups: [] }, problems: [] });
  });

  it('refuses an ambiguous short uuid, listing the candidates', () => {
    expect(resolveFilters({ nodes: ['a1b2c3d4'] }, desired, []).problems).toEqual([
      `--node a1b2c3d4: ambiguous short uuid, matches ${alpha.uuid}, ${alphaTwin.uuid}: give more characters`,
    ]);
  });

  it('refuses a node that matches nothing, with close matches', () => {
    expect(resolveFilters({ nodes: ['alpah', 'zzz'] }, desired, []).problems).toEqual([
      '--node alpah: no such node in Ironic or on any host (did you mean "alpha"?)',
      '--node zzz: no such node in Ironic or on any host',
    ]);
  });

  it('accepts groups of nodes or conductors, refuses others', () => {
    expect(resolveFilters({ conductorGroups: ['rack1', 'rack9', ''] }, desired, []).problems).toEqual([]);
    expect(resolveFilters({ conductorGroups: ['rack2'] }, desired, []).problems).toEqual([
      '--conductor-group rack2: no such conductor group in Ironic (did you mean "rack1", "rack9"?)',
    ]);
  });
});

describe('checkHostFilters', () => {
  it('names each --host value that is not in the inventory', () => {
    expect(checkHostFilters(['cond-a', 'cond-x', 'nope'], ['cond-a', 'cond-b'])).toEqual([
      '--host cond-x: no such host in the inventory (did you mean "cond-a", "cond-b"?)',
      '--host nope: no such host in the inventory',
    ]);
  });
});
