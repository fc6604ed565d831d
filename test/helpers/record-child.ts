/**
 * Runs the audit store and fix lock in other, real processes: a fix that crashes
 * (SIGKILL) mid-run, a second `fix` racing for the lock. tsx is not installed, so the
 * record module (and src/errors.ts, its only runtime dependency) is transpiled once into
 * node_modules/.cache, where `better-sqlite3` resolves from the project's node_modules.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CHILD_SCRIPT = join(ROOT, 'test', 'helpers', 'record-child.mjs');

/** Transpiles src/errors.ts and src/record/*.ts; returns the directory holding `src/`. */
export function compileRecordModule(): string {
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const out = mkdtempSync(join(cache, 'console-doctor-record-'));
  const sources = ['src/errors.ts', ...readdirSync(join(ROOT, 'src', 'record')).filter((f) => f.endsWith('.ts')).map((f) => `src/record/${f}`)];
  for (const source of sources) {
    const { outputText } = ts.transpileModule(readFileSync(join(ROOT, source), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      fileName: source,
    });
    const target = join(out, source.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText);
  }
  writeFileSync(join(out, 'package.json'), '{"type":"module"}\n');
  return out;
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
