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

const profileText = (size) =>
  size.busy
    ? `busy profile: ${size.busy.procs} processes${size.busy.capped ? ` (of ${size.busy.requested} asked)` : ''} and ${size.busy.sockets} listening sockets per host`
    : 'default profile';

export function sizeTable(size) {
  const header = `N = ${size.n} hosts, M = ${size.m} nodes, ${profileText(size)} (${size.daemonsPerHost} consoles per host)`;
  const lines = [header, '-'.repeat(header.length)];
  lines.push(`${'contender'.padEnd(30)} ${'wall s'.padStart(8)} ${'CPU ms'.padStart(9)} ${'CPU ms/host'.padStart(12)} ${'peak RSS MB'.padStart(12)} ${'sshd CPU ms/host'.padStart(17)}  check`);
  for (const r of size.rows) {
    const wall = r.timedOut ? 'timeout' : f2(r.wallS);
    lines.push(`${r.label.padEnd(30)} ${wall.padStart(8)} ${f1(r.cpuMs).padStart(9)} ${f2(r.cpuMsPerHost).padStart(12)} ${f1(r.maxRssMb).padStart(12)} ${f1(r.serverMsPerHost).padStart(17)}  ${r.check}${r.runs > 1 ? ` (median of ${r.runs})` : ''}`);
  }
  const q = size.ratios;
  lines.push(
    `ratios: scan/floor ${f2(q.scanOverFloor)}   pssh/scan ${f2(q.psshOverScan)}   ansible-raw/scan ${f2(q.ansibleRawOverScan)}   ansible-default/scan ${f2(q.ansibleDefaultOverScan)}`,
  );
  if (size.scanFindings !== undefined) lines.push(`scan findings: ${size.scanFindings} ${JSON.stringify(size.byKind ?? {})}, consoles seen: ${size.consoles}`);
  const kb = (d) => (d && Number.isFinite(d.probeBytes) ? `${f1(d.probeBytes / size.n / 1024)} kB` : '-');
  if (size.floorDetail || size.plainDetail) lines.push(`probe output per host: the tool's probe ${kb(size.floorDetail)}, the plain probe ${kb(size.plainDetail)}`);
  return lines.join('\n');
}

const isDefault = (s) => (s.profile ?? 'default') === 'default';
const scanRow = (s) => s.rows.find((r) => r.label === 'console-doctor scan');
const rowOf = (s, label) => s.rows.find((r) => r.label === label);

/**
 * Growth of the scan's cost, slopes between the smallest and largest size measured:
 * default profile with N (per added host) and with M (per 1,000 added nodes); busy
 * profile with N (same M and processes per host) and with P (per 1,000 added processes
 * per host, same N and M).
 */
