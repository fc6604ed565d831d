/**
 * What `npm pack` ships: the built CLI and the files a user reads, nothing else. Reads the
 * list from `npm pack --dry-run --json`, exactly what the registry or a tarball would get.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const REPO = new URL('../..', import.meta.url).pathname;

/** The only shapes of path the package may hold. */
const ALLOWED = [
  /^package\.json$/,
  /^README\.md$/,
  /^LICENSE$/,
  /^CHANGELOG\.md$/,
  /^inventory\.example\.yaml$/,
  /^bin\/console-doctor\.js$/,
  /^dist\/[\w./-]+\.js$/,
];

function packedFiles(): string[] {
  const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--no-fund', '--no-audit'], { cwd: REPO, encoding: 'utf8', timeout: 240_000 });
  expect(result.status, result.stderr).toBe(0);
  // Lifecycle banners (prepack) may precede the JSON on stdout.
  const json = result.stdout.slice(result.stdout.search(/^\[/m));
  const [pack] = JSON.parse(json) as { files: { path: string }[] }[];
  return (pack?.files ?? []).map((f) => f.path).sort();
}

/** Relative specifiers a built module imports: './x.js', '../y/z.js'. */
function relativeImports(source: string): string[] {
  return [...source.matchAll(/(?:from|import)\s*\(?\s*'(\.\.?\/[^']+)'/g)].map((m) => m[1] as string);
}

describe('npm pack', () => {
  let files: string[];

  beforeAll(() => {
    files = packedFiles();
  }, 300_000);

  it('builds dist before packing and ships the CLI entry and the compiled CLI', () => {
    expect(files).toContain('bin/console-doctor.js');
    expect(files).toContain('dist/cli/main.js');
    expect(files.filter((f) => f.startsWith('dist/')).length).toBeGreaterThan(20);
  });

  it('ships LICENSE, CHANGELOG, README and the example inventory', () => {
    for (const file of ['LICENSE', 'CHANGELOG.md', 'README.md', 'inventory.example.yaml', 'package.json']) expect(files).toContain(file);
  });

  it('ships nothing else: no tests, no sources, no source maps without their sources', () => {
    const stray = files.filter((f) => !ALLOWED.some((pattern) => pattern.test(f)));
    expect(stray).toEqual([]);
    expect(files.filter((f) => f.endsWith('.map') || f.includes('test'))).toEqual([]);
  });

  it('every relative import of a shipped module is shipped too', () => {
    const shipped = new Set(files);
    const missing = files
      .filter((f) => f.endsWith('.js'))
      .flatMap((f) => relativeImports(readFileSync(join(REPO, f), 'utf8')).map((spec) => [f, normalize(join(dirname(f), spec))] as const))
      .filter(([, target]) => !shipped.has(target))
      .map(([from, target]) => `${from} -> ${target}`);
    expect(missing).toEqual([]);
  });
});

describe('LICENSE and CHANGELOG in the repository', () => {
  it('LICENSE is the Apache License 2.0 that package.json names', () => {
    const license = readFileSync(join(REPO, 'LICENSE'), 'utf8');
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { license: string; version: string };
    expect(pkg.license).toBe('Apache-2.0');
    expect(license).toMatch(/^\s*Apache License\s+Version 2\.0, January 2004/);
    expect(license).toContain('END OF TERMS AND CONDITIONS');
  });

  it('CHANGELOG has an Unreleased section and one for the package version', () => {
    const changelog = readFileSync(join(REPO, 'CHANGELOG.md'), 'utf8');
    const { version } = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(changelog).toMatch(/^## \[?Unreleased\]?/m);
    expect(changelog).toMatch(new RegExp(`^## \\[?${version.replace(/\./g, '\\.')}\\]?`, 'm'));
  });
});
