import { describe, expect, it } from 'vitest';
import { ListenerTable } from '../../src/observe/listener-table.js';
import { parseLines } from '../../src/observe/parse-processes.js';
import { listenParser } from '../../src/observe/parse-sockets.js';

describe('ListenerTable (one host\'s listening sockets, compact)', () => {
  it('gives back every socket on a port, in the probe\'s order, owners once each', () => {
    const table = ListenerTable.of([
      { family: 'ipv4', address: '0.0.0.0', port: 22, pids: [7, 7, 8] },
      { family: 'ipv6', address: '::', port: 22, pids: [] },
      { family: 'ipv4', address: '10.0.0.5', port: 10001, pids: [40] },
    ]);
    expect(table.size).toBe(3);
    expect(table.onPort(22)).toEqual([
      { family: 'ipv4', address: '0.0.0.0', port: 22, pids: [7, 8] },
      { family: 'ipv6', address: '::', port: 22, pids: [] },
    ]);
    expect(table.onPort(10001)).toEqual([{ family: 'ipv4', address: '10.0.0.5', port: 10001, pids: [40] }]);
    expect(table.onPort(10002)).toEqual([]);
    expect(table.all().map((s) => s.port)).toEqual([22, 22, 10001]);
  });

  it('reads the probe\'s listen lines and drops the ones that are not sockets', () => {
    const { value, dropped } = parseLines(
      listenParser(),
      ['127.0.0.1:23000 40', '0.0.0.0:22 77 78', '[::1]:5000', '0.0.0.0%lo:53 9', '10.0.0.1:70000 5', '10.0.0.1:80 5x', 'junk', '10.0.0.1: 5'].join('\n'),
    );
    expect(value.all()).toEqual([
      { family: 'ipv4', address: '127.0.0.1', port: 23000, pids: [40] },
      { family: 'ipv4', address: '0.0.0.0', port: 22, pids: [77, 78] },
      { family: 'ipv6', address: '::1', port: 5000, pids: [] },
      { family: 'ipv4', address: '0.0.0.0', port: 53, pids: [9] },
    ]);
    expect(dropped).toEqual(['10.0.0.1:70000 5', '10.0.0.1:80 5x', 'junk', '10.0.0.1: 5']);
  });

  it('keeps 5,000 sockets in well under 100 bytes each', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `${['0.0.0.0', '10.251.0.1', '127.0.0.1'][i % 3]}:${1024 + i} ${100 + (i % 2)}`);
    const table = parseLines(listenParser(), lines.join('\n')).value;
    expect(table.size).toBe(5000);
    // ports (2) + endpoint (2) + owners' start (4) + one owner (4) bytes a socket
    const bytes = (table as unknown as Record<string, ArrayBufferView>);
    const total = ['ports', 'endpoints', 'pidStart', 'pids'].reduce((sum, key) => sum + (bytes[key] as ArrayBufferView).byteLength, 0);
    expect(total / 5000).toBeLessThan(16);
  });
});
