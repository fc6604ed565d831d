import { exitCodeFor } from '../compare/exit-code.js';
import { GRAPHICAL_KINDS, SEVERITIES_BY_KIND } from '../compare/finding-severities.js';
import { FINDING_KINDS, type FleetReport } from '../compare/types.js';
import { type RenderMeta, summarizeHost } from './render-meta.js';

/** Label values: backslash, double quote and newline escaped, as the exposition format says. */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

interface Family {
  readonly name: string;
  readonly help: string;
  readonly samples: readonly { readonly labels?: Readonly<Record<string, string>>; readonly value: number }[];
}

function family(f: Family): string[] {
  const sample = (labels: Readonly<Record<string, string>> | undefined, value: number): string => {
    const text = labels === undefined ? '' : `{${Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
    return `${f.name}${text} ${Number.isFinite(value) ? String(value) : 'NaN'}`;
  };
  return [`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} gauge`, ...f.samples.map((s) => sample(s.labels, s.value))];
}

/**
 * A Prometheus textfile (node_exporter's textfile collector). Every kind × severity pair
 * is present, zero when nothing was found, so alerts have a series before the first
 * finding. Labels carry hosts at most: never node uuids or pids (unbounded cardinality).
 */
export function renderMetrics(report: FleetReport, meta: RenderMeta): string {
  const counts = new Map<string, number>();
  for (const kind of FINDING_KINDS) for (const severity of SEVERITIES_BY_KIND[kind]) counts.set(`${kind}\n${severity}`, 0);
  for (const f of report.findings) counts.set(`${f.kind}\n${f.severity}`, (counts.get(`${f.kind}\n${f.severity}`) ?? 0) + 1);
  // Ironic unread: every verdict is unknown (NaN), never 0; only unreachable hosts are known.
  const unread = report.ironicError !== undefined;
  const findings = [...counts].map(([key, value]) => {
    const [kind = '', severity = ''] = key.split('\n');
    return { labels: { kind, severity }, value: unread && kind !== 'unreachable' ? Number.NaN : value };
  });
  // Graphical consoles' findings again on their own (a subset of the above), every pair present.
  const graphical = new Map<string, number>();
  for (const kind of GRAPHICAL_KINDS) for (const severity of SEVERITIES_BY_KIND[kind]) graphical.set(`${kind}\n${severity}`, 0);
  for (const f of report.findings) {
    if (f.graphical !== undefined) graphical.set(`${f.kind}\n${f.severity}`, (graphical.get(`${f.kind}\n${f.severity}`) ?? 0) + 1);
  }
  const graphicalSamples = [...graphical].map(([key, value]) => {
    const [kind = '', severity = ''] = key.split('\n');
    return { labels: { kind, severity }, value: unread ? Number.NaN : value };
  });
  const finished = Date.parse(meta.finishedAt);
  const families: Family[] = [
    { name: 'console_doctor_findings', help: 'Findings of the last run by kind and severity.', samples: findings },
    {
      name: 'console_doctor_graphical_findings',
      help: 'Findings of the last run about graphical console containers, by kind and severity (also counted in console_doctor_findings).',
      samples: graphicalSamples,
    },
    { name: 'console_doctor_hosts_scanned', help: 'Conductor hosts scanned successfully in the last run.', samples: [{ value: report.hostsScanned }] },
    { name: 'console_doctor_hosts_unreachable', help: 'Conductor hosts that could not be scanned in the last run.', samples: [{ value: report.hostsUnreachable }] },
    {
      name: 'console_doctor_host_up',
      help: 'Whether a conductor host could be scanned (1) or not (0).',
      samples: meta.hosts.map(summarizeHost).map((h) => ({ labels: { host: h.name }, value: h.ok ? 1 : 0 })),
    },
    { name: 'console_doctor_ironic_up', help: 'Whether the Ironic API could be read whole (1) or not (0: no verdict).', samples: [{ value: unread ? 0 : 1 }] },
    { name: 'console_doctor_consoles_observed', help: 'Live console daemons and running console containers seen on all hosts.', samples: [{ value: report.consolesSeen }] },
    ...(report.nodesConsoleEnabled === undefined || unread
      ? []
      : [{ name: 'console_doctor_nodes_console_enabled', help: 'Nodes whose console Ironic says is enabled.', samples: [{ value: report.nodesConsoleEnabled }] }]),
    { name: 'console_doctor_scan_duration_seconds', help: 'Wall time of the last run.', samples: [{ value: meta.durationMs / 1000 }] },
    {
      name: 'console_doctor_last_run_timestamp_seconds',
      help: 'When the last run finished, seconds since the epoch.',
      samples: [{ value: Number.isNaN(finished) ? Number.NaN : finished / 1000 }],
    },
    { name: 'console_doctor_exit_code', help: 'Exit code of the last run: 0 clean, 1 warning, 2 critical, 3 unknown.', samples: [{ value: meta.exitCode ?? exitCodeFor(report) }] },
  ];
  return `${families.flatMap(family).join('\n')}\n`;
}