export function growth(sizes) {
  const pick = scanRow;
  const out = [];
  const defaults = sizes.filter(isDefault);
  const ns = [...new Set(defaults.map((s) => s.n))].sort((a, b) => a - b);
  const ms = [...new Set(defaults.map((s) => s.m))].sort((a, b) => a - b);
  for (const m of ms) {
    const row = ns.map((n) => defaults.find((s) => s.n === n && s.m === m)).filter(Boolean);
    if (row.length < 2) continue;
    const [a, b] = [row[0], row[row.length - 1]];
    const dn = b.n - a.n;
    out.push({
      profile: 'default', axis: 'N', at: `M=${m}`, from: a.n, to: b.n,
      wallMsPerHost: ((pick(b).wallS - pick(a).wallS) * 1000) / dn,
      cpuMsPerHost: (pick(b).cpuMs - pick(a).cpuMs) / dn,
      rssMbPerHost: (pick(b).maxRssMb - pick(a).maxRssMb) / dn,
    });
  }
  for (const n of ns) {
    const row = ms.map((m) => defaults.find((s) => s.n === n && s.m === m)).filter(Boolean);
    if (row.length < 2) continue;
    const [a, b] = [row[0], row[row.length - 1]];
    const dk = (b.m - a.m) / 1000;
    out.push({
      profile: 'default', axis: 'M', at: `N=${n}`, from: a.m, to: b.m,
      wallMsPer1kNodes: ((pick(b).wallS - pick(a).wallS) * 1000) / dk,
      cpuMsPer1kNodes: (pick(b).cpuMs - pick(a).cpuMs) / dk,
      rssMbPer1kNodes: (pick(b).maxRssMb - pick(a).maxRssMb) / dk,
    });
  }
  const busy = sizes.filter((s) => !isDefault(s));
  const groups = (key) => {
    const map = new Map();
    for (const s of busy) map.set(key(s), [...(map.get(key(s)) ?? []), s]);
    return [...map.values()];
  };
  for (const same of groups((s) => `${s.m}/${s.busy.procs}`)) {
    if (same.length < 2) continue;
    const sorted = same.sort((a, b) => a.n - b.n);
    const [a, b] = [sorted[0], sorted[sorted.length - 1]];
    const dn = b.n - a.n;
    out.push({
      profile: 'busy', axis: 'N', at: `M=${a.m}, ${a.busy.procs} processes per host`, from: a.n, to: b.n,
      wallMsPerHost: ((pick(b).wallS - pick(a).wallS) * 1000) / dn,
      cpuMsPerHost: (pick(b).cpuMs - pick(a).cpuMs) / dn,
      rssMbPerHost: (pick(b).maxRssMb - pick(a).maxRssMb) / dn,
    });
  }
  for (const same of groups((s) => `${s.n}/${s.busy.procs}`)) {
    const byM = same.sort((a, b) => a.m - b.m);
    if (byM.length < 2) continue;
    const [a, b] = [byM[0], byM[byM.length - 1]];
    const dk = (b.m - a.m) / 1000;
    out.push({
      profile: 'busy', axis: 'M', at: `N=${a.n}, ${a.busy.procs} processes per host`, from: a.m, to: b.m,
      wallMsPer1kNodes: ((pick(b).wallS - pick(a).wallS) * 1000) / dk,
      cpuMsPer1kNodes: (pick(b).cpuMs - pick(a).cpuMs) / dk,
      rssMbPer1kNodes: (pick(b).maxRssMb - pick(a).maxRssMb) / dk,
    });
  }
  for (const same of groups((s) => `${s.n}/${s.m}`)) {
    const byP = same.sort((a, b) => a.busy.procs - b.busy.procs);
    if (byP.length < 2) continue;
    const [a, b] = [byP[0], byP[byP.length - 1]];
    const dk = (b.busy.procs - a.busy.procs) / 1000;
    const plain = (s) => rowOf(s, 'plain probe (ssh2 + API read)');
    out.push({
      profile: 'busy', axis: 'P', at: `N=${a.n}, M=${a.m}`, from: a.busy.procs, to: b.busy.procs,
      wallMsPer1kProcs: ((pick(b).wallS - pick(a).wallS) * 1000) / dk,
      cpuMsPerHostPer1kProcs: (pick(b).cpuMsPerHost - pick(a).cpuMsPerHost) / dk,
      rssMbPer1kProcs: (pick(b).maxRssMb - pick(a).maxRssMb) / dk,
      serverMsPerHostPer1kProcs: (pick(b).serverMsPerHost - pick(a).serverMsPerHost) / dk,
      plainServerMsPerHostPer1kProcs: plain(a) && plain(b) ? (plain(b).serverMsPerHost - plain(a).serverMsPerHost) / dk : NaN,
    });
  }
  return out;
}

export function growthText(lines) {
  if (lines.length === 0) return 'growth: needs at least two values of N, of M or of processes per host';
  const text = (g) => {
    const where = `${g.profile} profile, ${g.at}`;
    if (g.axis === 'N') return `  with N (${where}, N ${g.from}->${g.to}): +${f1(g.wallMsPerHost)} ms wall, +${f2(g.cpuMsPerHost)} ms CPU, +${f2(g.rssMbPerHost)} MB RSS per added host`;
    if (g.axis === 'M') return `  with M (${where}, M ${g.from}->${g.to}): +${f1(g.wallMsPer1kNodes)} ms wall, +${f1(g.cpuMsPer1kNodes)} ms CPU, +${f2(g.rssMbPer1kNodes)} MB RSS per 1,000 added nodes`;
    return `  with processes per host (${where}, P ${g.from}->${g.to}): per 1,000 added processes on every host +${f1(g.wallMsPer1kProcs)} ms wall, +${f2(g.cpuMsPerHostPer1kProcs)} ms CPU per host, +${f1(g.rssMbPer1kProcs)} MB RSS, +${f1(g.serverMsPerHostPer1kProcs)} ms sshd CPU per host (plain probe: +${f1(g.plainServerMsPerHostPer1kProcs)})`;
  };
  return ["How the scan's cost grows (slope between the smallest and largest size measured):", ...lines.map(text)].join('\n');
}

