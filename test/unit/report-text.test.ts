import { describe, expect, it } from 'vitest';
import { renderText, summaryLine } from '../../src/report/render-text.js';
import { plainStyle, type Style } from '../../src/report/style.js';
import { buildFinding, buildReport, buildSampleRun as sampleRun } from '../helpers/builders.js';

/** A style that shows where colour would go. */
const markStyle: Style = {
  critical: (s) => `<C>${s}</C>`,
  warning: (s) => `<W>${s}</W>`,
  info: (s) => `<I>${s}</I>`,
  ok: (s) => `<OK>${s}</OK>`,
  dim: (s) => `<D>${s}</D>`,
  bold: (s) => `<B>${s}</B>`,
};

describe('renderText', () => {
  it('groups findings by host in aligned columns, then one summary line', () => {
    const { report } = sampleRun();
    expect(renderText(report, { by: 'host', style: plainStyle })).toBe(
      [
        'conductor-a',
        '  SEVERITY  KIND              NODE    PORT   PIDS  MESSAGE',
        '  critical  wrong-host        web-01  10001  3100  console of node web-01 runs on conductor-a, but Ironic maps the node to conductor-b',
        '  warning   stray-credential  web-01  -      -     BMC credential file of node web-01 on conductor-a, which does not need it',
        '',
        'conductor-b',
        '  SEVERITY  KIND       NODE     PORT   PIDS  MESSAGE',
        '  info      unmanaged  -        -      8001  console-like process pid 8001 on conductor-b maps to no node: socat running ipmitool without a -L lock file',
        `  warning   missing    db<&"'>  10002  -     no console daemon for node db<&"'> on its owner conductor-b`,
        '',
        'conductor-c',
        '  SEVERITY  KIND         NODE  PORT  PIDS  MESSAGE',
        '  critical  unreachable  -     -     -     conductor-c could not be scanned: conductor-c: connect ETIMEDOUT 127.0.0.3:22',
        '',
        '2 hosts scanned, 1 unreachable · 2 critical, 2 warnings, 1 info · 2 consoles, 2 nodes',
        '',
      ].join('\n'),
    );
  });

  it('groups by node with a HOST column, headings naming node and uuid', () => {
    const { report } = sampleRun();
    const web = report.findings.find((f) => f.nodeName === 'web-01')?.nodeUuid;
    const text = renderText(report, { by: 'node', style: plainStyle });
    expect(text).toContain(
      [
        `web-01 (${web})`,
        '  SEVERITY  KIND              HOST         PORT   PIDS  MESSAGE',
        '  critical  wrong-host        conductor-a  10001  3100  console of node web-01 runs on conductor-a, but Ironic maps the node to conductor-b',
        '  warning   stray-credential  conductor-a  -      -     BMC credential file of node web-01 on conductor-a, which does not need it',
      ].join('\n'),
    );
    expect(text.split('\n').filter((l) => /^\S/.test(l))).toEqual([
      '(no node)',
      expect.stringMatching(/^db<&"'> \(/),
      expect.stringMatching(/^web-01 \(/),
      '2 hosts scanned, 1 unreachable · 2 critical, 2 warnings, 1 info · 2 consoles, 2 nodes',
    ]);
  });

  it('colours severities after padding, so columns stay aligned', () => {
    const report = buildReport({ findings: [buildFinding({ severity: 'warning', kind: 'port-mismatch', message: 'm' })] });
    const row = renderText(report, { by: 'host', style: markStyle }).split('\n')[2];
    expect(row).toBe('  <W>warning </W>  port-mismatch  node-1  10001  4242  m');
  });

  it.each([
    { name: 'clean', report: buildReport(), text: 'All clean: 3 hosts, 12 consoles, 40 nodes checked.\n' },
    { name: 'clean, singular', report: buildReport({ hostsScanned: 1, consolesSeen: 1, nodesSeen: 1 }), text: 'All clean: 1 host, 1 console, 1 node checked.\n' },
  ])('says so when $name', ({ report, text }) => {
    expect(renderText(report, { by: 'host', style: plainStyle })).toBe(text);
    expect(renderText(report, { by: 'host', style: markStyle })).toBe(`<OK>${text.trimEnd()}</OK>\n`);
  });

  it.each([
    { findings: [], unreachable: 1, line: '3 hosts scanned, 1 unreachable · no findings · 12 consoles, 40 nodes' },
    { findings: [buildFinding({ severity: 'warning' })], unreachable: 0, line: '3 hosts scanned · 1 warning · 12 consoles, 40 nodes' },
    { findings: [buildFinding(), buildFinding({ id: 'x' })], unreachable: 0, line: '3 hosts scanned · 2 critical · 12 consoles, 40 nodes' },
  ])('summary: $line', ({ findings, unreachable, line }) => {
    expect(summaryLine(buildReport({ findings, hostsUnreachable: unreachable }))).toBe(line);
  });
});
