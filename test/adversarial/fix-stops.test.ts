/**
 * Adversarial suite, fix that stops mid-way (issue 10 item 12): the audit database sits on
 * a real 1 MB tmpfs that fills up after the first action. Nothing may run without its
 * intent on disk, and the operator must learn which actions had already run.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAuditStore } from '../../src/record/sqlite-audit-store.js';
import { applyWithReport } from '../../src/use-cases/apply-with-report.js';
import type { Terminal } from '../../src/use-cases/context.js';
import { uuidFor } from '../helpers/builders.js';
import { runStart } from '../helpers/record-builders.js';
import { buildPlan, buildRestartAction } from '../unit/plan-builders.js';

const plainStyle = new Proxy({}, { get: () => (text: string) => text }) as Terminal['style'];

function recordingTerminal(lines: string[]): Terminal {
  return { out: (t) => lines.push(t), err: (t) => lines.push(t), interactive: false, style: plainStyle, confirm: async () => false };
}

const mounted = (dir: string): boolean => spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]).status === 0;

describe('fix on an audit disk that fills after the first action', () => {
  let dir: string;
  let canMount = false;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cd-adv-full-'));
    canMount = mounted(dir);
  });

  afterAll(() => {
    if (canMount) spawnSync('umount', [dir]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts nothing after the failed write and says which actions had run', async (context) => {
    if (!canMount) context.skip();
    const store = openAuditStore(join(dir, 'audit.db'));
    const runId = store.startRun(runStart());
    const actions = ['n1', 'n2', 'n3'].map((n, i) => buildRestartAction({ id: `a${i}`, nodeUuid: uuidFor(n), host: 'conductor-a' }));
    const restarted: string[] = [];
    const lines: string[] = [];
    const fillDisk = (): void => {
      // Whatever room is left, taken by one file: the next SQLite write gets SQLITE_FULL.
      spawnSync('sh', ['-c', `dd if=/dev/zero of=${join(dir, 'filler')} bs=4k 2>/dev/null; sync`]);
    };
    const apply = applyWithReport(buildPlan({ actions }), {
      shellFor: () => Promise.reject(new Error('no host changes in this plan')),
      ironic: { restartConsole: async (uuid: string) => void restarted.push(uuid), checkNodeGone: async () => ({ gone: true as const }) },
      audit: store,
      runId,
      concurrency: 1,
      onEvent: (event) => {
        if (event.type === 'action-done' && restarted.length === 1) fillDisk();
      },
    }, recordingTerminal(lines), 5_000);

    await expect(apply).rejects.toThrow(/audit database .*: cannot record an intended action: .*(full|disk)/i);
    expect(restarted).toEqual([actions[0]?.nodeUuid]);
    expect(lines[0]).toBe('console-doctor: fix stopped: 1 of 3 actions had run:');
    expect(lines[1]).toMatch(/^ {2}done {4}restart {2}conductor-a {2}node /);
    expect(lines).toContain('console-doctor: 2 actions were not started');
    store.close();
  });
});