/** Scan, floor and plain probe of every size, both profiles, one table (wall, CPU/host, RSS, sshd CPU/host). */
export function sideBySide(sizes) {
  const order = [...sizes].sort((a, b) => a.n - b.n || a.m - b.m || (a.busy?.procs ?? 0) - (b.busy?.procs ?? 0));
  const labels = [
    ['console-doctor scan', 'scan'],
    ['floor (ssh2 + API read)', 'floor'],
    ['plain probe (ssh2 + API read)', 'plain probe'],
  ];
  const lines = [
    'Both profiles side by side (scan, floor and plain probe measured on the same hosts in the same run):',
    `${'N'.padStart(5)} ${'M'.padStart(7)} ${'profile'.padEnd(22)} ${'contender'.padEnd(12)} ${'wall s'.padStart(8)} ${'CPU ms/host'.padStart(12)} ${'peak RSS MB'.padStart(12)} ${'sshd CPU ms/host'.padStart(17)} ${'wall/floor'.padStart(10)}`,
  ];
  for (const s of order) {
    const floor = rowOf(s, 'floor (ssh2 + API read)');
    const profile = s.busy ? `busy ${s.busy.procs}p/${s.busy.sockets}s` : 'default';
    for (const [label, short] of labels) {
      const r = rowOf(s, label);
      if (!r) continue;
      lines.push(
        `${String(s.n).padStart(5)} ${String(s.m).padStart(7)} ${profile.padEnd(22)} ${short.padEnd(12)} ${f2(r.wallS).padStart(8)} ${f2(r.cpuMsPerHost).padStart(12)} ${f1(r.maxRssMb).padStart(12)} ${f1(r.serverMsPerHost).padStart(17)} ${f2(r.wallS / floor?.wallS).padStart(10)}`,
      );
    }
  }
  return lines.join('\n');
}

/**
 * Issue 12's targets, judged on the busy profile at N = 200, M = 20,000 (else the largest
 * busy size measured; at a given N and M, the most processes per host), and the default
 * profile against the last committed results (same N and M: the target size if both have
 * it, else the largest in common). Tolerances for "no worse": the scan/floor wall ratio
 * may grow by 0.10, CPU per host and peak RSS by 10%.
 */
