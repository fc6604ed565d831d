import { describe, expect, it } from 'vitest';
import { conductorMatch, findIronicName, withoutPort } from '../../src/compare/conductor-names.js';

describe('conductor names: the name Ironic knows a host by', () => {
  it.each([
    ['conductor-m:8099', 'conductor-m'],
    ['conductor-m', 'conductor-m'],
    ['cond.example.org:6385', 'cond.example.org'],
    ['fe80::1', 'fe80::1'],
  ])('withoutPort(%j) is %j', (name, bare) => {
    expect(withoutPort(name)).toBe(bare);
  });

  it.each([
    ['conductor-m', 'conductor-m', 0],
    ['conductor-m:8099', 'conductor-m', 1], // Ironic 23.0+ with a non-default [json_rpc]port
    ['Conductor-M:8099', 'conductor-m', 1],
    ['cond-b.example.org', 'cond-b', 2],
    ['cond-b', 'cond-b.example.org', 2],
    ['cond-b.example.org:8099', 'cond-b', 2],
    ['cond-b.example.org', 'cond-b.example.net', null], // two FQDNs: different machines
    ['cond-b', 'cond-c', null],
    ['cond-b:8099', 'cond-b:8100', 1],
  ] as const)('conductorMatch(%j, %j) is %j', (ironic, host, level) => {
    expect(conductorMatch(ironic, host)).toBe(level);
  });

  it('prefers the exact name, and refuses to guess between two equally good ones', () => {
    expect(findIronicName(['conductor-m', 'conductor-m:8099'], 'conductor-m')).toBe('conductor-m');
    expect(findIronicName(['conductor-m:8099', 'conductor-n:8099'], 'conductor-m')).toBe('conductor-m:8099');
    expect(findIronicName(['cond-b.east.example', 'cond-b.west.example'], 'cond-b')).toBeNull();
    expect(findIronicName(['conductor-x'], 'conductor-m')).toBeNull();
  });
});
