/**
 * Ansible's host ranges in host names: `ctl[01:03]` (zero-padded), `db-[a:c]`,
 * `node[1:10:2]` (with a stride), `[:3]` (from 0), several ranges in one name.
 * Follows ansible.plugins.inventory.expand_hostname_range, so a name expands to the
 * hosts Ansible would see.
 */
export type RangeExpansion =
  | { readonly ok: true; readonly names: readonly string[] }
  | { readonly ok: false; readonly error: string };

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const RANGE = /^(.*?)\[([^\]]*:[^\]]*)\](.*)$/s;

/** True when `pattern` holds a `[begin:end]` range. */
export function hasHostRange(pattern: string): boolean {
  return RANGE.test(pattern);
}

export function expandHostRange(pattern: string): RangeExpansion {
  const match = RANGE.exec(pattern);
  if (match === null) return { ok: true, names: [pattern] };
  const [, head = '', range = '', tail = ''] = match;
  const values = rangeValues(range);
  if (typeof values === 'string') return { ok: false, error: `host range "${pattern}": ${values}` };
  const names: string[] = [];
  for (const value of values) {
    const rest = expandHostRange(`${head}${value}${tail}`);
    if (!rest.ok) return rest;
    names.push(...rest.names);
  }
  return { ok: true, names };
}

/** The values of one `begin:end[:step]` range, or an error message. */
function rangeValues(range: string): readonly string[] | string {
  const bounds = range.split(':');
  if (bounds.length !== 2 && bounds.length !== 3) return 'must be [begin:end] or [begin:end:step]';
  const begin = bounds[0] === '' ? '0' : (bounds[0] ?? '0');
  const end = bounds[1] ?? '';
  if (end === '') return 'must give an end value';
  const stepText = bounds[2] ?? '1';
  if (!/^\d+$/.test(stepText) || Number(stepText) === 0) return `step must be a positive integer, got "${stepText}"`;
  const step = Number(stepText);

  const padded = begin.startsWith('0') && begin.length > 1;
  if (padded && begin.length !== end.length) return 'begin and end must have the same width when zero-padded';

  if (/^[a-zA-Z]$/.test(begin) && /^[a-zA-Z]$/.test(end)) {
    const from = LETTERS.indexOf(begin);
    const to = LETTERS.indexOf(end);
    if (from > to) return 'begin must not come after end';
    return [...LETTERS.slice(from, to + 1)].filter((_, i) => i % step === 0);
  }
  if (!/^\d+$/.test(begin) || !/^\d+$/.test(end)) {
    return `begin and end must both be numbers or both single letters, got "${begin}" and "${end}"`;
  }
  const from = Number(begin);
  const to = Number(end);
  if (from > to) return 'begin must not come after end';
  if ((to - from) / step > 100_000) return 'expands to more than 100000 hosts';
  const values: string[] = [];
  for (let n = from; n <= to; n += step) values.push(padded ? String(n).padStart(begin.length, '0') : String(n));
  return values;
}
