import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * No import cycle among src/'s modules. A cycle makes a module's constants depend on which
 * module a program imports first: `bench/compare.mjs` entering through compare-fleet once
 * hit `Cannot access 'QUADLET_USERS_DIR' before initialization` while the CLI, entering
 * elsewhere, did not. Imports of types only are erased at build time and do not count.
 */

const SRC = resolve(import.meta.dirname, '../../src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? tsFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

/** The modules a file imports at run time (relative imports that are not type-only). */
function runtimeImports(file: string, text: string): string[] {
  const imports: string[] = [];
  for (const match of text.matchAll(/^import\s+(type\s+)?([\s\S]*?)\s*from\s+'(\.[^']+)';/gm)) {
    const [, typeOnly, names = '', target = ''] = match;
    if (typeOnly !== undefined) continue;
    const braces = /^\{([\s\S]*)\}$/.exec(names.trim());
    const specifiers = braces?.[1]?.split(',').map((name) => name.trim()).filter((name) => name !== '') ?? [];
    if (braces !== null && specifiers.every((name) => name.startsWith('type '))) continue;
    imports.push(resolve(dirname(file), target.replace(/\.js$/, '.ts')));
  }
  for (const match of text.matchAll(/^import\s+'(\.[^']+)';/gm)) imports.push(resolve(dirname(file), (match[1] ?? '').replace(/\.js$/, '.ts')));
  return imports;
}

function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...path.slice(path.indexOf(next)), next]);
      else if (state.get(next) === undefined) visit(next);
    }
    path.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (state.get(file) === undefined) visit(file);
  return cycles;
}

describe('module graph', () => {
  it('finds a cycle when there is one (the check can fail)', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
      ['d', ['a']],
    ]);
    expect(importCycles(graph)).toEqual([['a', 'b', 'c', 'a']]);
    expect(runtimeImports('/s/x.ts', "import { type A } from './a.js';\nimport type { B } from './b.js';\nimport { c, type C } from './c.js';\n")).toEqual(['/s/c.ts']);
  });

  it('src/ has no import cycle', () => {
    const files = tsFiles(SRC);
    expect(files.length).toBeGreaterThan(100);
    const graph = new Map(files.map((file) => [file, runtimeImports(file, readFileSync(file, 'utf8'))] as const));
    const cycles = importCycles(graph).map((cycle) => cycle.map((file) => relative(SRC, file)).join(' -> '));
    expect(cycles).toEqual([]);
  });
});
