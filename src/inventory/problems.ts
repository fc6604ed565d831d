import { ConfigError } from '../errors.js';

/**
 * A value read from an inventory together with where it was read, so that a problem
 * with it can name the place: `where` is the prefix of a problem line, such as
 * `inv.yaml:hosts.ctl1.port` or `inv.ini:12: ansible_port`; `line` is added at the end
 * when the prefix does not already hold it.
 */
export interface Located {
  readonly value: unknown;
  readonly where: string;
  readonly line?: number | undefined;
}

/** One problem line: `WHERE: message`, or `WHERE: message (line N)`. */
export function problemAt(where: string, message: string, line?: number): string {
  return `${where}: ${message}${line === undefined ? '' : ` (line ${line})`}`;
}

/** A problem with a located value. */
export function problemWith(located: Located, message: string): string {
  return problemAt(located.where, message, located.line);
}

/** Throws one ConfigError naming every problem, without repeats, in the order of the file's lines. */
export function throwIfProblems(problems: readonly string[]): void {
  if (problems.length === 0) return;
  const lineOf = (problem: string): number => Number(/^[^:]*:(\d+):/.exec(problem)?.[1] ?? /\(line (\d+)\)$/.exec(problem)?.[1] ?? 0);
  throw new ConfigError([...new Set(problems)].sort((a, b) => lineOf(a) - lineOf(b)));
}

/** How a bad value is shown in a message: strings quoted, objects by their kind. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

/** ` (did you mean "x"?)` when one candidate is close enough to be a likely typo. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const [best] = closeMatches(word, candidates, 1);
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

/**
 * The candidates close enough to `word` to be what was meant, closest first: within an
 * edit distance of a third of its length, else (for 4 characters or more) those it begins.
 */
export function closeMatches(word: string, candidates: readonly string[], max = 3): string[] {
  const lower = word.toLowerCase();
  const allowed = Math.max(1, Math.floor(word.length / 3));
  const near = [...new Set(candidates)]
    .map((candidate) => ({ candidate, distance: editDistance(lower, candidate.toLowerCase()) }))
    .filter((c) => c.distance <= allowed)
    .sort((a, b) => a.distance - b.distance)
    .map((c) => c.candidate);
  if (near.length > 0) return near.slice(0, max);
  return word.length >= 4 ? candidates.filter((c) => c.toLowerCase().startsWith(lower)).slice(0, max) : [];
}

/** Edit distance counting a swap of two neighbours as one edit ("prot" → "port"). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const above = rows[i - 1] ?? [];
      let best = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, (rows[i - 2]?.[j - 2] ?? 0) + 1);
      row[j] = best;
    }
    rows.push(row);
  }
  return rows[a.length]?.[b.length] ?? 0;
}

/** True for a plain object (a YAML/JSON mapping), not an array or null. */
export function isMapping(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
