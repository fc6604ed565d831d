/**
 * Turns measured runs into the printed tables, ratios, growth and target verdicts.
 * Pure: data in, text and verdicts out.
 */

const f1 = (v) => (Number.isFinite(v) ? v.toFixed(1) : '-');
const f2 = (v) => (Number.isFinite(v) ? v.toFixed(2) : '-');

export function median(values) {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return NaN;
  const mid = Math.floor(finite.length / 2);
  return finite.length % 2 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
}

/** One row per contender: medians over its runs. */
export function summarise(label, runs, hosts) {
  const ok = runs.every((r) => r.check === 'ok');
  const wallMs = median(runs.map((r) => r.wallMs));
  const cpuMs = median(runs.map((r) => r.cpuMs));
  return {
    label,
    runs: runs.length,
    ok,
    check: ok ? 'ok' : runs.map((r) => r.check).find((c) => c !== 'ok'),
    timedOut: runs.some((r) => r.timedOut),
    wallS: wallMs / 1000,
    cpuMs,
    cpuMsPerHost: cpuMs / hosts,
    serverMsPerHost: median(runs.map((r) => r.serverMs)) / hosts,
    maxRssMb: Math.max(...runs.map((r) => r.maxRssMb).filter(Number.isFinite)),
  };
}

export function ratios(rows) {
  const by = Object.fromEntries(rows.map((r) => [r.label, r]));
  const wall = (l) => (by[l] && !by[l].timedOut && by[l].ok ? by[l].wallS : NaN);
  const scan = wall('console-doctor scan');
  return {
    scanOverFloor: scan / wall('floor (ssh2 + API read)'),
    psshOverScan: wall('parallel-ssh') / scan,
    ansibleRawOverScan: wall('ansible -m raw') / scan,
    ansibleDefaultOverScan: wall('ansible (command)') / scan,
  };
}

export function sizeTable(size) {
  const header = `N = ${size.n} hosts, M = ${size.m} nodes (${size.daemonsPerHost} consoles per host)`;
  const lines = [header, '-'.repeat(header.length)];
  lines.push(`${'contender'.padEnd(26)} ${'wall s'.padStart(8)} ${'CPU ms'.padStart(9)} ${'CPU ms/host'.padStart(12)} ${'peak RSS MB'.padStart(12)} ${'sshd CPU ms/host'.padStart(17)}  check`);
  for (const r of size.rows) {
    const wall = r.timedOut ? 'timeout' : f2(r.wallS);
    lines.push(`${r.label.padEnd(26)} ${wall.padStart(8)} ${f1(r.cpuMs).padStart(9)} ${f2(r.cpuMsPerHost).padStart(12)} ${f1(r.maxRssMb).padStart(12)} ${f1(r.serverMsPerHost).padStart(17)}  ${r.check}${r.runs > 1 ? ` (median of ${r.runs})` : ''}`);
  }
  const q = size.ratios;
  lines.push(
    `ratios: scan/floor ${f2(q.scanOverFloor)}   pssh/scan ${f2(q.psshOverScan)}   ansible-raw/scan ${f2(q.ansibleRawOverScan)}   ansible-default/scan ${f2(q.ansibleDefaultOverScan)}`,
  );
  if (size.scanFindings !== undefined) lines.push(`scan findings: ${size.scanFindings} ${JSON.stringify(size.byKind ?? {})}, consoles seen: ${size.consoles}`);
  return lines.join('\n');
}

