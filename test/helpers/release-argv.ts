/**
 * The console argv of every Ironic release, derived from Ironic's source
 * (test/fixtures/probe/releases, see its README): one loader for the tests that use them.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface ReleaseConsole {
  readonly name: string;
  readonly type: 'socat' | 'shellinabox';
  readonly argv: string[];
  readonly nodeUuid: string;
  readonly port: number;
  readonly bindAddress: string | null;
  readonly pidFile: string;
  readonly sessionIpmitool: string[] | null;
  readonly pwFile: string | null;
  readonly secrets: string[];
}

export interface Release {
  readonly release: string;
  readonly execForm: string;
  readonly shellinabox: boolean | 'deprecated';
  readonly portRange: string;
  readonly consoles: ReleaseConsole[];
}

const DIR = join(import.meta.dirname, '../fixtures/probe/releases');

/** Every release fixture. */
export function loadReleases(): Release[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Release);
}
