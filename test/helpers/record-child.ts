/**
 * Runs the audit store and fix lock in other, real processes: a fix that crashes
 * (SIGKILL) mid-run, a second `fix` racing for the lock. The child loads the compiled
 * modules from dist/ (`npm test` builds first), as the installed tool would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHILD_SCRIPT = join(ROOT, 'test', 'helpers', 'record-child.mjs');

/** The directory of the compiled record modules (dist/); fails clearly when not built. */
export function compiledRecordModule(): string {
  const dist = join(ROOT, 'dist');
  if (!existsSync(join(dist, 'record', 'sqlite-audit-store.js'))) {
    throw new Error('dist/ is not built: run `npm run build` (npm test does it first)');
  }
  return dist;
}

export interface Child {
  readonly process: ChildProcess;
  readonly pid: number;
  /** The first line the child prints, parsed as JSON. */
  readonly firstLine: Promise<Record<string, unknown>>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts test/helpers/record-child.mjs with `mode` and its arguments. */
export function startRecordChild(compiled: string, mode: string, ...args: string[]): Child {
  const child = spawn(process.execPath, [CHILD_SCRIPT, compiled, mode, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error('record child did not start');
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const firstLine = new Promise<Record<string, unknown>>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const nl = out.indexOf('\n');
      if (nl !== -1) resolve(JSON.parse(out.slice(0, nl)) as Record<string, unknown>);
    });
    void exited.then(({ code, signal }) => reject(new Error(`record child ${mode} exited (${code ?? signal}) before answering: ${stderr}`)));
  });
  return { process: child, pid: child.pid, firstLine, exited };
}