/** Growth with N (per added host) and with M (per 1,000 added nodes), from the scan rows. */
export function growth(sizes) {
  const pick = (s) => s.rows.find((r) => r.label === 'console-doctor scan');
  const out = [];
  const ns = [...new Set(sizes.map((s) => s.n))].sort((a, b) => a - b);
  const ms = [...new Set(sizes.map((s) => s.m))].sort((a, b) => a - b);
  for (const m of ms) {
    const row = ns.map((n) => sizes.find((s) => s.n === n && s.m === m)).filter(Boolean);
    if (row.length < 2) continue;
    const [a, b] = [row[0], row[row.length - 1]];
    const dn = b.n - a.n;
    out.push({
      axis: 'N', at: `M=${m}`, from: a.n, to: b.n,
      wallMsPerHost: ((pick(b).wallS - pick(a).wallS) * 1000) / dn,
      cpuMsPerHost: (pick(b).cpuMs - pick(a).cpuMs) / dn,
      rssMbPerHost: (pick(b).maxRssMb - pick(a).maxRssMb) / dn,
    });
  }
  for (const n of ns) {
    const row = ms.map((m) => sizes.find((s) => s.n === n && s.m === m)).filter(Boolean);
    if (row.length < 2) continue;
    const [a, b] = [row[0], row[row.length - 1]];
    const dk = (b.m - a.m) / 1000;
    out.push({
      axis: 'M', at: `N=${n}`, from: a.m, to: b.m,
      wallMsPer1kNodes: ((pick(b).wallS - pick(a).wallS) * 1000) / dk,
      cpuMsPer1kNodes: (pick(b).cpuMs - pick(a).cpuMs) / dk,
      rssMbPer1kNodes: (pick(b).maxRssMb - pick(a).maxRssMb) / dk,
    });
  }
  return out;
}

export function growthText(lines) {
  if (lines.length === 0) return 'growth: needs at least two values of N or of M';
  return [
    'How the scan\'s cost grows (slope between the smallest and largest size measured):',
    ...lines.map((g) =>
      g.axis === 'N'
        ? `  with N (${g.at}, N ${g.from}->${g.to}): +${f1(g.wallMsPerHost)} ms wall, +${f2(g.cpuMsPerHost)} ms CPU, +${f2(g.rssMbPerHost)} MB RSS per added host`
        : `  with M (${g.at}, M ${g.from}->${g.to}): +${f1(g.wallMsPer1kNodes)} ms wall, +${f1(g.cpuMsPer1kNodes)} ms CPU, +${f2(g.rssMbPer1kNodes)} MB RSS per 1,000 added nodes`,
    ),
  ].join('\n');
}

/** The product owner's targets, judged at the target size (or the largest measured). */
export function targets(sizes, compare) {
  const at = sizes.find((s) => s.n === 200 && s.m === 20_000) ?? [...sizes].sort((a, b) => a.n * a.m - b.n * b.m).pop();
  if (at === undefined) return { at: null, verdicts: [] };
  const scan = at.rows.find((r) => r.label === 'console-doctor scan');
  const q = at.ratios;
  const judge = (name, value, pass, goal) => ({ name, value, goal, verdict: Number.isFinite(value) ? (pass ? 'PASS' : 'MISS') : 'n/a' });
  const realistic = compare.find((c) => c.mix === 'realistic');
  const most = compare.find((c) => c.mix === 'enabled-most');
  return {
    at: `N=${at.n}, M=${at.m}`,
    official: at.n === 200 && at.m === 20_000,
    verdicts: [
      judge('scan wall / floor wall', q.scanOverFloor, q.scanOverFloor <= 1.3, '<= 1.3'),
      judge('ansible-default wall / scan wall', q.ansibleDefaultOverScan, q.ansibleDefaultOverScan >= 7, '>= 7'),
      judge('pssh wall / scan wall', q.psshOverScan, q.psshOverScan >= 2, '>= 2 (2-core machine)'),
      judge('tool CPU per host (ms)', scan.cpuMsPerHost, scan.cpuMsPerHost < 10, '< 10'),
      judge('compare 20k nodes / 2k daemons (ms, realistic)', realistic?.medianMs, realistic?.medianMs < 100, '< 100'),
      judge('compare 20k nodes / 2k daemons (ms, 90% enabled)', most?.medianMs, most?.medianMs < 100, '< 100'),
      judge('peak RSS (MB)', scan.maxRssMb, scan.maxRssMb < 200, '< 200'),
    ],
  };
}

export function targetsText(t) {
  if (t.at === null) return 'targets: nothing measured';
  return [
    `Targets at ${t.at}${t.official ? '' : ' (NOT the target size N=200, M=20000: indicative only)'}:`,
    ...t.verdicts.map((v) => `  ${v.verdict.padEnd(4)} ${v.name.padEnd(50)} ${f2(v.value).padStart(8)}  (goal ${v.goal})`),
  ].join('\n');
}
