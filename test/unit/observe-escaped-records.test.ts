import { describe, expect, it } from 'vitest';
import { describeHostText, parseEscapedRecords, unescapeSedLine } from '../../src/observe/escaped-records.js';

describe('unescapeSedLine (what sed l printed)', () => {
  it.each([
    { escaped: 'plain', raw: 'plain' },
    { escaped: 'a\\nb', raw: 'a\nb' },
    { escaped: 'back\\\\slash', raw: 'back\\slash' },
    { escaped: 'back\\\\123', raw: 'back\\123' },
    { escaped: 'tab\\tbell\\a', raw: 'tab\tbell\x07' },
    { escaped: '\\303\\251t\\303\\251', raw: 'été' },
    { escaped: 'nul\\000', raw: 'nul\0' },
    { escaped: 'dollar$', raw: 'dollar$' },
  ])('$escaped', ({ escaped, raw }) => {
    expect(unescapeSedLine(escaped)).toBe(raw);
  });
});

describe('parseEscapedRecords', () => {
  it('starts a record only at a /proc/PID/FILE line; every element ends in $', () => {
    const body = [
      '/proc/7/cmdline',
      'sleep\\n/proc/8/cmdline\\n$',
      '/proc/8/cmdline$',
      '/proc/8/cmdline',
      'socat$',
      '-L/tmp/x.pid$',
    ].join('\n');
    const { records, dropped } = parseEscapedRecords(body, 'cmdline');
    expect(records.get(7)?.elements).toEqual(['sleep\n/proc/8/cmdline\n', '/proc/8/cmdline']);
    expect(records.get(8)?.elements).toEqual(['socat', '-L/tmp/x.pid']);
    expect(dropped).toEqual([]);
  });

  it('keeps an element the probe cut at the line limit (no closing $), and only at that length', () => {
    const cut = 'x'.repeat(16);
    const { records, dropped } = parseEscapedRecords(`/proc/9/cmdline\nsh$\n${cut}\nshort`, 'cmdline', 16);
    expect(records.get(9)?.elements).toEqual(['sh', cut]);
    expect(dropped).toEqual(['short']);
  });

  it('drops a line that is neither, escaped for a warning', () => {
    const { records, dropped } = parseEscapedRecords('garbage\u001b[31m\n/proc/1/cmdline\ninit$', 'cmdline');
    expect(records.get(1)?.elements).toEqual(['init']);
    expect(dropped).toEqual(['garbage\\u001b[31m']);
  });
});

describe('describeHostText', () => {
  it('escapes control characters and cuts long text', () => {
    expect(describeHostText('a\nb')).toBe('a\\nb');
    expect(describeHostText('x'.repeat(300), 10)).toBe(`${'x'.repeat(10)}…`);
  });
});