export function busyTargets(busySizes, defaults, previous) {
  const verdicts = [];
  const judge = (name, value, goal, pass) => verdicts.push({ name, value, goal, verdict: Number.isFinite(value) ? (pass ? 'PASS' : 'MISS') : 'n/a' });
  const at = busySizes.filter((s) => s.n === 200 && s.m === 20_000).sort((a, b) => b.busy.procs - a.busy.procs)[0]
    ?? [...busySizes].sort((a, b) => a.n * a.m * a.busy.procs - b.n * b.m * b.busy.procs).pop();
  if (at) {
    const scan = scanRow(at);
    const floor = rowOf(at, 'floor (ssh2 + API read)');
    const plain = rowOf(at, 'plain probe (ssh2 + API read)');
    const wall = scan.wallS / floor.wallS;
    const cpu = scan.cpuMsPerHost / floor.cpuMsPerHost;
    judge('busy: scan wall / floor wall', wall, '<= 1.3', wall <= 1.3);
    judge('busy: scan CPU per host / floor CPU per host', cpu, '<= 1.5', cpu <= 1.5);
    // The issue's own table names the floor "ssh2 + API read (plain ps + ss)": the same
    // client running the plain probe. Judged against both; the tool's-probe floor is stricter
    // on CPU (it reads an eighth of the bytes), the plain one on wall time (its hosts do less).
    const plainWall = scan.wallS / plain?.wallS;
    const plainCpu = scan.cpuMsPerHost / plain?.cpuMsPerHost;
    judge('busy: scan wall / plain-probe floor wall', plainWall, '<= 1.3', plainWall <= 1.3);
    judge('busy: scan CPU per host / plain-probe floor CPU per host', plainCpu, '<= 1.5', plainCpu <= 1.5);
    judge(`busy: sshd CPU per host, scan (plain probe ${f1(plain?.serverMsPerHost)} ms)`, scan.serverMsPerHost, '<= plain probe', scan.serverMsPerHost <= plain?.serverMsPerHost);
    judge('busy: peak RSS (MB)', scan.maxRssMb, '<= 200', scan.maxRssMb <= 200);
  }
  // The issue's per-host load (5,000 processes and sockets) cannot run at N = 200 here; where
  // a smaller fleet carried more per host than `at`, the server target is judged there too.
  const heaviest = [...busySizes].sort((a, b) => b.busy.procs - a.busy.procs || b.n - a.n)[0];
  if (heaviest && at && heaviest !== at && heaviest.busy.procs > at.busy.procs) {
    const scan = scanRow(heaviest);
    const plain = rowOf(heaviest, 'plain probe (ssh2 + API read)');
    judge(`busy at N=${heaviest.n}, ${heaviest.busy.procs} processes per host: sshd CPU per host, scan (plain probe ${f1(plain?.serverMsPerHost)} ms)`, scan.serverMsPerHost, '<= plain probe', scan.serverMsPerHost <= plain?.serverMsPerHost);
  }
  let against;
  const old = (previous?.sizes ?? []).filter(isDefault);
  const common = defaults.filter((s) => old.some((o) => o.n === s.n && o.m === s.m));
  const now = common.find((s) => s.n === 200 && s.m === 20_000) ?? [...common].sort((a, b) => a.n * a.m - b.n * b.m).pop();
  if (now) {
    const before = old.find((o) => o.n === now.n && o.m === now.m);
    const [a, b] = [scanRow(before), scanRow(now)];
    against = { n: now.n, m: now.m, date: previous.date };
    judge(`default: scan wall / floor wall (was ${f2(before.ratios.scanOverFloor)})`, now.ratios.scanOverFloor, `<= ${f2(before.ratios.scanOverFloor + 0.1)}`, now.ratios.scanOverFloor <= before.ratios.scanOverFloor + 0.1);
    // CPU against the run's own floor, as the wall: the machine's speed moves both (the same
    // floor took 8.9 ms per host on 2026-12-02 and 17.9 on 2026-12-03).
    const cpuNow = b.cpuMsPerHost / rowOf(now, 'floor (ssh2 + API read)')?.cpuMsPerHost;
    const cpuBefore = a.cpuMsPerHost / rowOf(before, 'floor (ssh2 + API read)')?.cpuMsPerHost;
    judge(`default: scan CPU per host / floor's (was ${f2(cpuBefore)})`, cpuNow, `<= ${f2(cpuBefore * 1.1)}`, cpuNow <= cpuBefore * 1.1);
    judge(`default: scan peak RSS MB (was ${f1(a.maxRssMb)})`, b.maxRssMb, `<= ${f1(a.maxRssMb * 1.1)}`, b.maxRssMb <= a.maxRssMb * 1.1);
  }
  return {
    at: at ? `N=${at.n}, M=${at.m}, ${at.busy.procs} processes and ${at.busy.sockets} sockets per host` : null,
    official: at ? at.n === 200 && at.m === 20_000 && at.busy.procs >= 5000 && at.busy.sockets >= 5000 : false,
    against,
    verdicts,
  };
}

export function busyTargetsText(t) {
  if (t.verdicts.length === 0) return 'issue 12 targets: nothing measured';
  const head = t.at
    ? `Issue 12 targets on the busy profile at ${t.at}${t.official ? '' : ' (the issue asks N=200, M=20000 with 5,000 processes and sockets per host: indicative only)'}`
    : 'Issue 12 targets: no busy size measured';
  const against = t.against ? `; default profile at N=${t.against.n}, M=${t.against.m} against the committed results of ${t.against.date}` : '; default profile: no committed results to compare with';
  return [`${head}${against}:`, ...t.verdicts.map((v) => `  ${v.verdict.padEnd(4)} ${v.name.padEnd(62)} ${f2(v.value).padStart(8)}  (goal ${v.goal})`)].join('\n');
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
