/**
 * Reading the probe's stat and cmdline records (format 2: `sed -z -s -n -e 1F -e 'l 0'`;
 * format 3: the select awk, escaping as sed's `l` does): per file, its name on a line of its
 * own, then each NUL-ended element escaped and ended by `$`. An element line always ends in `$` and a name line never
 * does, so no element, whatever it holds, can start a record.
 */

/** One file's elements, unescaped. */
export interface EscapedRecord {
  readonly pid: number;
  readonly elements: readonly string[];
}

export interface EscapedRecords {
  readonly records: ReadonlyMap<number, EscapedRecord>;
  /** Lines that fit no record, each escaped and cut for a warning. */
  readonly dropped: readonly string[];
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 };

/** Undoes sed's `l` escaping (`\\n`, `\\\\`, `\\ooo`); bytes are read as UTF-8 like the rest of the output. */
export function unescapeSedLine(text: string): string {
  let backslash = text.indexOf('\\');
  // Most elements hold no escape: one copy (never a slice that keeps the chunk it came from alive).
  if (backslash < 0) return Buffer.from(text, 'utf8').toString('utf8');
  // Plain runs are written whole, escapes byte by byte (a stat line ends in `\\n`; an
  // octal escape may be one byte of a UTF-8 character, so bytes, not characters).
  const bytes = Buffer.allocUnsafe(Buffer.byteLength(text, 'utf8'));
  let length = 0;
  let from = 0;
  while (backslash >= 0) {
    length += bytes.write(text.slice(from, backslash), length, 'utf8');
    const octal = /^[0-7]{3}/.exec(text.slice(backslash + 1, backslash + 4));
    const simple = SIMPLE_ESCAPES[text[backslash + 1] ?? ''];
    if (octal !== null) {
      bytes[length++] = Number.parseInt(octal[0], 8);
      from = backslash + 4;
    } else if (simple !== undefined) {
      bytes[length++] = simple;
      from = backslash + 2;
    } else {
      bytes[length++] = 92;
      from = backslash + 1;
    }
    backslash = text.indexOf('\\', from);
  }
  length += bytes.write(text.slice(from), length, 'utf8');
  return bytes.toString('utf8', 0, length);
}

/** Host text made safe for a one-line warning: control bytes escaped, cut to `max` characters. */
export function describeHostText(text: string, max = 120): string {
  // eslint-disable-next-line no-control-regex
  const escaped = JSON.stringify(text).slice(1, -1).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}

/**
 * Reads one section's records line by line as they arrive, by `/proc/PID/<file>` lines
 * (file: `stat`, `cmdline`). With `cutAt`, a line of exactly that many bytes without its
 * `$` is an element the probe cut short; it is kept as cut. Only unescaped elements are
 * kept, never the lines themselves.
 */
export class EscapedRecordReader {
  private readonly name: RegExp;
  private readonly records = new Map<number, { pid: number; elements: string[] }>();
  private readonly dropped: string[] = [];
  private current: { pid: number; elements: string[] } | null = null;

  constructor(
    file: string,
    private readonly cutAt?: number,
  ) {
    this.name = new RegExp(`^/proc/(\\d+)/${file}$`);
  }

  line(line: string): void {
    if (line === '') return;
    const header = this.name.exec(line);
    if (header !== null) {
      this.current = { pid: Number(header[1]), elements: [] };
      this.records.set(this.current.pid, this.current);
    } else if (line.endsWith('$') && this.current !== null) {
      this.current.elements.push(unescapeSedLine(line.slice(0, -1)));
    } else if (this.cutAt !== undefined && this.current !== null && Buffer.byteLength(line) === this.cutAt) {
      this.current.elements.push(unescapeSedLine(line));
    } else {
      this.dropped.push(describeHostText(line));
    }
  }

  result(): EscapedRecords {
    return { records: this.records, dropped: this.dropped };
  }
}

/** The same over a whole section's text. */
export function parseEscapedRecords(body: string, file: string, cutAt?: number): EscapedRecords {
  const reader = new EscapedRecordReader(file, cutAt);
  for (const line of body.split('\n')) reader.line(line);
  return reader.result();
}
