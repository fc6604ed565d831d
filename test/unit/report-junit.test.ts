import { describe, expect, it } from 'vitest';
import { escapeXml, renderJunit } from '../../src/report/render-junit.js';
import { buildReport, buildSampleRun } from '../helpers/builders.js';

interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  text: string;
}

const NAME = '[A-Za-z_][\\w.-]*';
const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;

function unescape(text: string): string {
  return text.replace(ENTITY, (e) => ({ '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&apos;': "'" })[e] ?? e);
}

/** A small well-formedness check: one root, nested tags, quoted attributes, no raw `<` or bare `&`. Throws on any fault. */
function parseXml(xml: string): XmlElement {
  const body = xml.replace(/^<\?xml [^?]*\?>\n?/, '');
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const tag = new RegExp(`<(/?)(${NAME})((?:\\s+${NAME}="[^"<]*")*)\\s*(/?)>`, 'y');
  let i = 0;
  while (i < body.length) {
    if (body[i] === '<') {
      tag.lastIndex = i;
      const m = tag.exec(body);
      if (m === null) throw new Error(`malformed tag at ${i}: ${body.slice(i, i + 40)}`);
      const [whole, close, name = '', rawAttrs = '', selfClose] = m;
      if (close) {
        const open = stack.pop();
        if (open?.name !== name) throw new Error(`</${name}> closes <${open?.name}>`);
      } else {
        const attrs: Record<string, string> = {};
        for (const a of rawAttrs.matchAll(new RegExp(`(${NAME})="([^"]*)"`, 'g'))) {
          if ((a[1] ?? '') in attrs) throw new Error(`duplicate attribute ${a[1]}`);
          if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(a[2] ?? '')) throw new Error(`bare & in ${a[1]}`);
          attrs[a[1] ?? ''] = unescape(a[2] ?? '');
        }
        const element: XmlElement = { name, attrs, children: [], text: '' };
        const parent = stack[stack.length - 1];
        if (parent) parent.children.push(element);
        else if (root) throw new Error('second root element');
        else root = element;
        if (!selfClose) stack.push(element);
      }
      i += whole.length;
    } else {
      const end = body.indexOf('<', i);
      const text = body.slice(i, end === -1 ? body.length : end);
      if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(text) || text.includes('>')) throw new Error(`bad text: ${text}`);
      const parent = stack[stack.length - 1];
      if (parent) parent.text += unescape(text);
      else if (text.trim() !== '') throw new Error('text outside the root');
      i = end === -1 ? body.length : end;
    }
  }
  if (stack.length > 0 || root === undefined) throw new Error('unclosed elements');
  return root;
}

describe('the well-formedness check itself', () => {
  it.each(['<a><b></a></b>', '<a x="1" x="2"/>', '<a>&</a>', '<a><b/>', '<a/><b/>', '<a x=1/>'])('rejects %s', (xml) => {
    expect(() => parseXml(xml)).toThrow();
  });
});

describe('renderJunit', () => {
  const { report, meta } = buildSampleRun();
  const root = parseXml(renderJunit(report, meta));
  const suites = root.children;
  const suite = (name: string) => suites.find((s) => s.attrs.name === name);
  const testcase = (host: string, check: string) => suite(host)?.children.find((c) => c.attrs.name === check);

  it('is well-formed, with one suite per host and one for the fleet', () => {
    expect(root.name).toBe('testsuites');
    expect(suites.map((s) => s.attrs.name)).toEqual(['conductor-a', 'conductor-b', 'conductor-c', 'fleet']);
  });

  it('has one testcase per check, a failure per critical or warning finding', () => {
    expect(suite('conductor-a')?.children.map((c) => c.attrs.name)).toEqual([
      'reachable', 'wrong-host', 'console-disabled', 'unknown-node', 'duplicate', 'port-mismatch', 'missing',
      'orphan-session', 'stale-pidfile', 'stray-credential', 'port-conflict', 'unmanaged',
      'unknown-conductor', 'host-alias',
    ]);
    expect(testcase('conductor-a', 'wrong-host')?.children.map((c) => c.name)).toEqual(['failure']);
    expect(testcase('conductor-a', 'duplicate')?.children).toEqual([]);
    expect(testcase('conductor-b', 'unmanaged')?.children.map((c) => c.name)).toEqual(['system-out']);
    expect(suite('conductor-a')?.attrs).toMatchObject({ tests: '14', failures: '2', errors: '0', time: '0.140' });
    expect(root.attrs).toMatchObject({ tests: '43', failures: '3', errors: '1', skipped: '13' });
  });

  it('escapes a node name full of XML specials, in attributes and in text', () => {
    const failure = testcase('conductor-b', 'missing')?.children[0];
    expect(failure?.attrs.message).toBe(`warning: no console daemon for node db<&"'> on its owner conductor-b`);
    expect(failure?.text).toMatch(/^missing:conductor-b:/);
  });

  it('reports an unreachable host as an error and skips its checks', () => {
    expect(testcase('conductor-c', 'reachable')?.children[0]).toMatchObject({ name: 'error', attrs: { type: 'unreachable', message: 'conductor-c: connect ETIMEDOUT 127.0.0.3:22' } });
    expect(suite('conductor-c')?.children.slice(1).every((c) => c.children[0]?.name === 'skipped')).toBe(true);
  });

  it('reports an Ironic error in the fleet suite', () => {
    const xml = renderJunit(buildReport(), { ...meta, hosts: [], error: 'HTTP 500 <html> & more' });
    const api = parseXml(xml).children[0]?.children[0];
    expect(api?.children[0]).toMatchObject({ name: 'error', attrs: { message: 'HTTP 500 <html> & more' } });
  });

  it.each([
    ['<&>"\'', '&lt;&amp;&gt;&quot;&apos;'],
    ['bell\u0007', 'bell\uFFFD'],
    ['tab\tnewline\n', 'tab\tnewline\n'],
  ])('escapeXml(%j)', (input, output) => {
    expect(escapeXml(input)).toBe(output);
  });
});
