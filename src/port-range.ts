/**
 * Ironic's `[console]port_range`: `START:END` (a StrOpt up to 32.x), or from 35.0 a list
 * of them, `START:END,START:END` (a ListOpt: items split at commas, blanks around them
 * dropped). Ironic allocates from each as Python's `range(START, END)`: END itself is
 * never handed out. Read from the inventory and from each conductor's ironic.conf.
 */

export interface PortRange {
  readonly start: number;
  /** Exclusive, as Ironic's `range(start, end)`. */
  readonly end: number;
}

export type ParsedPortRanges =
  | { readonly ok: true; readonly ranges: readonly PortRange[] }
  | { readonly ok: false; readonly error: string };

const ITEM = /^(\d{1,5})\s*:\s*(\d{1,5})$/;

/** Parses a port_range value the way Ironic's option types accept it; the error says why not. */
export function parsePortRanges(value: string): ParsedPortRanges {
  const items = value.split(',').map((item) => item.trim());
  const ranges: PortRange[] = [];
  for (const item of items) {
    const match = ITEM.exec(item);
    const start = Number(match?.[1]);
    const end = Number(match?.[2]);
    if (match === null) return { ok: false, error: `${JSON.stringify(item)} is not START:END` };
    if (end > 65535) return { ok: false, error: `${JSON.stringify(item)}: ports end at 65535` };
    if (start > end) return { ok: false, error: `${JSON.stringify(item)}: START is greater than END` };
    ranges.push({ start, end });
  }
  return { ok: true, ranges };
}

/** Whether Ironic could allocate `port` from these ranges. */
export function inPortRanges(port: number, ranges: readonly PortRange[]): boolean {
  return ranges.some((r) => port >= r.start && port < r.end);
}

/** `10000:10100,20000:20100`: the ranges as ironic.conf writes them. */
export function portRangesText(ranges: readonly PortRange[]): string {
  return ranges.map((r) => `${r.start}:${r.end}`).join(',');
}
