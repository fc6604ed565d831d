import { FINDING_KINDS, type Finding, type FindingKind, type FleetReport } from '../compare/types.js';
import { type RenderMeta, summarizeHost, type HostSummary } from './render-meta.js';

/** Findings about the fleet, never about one host. */
const FLEET_KINDS: readonly FindingKind[] = ['unreachable', 'owner-unknown'];
/** Checks run on every reachable host: one testcase each. */
const HOST_CHECKS: readonly FindingKind[] = FINDING_KINDS.filter((k) => !FLEET_KINDS.includes(k));

/** Text and attribute values: the five entities, and no characters XML 1.0 forbids. */
export function escapeXml(text: string): string {
  return text
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function attrs(values: Readonly<Record<string, string | number>>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
}

interface Case {
  readonly name: string;
  /** Child elements (failure, error, skipped, system-out), already rendered. */
  readonly body: readonly string[];
  readonly failures: number;
  readonly errors: number;
  readonly skipped: number;
}

function failure(f: Finding): string {
  const text = [f.id, ...f.evidence].join('\n');
  const console = f.graphical === undefined ? '' : ' (graphical console)';
  return `<failure${attrs({ type: f.kind, message: `${f.severity}${console}: ${f.message}` })}>${escapeXml(text)}</failure>`;
}

function checkCase(name: string, findings: readonly Finding[]): Case {
  const failing = findings.filter((f) => f.severity !== 'info');
  const notes = findings.filter((f) => f.severity === 'info').map((f) => f.message);
  const body = [...failing.map(failure), ...(notes.length > 0 ? [`<system-out>${escapeXml(notes.join('\n'))}</system-out>`] : [])];
  return { name, body, failures: failing.length, errors: 0, skipped: 0 };
}

function hostCases(host: HostSummary, findings: readonly Finding[], ironicError: string | undefined): Case[] {
  if (host.ok && ironicError !== undefined) {
    // Reached, but nothing to compare with: every check is skipped, none passes.
    const skipped = `<skipped${attrs({ message: `Ironic could not be read: no verdict (${ironicError})` })}/>`;
    return [
      { name: 'reachable', body: [], failures: 0, errors: 0, skipped: 0 },
      ...HOST_CHECKS.map((kind) => ({ name: kind, body: [skipped], failures: 0, errors: 0, skipped: 1 })),
    ];
  }
  if (!host.ok) {
    const error = `<error${attrs({ type: 'unreachable', message: host.error ?? 'could not be scanned' })}/>`;
    const skipped = `<skipped${attrs({ message: 'host could not be scanned' })}/>`;
    return [
      { name: 'reachable', body: [error], failures: 0, errors: 1, skipped: 0 },
      ...HOST_CHECKS.map((kind) => ({ name: kind, body: [skipped], failures: 0, errors: 0, skipped: 1 })),
    ];
  }
  return [
    { name: 'reachable', body: [], failures: 0, errors: 0, skipped: 0 },
    ...HOST_CHECKS.map((kind) => checkCase(kind, findings.filter((f) => f.kind === kind))),
  ];
}

function fleetCases(meta: RenderMeta, findings: readonly Finding[], ironicError: string | undefined): Case[] {
  const error = meta.error ?? ironicError;
  const api: Case =
    error !== undefined && error !== null
      ? { name: 'ironic-api', body: [`<error${attrs({ type: 'api', message: error })}/>`], failures: 0, errors: 1, skipped: 0 }
      : { name: 'ironic-api', body: [], failures: 0, errors: 0, skipped: 0 };
  const kinds = [...new Set(findings.map((f) => f.kind))];
  return [api, ...kinds.map((kind) => checkCase(kind, findings.filter((f) => f.kind === kind)))];
}

function suite(name: string, cases: readonly Case[], seconds: number, timestamp: string): string[] {
  const sum = (key: 'failures' | 'errors' | 'skipped'): number => cases.reduce((n, c) => n + c[key], 0);
  const head = `  <testsuite${attrs({ name, tests: cases.length, failures: sum('failures'), errors: sum('errors'), skipped: sum('skipped'), time: seconds.toFixed(3), timestamp })}>`;
  const body = cases.map((c) => {
    const open = `    <testcase${attrs({ classname: `console-doctor.${name}`, name: c.name, time: '0' })}`;
    return c.body.length === 0 ? `${open}/>` : `${open}>\n${c.body.map((b) => `      ${b}`).join('\n')}\n    </testcase>`;
  });
  return [head, ...body, '  </testsuite>'];
}

/**
 * `--format junit`: one testsuite per host and one for the fleet (Ironic itself), one
 * testcase per (host, check); each critical or warning finding is a failure of its check,
 * an unreachable host an error whose other checks are skipped.
 */
export function renderJunit(report: FleetReport, meta: RenderMeta): string {
  const hosts = meta.hosts.map(summarizeHost);
  const known = new Set(hosts.map((h) => h.name));
  // A host with findings but no scan summary (should not happen) still gets a suite.
  for (const f of report.findings) {
    if (f.host !== null && !known.has(f.host)) {
      known.add(f.host);
      hosts.push({ name: f.host, ok: f.kind !== 'unreachable', error: f.kind === 'unreachable' ? f.message : null, durationMs: 0, conductor: null, warnings: [] });
    }
  }
  const suites = [
    ...hosts.map((h) => ({ name: h.name, cases: hostCases(h, report.findings.filter((f) => f.host === h.name), report.ironicError), seconds: h.durationMs / 1000 })),
    { name: 'fleet', cases: fleetCases(meta, report.findings.filter((f) => f.host === null), report.ironicError), seconds: meta.durationMs / 1000 },
  ];
  const all = suites.flatMap((s) => s.cases);
  const count = (key: 'failures' | 'errors' | 'skipped'): number => all.reduce((n, c) => n + c[key], 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'console-doctor', tests: all.length, failures: count('failures'), errors: count('errors'), skipped: count('skipped'), time: (meta.durationMs / 1000).toFixed(3) })}>`,
    ...suites.flatMap((s) => suite(s.name, s.cases, s.seconds, meta.startedAt)),
    '</testsuites>',
    '',
  ].join('\n');
}
