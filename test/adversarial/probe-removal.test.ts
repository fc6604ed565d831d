/**
 * Adversarial suite, where root deletes (issue 10 item 2). An unprivileged local user
 * (`nobody`) runs a real socat whose argv names a directory it owns, puts UUID-named
 * files there and in a shared sticky temp directory, and a symlink to a file root cares
 * about; a file is swapped between scan and apply. Scan over a real sshd as root, plan,
 * apply: nothing outside the rule is removed.
 *
 * The sshd sees every process of this machine (other tests' consoles too), so only the
 * removals of files under this test's directories are applied; nothing is killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, chownSync, existsSync, lchownSync, lstatSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import type { ActionOutcome } from '../../src/apply/types.js';
import { compareFleet } from '../../src/compare/compare-fleet.js';
import type { FleetReport } from '../../src/compare/types.js';
import type { HostSpec } from '../../src/inventory/types.js';
import { observeFleet } from '../../src/observe/observe-fleet.js';
import type { HostScan } from '../../src/observe/types.js';
import { planFixes } from '../../src/plan/plan-fixes.js';
import type { Action, Plan } from '../../src/plan/types.js';
import type { Connector, RemoteShell } from '../../src/transport/types.js';
import { buildConductor, buildDesired } from '../helpers/builders.js';
import { makeTempDir, waitForListen } from '../helpers/console-daemons.js';
import { freePort, startSshd, type SshdHandle } from '../helpers/sshd.js';
import { sshConnector, sshHost } from './probe-ssh-host.js';

const NOBODY = 65534;
let sshd: SshdHandle;
let connector: Connector;
let host: HostSpec;
let tempdir: string;
let evilDir: string;
let evilSocat: ChildProcess;
const uuid = { evil: randomUUID(), nobodysInTemp: randomUUID(), symlink: randomUUID(), swapped: randomUUID(), control: randomUUID() };
const file = (dir: string, id: string): string => join(dir, `${id}.pw`);
let plan: Plan;
let report: FleetReport;
let shells: Map<string, RemoteShell>;

beforeAll(async () => {
  sshd = await startSshd();
  tempdir = makeTempDir('cd-adv-rm-');
  chmodSync(tempdir, 0o1777); // shared and sticky, like /tmp
  evilDir = makeTempDir('cd-adv-evil-');
  chownSync(evilDir, NOBODY, NOBODY);
  writeFileSync(file(evilDir, uuid.evil), 'x\n', { mode: 0o600 });
  chownSync(file(evilDir, uuid.evil), NOBODY, NOBODY);
  writeFileSync(file(tempdir, uuid.nobodysInTemp), 'x\n', { mode: 0o600 });
  chownSync(file(tempdir, uuid.nobodysInTemp), NOBODY, NOBODY);
  writeFileSync(join(tempdir, 'important-file-copy'), 'keep me\n');
  symlinkSync(join(tempdir, 'important-file-copy'), file(tempdir, uuid.symlink));
  lchownSync(file(tempdir, uuid.symlink), NOBODY, NOBODY);
  for (const id of [uuid.swapped, uuid.control]) writeFileSync(file(tempdir, id), 'pw\n', { mode: 0o600 });
  // A console-shaped socat run by nobody: its argv names nobody's directory.
  const port = await freePort();
  const exec = `EXEC:"ipmitool -I lanplus -H 127.0.0.1 -U admin -f ${file(evilDir, uuid.evil)} sol activate",pty,stderr`;
  evilSocat = spawn('socat', [`-L${join(evilDir, `${uuid.evil}.pid`)}`, `TCP4-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork`, exec], {
    stdio: 'ignore',
    uid: NOBODY,
    gid: NOBODY,
  });
  await waitForListen(port, '127.0.0.1');

  connector = sshConnector(sshd, tempdir);
  host = sshHost(sshd, { settings: { tempdir } });
  const observed = await observeFleet([host], connector, { concurrency: 1, keepOpen: true });
  shells = observed.shells;
  const desired = buildDesired({ nodes: [], conductors: [buildConductor({ hostname: host.name })] });
  report = compareFleet({ desired, scans: observed.scans, hosts: [host] });
  plan = planFixes(report, { scans: observed.scans, desired, desiredComplete: true });
  if (!(observed.scans[0] as HostScan).ok) throw new Error(JSON.stringify(observed.scans[0]));
});

afterAll(async () => {
  if (evilSocat?.pid !== undefined && evilSocat.exitCode === null) evilSocat.kill('SIGKILL');
  shells?.forEach((shell) => shell.close());
  await sshd?.stop();
  for (const dir of [tempdir, evilDir]) if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

const ours = (action: Action): boolean =>
  action.kind === 'remove-file' && (action.path.startsWith(`${tempdir}/`) || action.path.startsWith(`${evilDir}/`));
const removals = (): string[] => plan.actions.filter(ours).map((a) => (a.kind === 'remove-file' ? a.path : ''));

/** Applies only this test's removals, through the scan's own SSH connection. */
async function applyOurs(): Promise<ActionOutcome[]> {
  // Kills of consoles seen elsewhere on this machine may make the whole plan refused: none is applied here.
  const mine: Plan = { ...plan, refusal: null, actions: plan.actions.filter(ours) };
  return applyPlan(mine, {
    shellFor: async (name) => shells.get(name) as RemoteShell,
    ironic: { restartConsole: async () => undefined, checkNodeGone: async () => ({ gone: true as const }) },
  });
}

