import { ConfigError, ConsoleDoctorError } from '../errors.js';
import { exitCodeForError } from './exit-codes.js';
import { buildProgram } from './program.js';

const MAX_LINE = 300;
const MAX_PROBLEMS = 50;

/** A line as the terminal may show it: control characters escaped, at most MAX_LINE characters. */
export function printable(line: string): string {
  const escaped = line.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length <= MAX_LINE ? escaped : `${escaped.slice(0, MAX_LINE - 1)}…`;
}

/** The lines an operator sees for an error (one per problem, capped); the stack only with --debug. */
export function formatError(error: unknown, debug: boolean): string {
  if (debug && error instanceof Error) return `console-doctor: ${error.stack ?? error.message}`;
  if (error instanceof ConfigError) {
    const shown = error.problems.slice(0, MAX_PROBLEMS).map((p) => `console-doctor: ${printable(p)}`);
    const more = error.problems.length - shown.length;
    return [...shown, ...(more > 0 ? [`console-doctor: … and ${more} more problems`] : [])].join('\n');
  }
  if (error instanceof ConsoleDoctorError) return `console-doctor: ${printable(error.message)}`;
  const message = error instanceof Error ? error.message : String(error);
  return `console-doctor: internal error: ${printable(message.split('\n')[0] ?? '')} (run with --debug for details)`;
}

/** Runs the CLI and returns the exit code; never calls process.exit. */
export async function run(argv: readonly string[]): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    return await buildProgram().run(argv);
  } catch (error) {
    process.stderr.write(`${formatError(error, debug)}\n`);
    return exitCodeForError(error);
  }
}

/** The binary's entry: the only place that ends the process. */
export function main(argv: readonly string[]): void {
  run(argv).then(
    (code) => {
      // Let stdout drain before exiting (a pipe may be slower than us).
      process.stdout.write('', () => process.exit(code));
    },
    () => process.exit(3),
  );
}
