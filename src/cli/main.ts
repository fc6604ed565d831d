import { ConfigError, ConsoleDoctorError } from '../errors.js';
import { exitCodeForError } from './exit-codes.js';
import { buildProgram } from './program.js';

/** The one line an operator sees for an error; the stack only with --debug. */
export function formatError(error: unknown, debug: boolean): string {
  if (debug && error instanceof Error) return `console-doctor: ${error.stack ?? error.message}`;
  if (error instanceof ConfigError) return error.problems.map((p) => `console-doctor: ${p}`).join('\n');
  if (error instanceof ConsoleDoctorError) return `console-doctor: ${error.message}`;
  const message = error instanceof Error ? error.message : String(error);
  return `console-doctor: internal error: ${message.split('\n')[0]} (run with --debug for details)`;
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