describe('where root deletes', () => {
  it('plans no removal in a directory only a local user named, nor of that user’s file in the shared temp dir', () => {
    expect(removals()).not.toContain(file(evilDir, uuid.evil));
    expect(removals().filter((path) => path.startsWith(evilDir))).toEqual([]);
    expect(removals()).not.toContain(file(tempdir, uuid.nobodysInTemp));
  });

  it('plans no removal of a UUID-named symlink', () => {
    expect(removals()).not.toContain(file(tempdir, uuid.symlink));
  });

  it('reports, with the reason, a credential file it will not remove', () => {
    const finding = report.findings.find((f) => f.paths.includes(file(tempdir, uuid.nobodysInTemp)));
    expect(finding?.remedy).toBe('report');
    expect(finding?.evidence.join('\n')).toMatch(/not removed: owned by nobody/);
  });

  it('refuses on the host to remove a symlink even when a (hand-edited) plan asks, and the target survives', async () => {
    const path = file(tempdir, uuid.symlink);
    const st = lstatSync(path);
    const action: Action = {
      kind: 'remove-file', id: 'x1', host: host.name, nodeUuid: uuid.symlink, path, expectPid: null, fileKind: 'pw', runAs: null,
      expect: { device: st.dev, inode: st.ino, uid: st.uid, mtime: Math.floor(st.mtimeMs / 1000) },
      findingId: `stray-credential:${host.name}:${path}`, findingKind: 'stray-credential',
    };
    const [outcome] = await applyPlan({ ...plan, refusal: null, actions: [action] }, {
      shellFor: async (name) => shells.get(name) as RemoteShell,
      ironic: { restartConsole: async () => undefined, checkNodeGone: async () => ({ gone: true as const }) },
    });
    expect(outcome).toMatchObject({ status: 'skipped', detail: `${path}: kept (symlink)` });
    expect(lstatSync(path).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(tempdir, 'important-file-copy'), 'utf8')).toBe('keep me\n');
  });

  it('removes the conductor user’s own file, keeps a file swapped after the scan and records why', async () => {
    expect(removals()).toEqual(expect.arrayContaining([file(tempdir, uuid.swapped), file(tempdir, uuid.control)]));
    const before = statSync(file(tempdir, uuid.swapped)).ino;
    // Same name, new inode: written aside, then renamed over the scanned file.
    writeFileSync(join(tempdir, 'swap'), 'new\n', { mode: 0o600 });
    renameSync(join(tempdir, 'swap'), file(tempdir, uuid.swapped));
    expect(statSync(file(tempdir, uuid.swapped)).ino).not.toBe(before);
    const outcomes = await applyOurs();
    const byPath = (path: string) => outcomes.find((o) => o.detail.startsWith(`${path}:`));
    expect(byPath(file(tempdir, uuid.control))?.status).toBe('done');
    expect(existsSync(file(tempdir, uuid.control))).toBe(false);
    expect(byPath(file(tempdir, uuid.swapped))).toMatchObject({ status: 'skipped' });
    expect(byPath(file(tempdir, uuid.swapped))?.detail).toMatch(/not-the-scanned-file/);
    expect(readFileSync(file(tempdir, uuid.swapped), 'utf8')).toBe('new\n');
    expect(readFileSync(join(tempdir, 'important-file-copy'), 'utf8')).toBe('keep me\n');
    expect(existsSync(file(evilDir, uuid.evil))).toBe(true);
    expect(existsSync(file(tempdir, uuid.nobodysInTemp))).toBe(true);
  });
});
