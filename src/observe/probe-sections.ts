import { InternalError } from '../errors.js';

/** The probe's output cut at its section headers; `warning` sections are collected apart. */
export interface ProbeSections {
  readonly sections: ReadonlyMap<string, string>;
  readonly warnings: readonly string[];
}

const FIRST_LINE = /^@@cd ([A-Za-z0-9]+) probe 2@@$/m;

/**
 * Splits the probe's output. The first header carries the run's nonce, and only headers
 * with that nonce count, so text in an argv or a file name cannot open a section.
 * Throws InternalError when the output is not the probe's or was cut short.
 */
export function splitProbeSections(text: string, hostName: string): ProbeSections {
  const first = FIRST_LINE.exec(text);
  if (first === null) throw new InternalError(`${hostName}: probe output has no header (not the probe's output?)`);
  const nonce = first[1] as string;
  const header = new RegExp(`^@@cd ${nonce} ([a-z0-9-]+)@@$`, 'gm');
  const marks = [...text.matchAll(header)].filter((m) => m.index >= first.index + first[0].length);
  const sections = new Map<string, string>();
  const warnings: string[] = [];
  marks.forEach((mark, i) => {
    const start = mark.index + mark[0].length + 1;
    const next = marks[i + 1];
    // sec() prints a newline before each header; it is not part of the section.
    const end = next === undefined ? text.length : next.index - 1;
    const body = text.slice(start, Math.max(start, end));
    const name = mark[1] as string;
    if (name === 'warning') {
      warnings.push(...body.split('\n').filter((line) => line.trim() !== ''));
    } else {
      sections.set(name, (sections.get(name) ?? '') + body);
    }
  });
  if (!sections.has('end')) throw new InternalError(`${hostName}: probe output was cut short (no end marker)`);
  return { sections, warnings };
}

/** A section that must be present. */
export function requireSection(probe: ProbeSections, name: string, hostName: string): string {
  const body = probe.sections.get(name);
  if (body === undefined) throw new InternalError(`${hostName}: probe output has no ${name} section`);
  return body;
}

/** Non-empty lines of a section. */
export function sectionLines(body: string): string[] {
  return body.split('\n').filter((line) => line.trim() !== '');
}
