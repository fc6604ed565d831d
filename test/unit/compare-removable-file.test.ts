import { describe, expect, it } from 'vitest';
import { removalVerdict } from '../../src/compare/removable-file.js';
import type { HostFile, HostObservation } from '../../src/observe/types.js';
import { buildPwFile, uuidFor } from '../helpers/builders.js';

type Facts = Pick<HostObservation, 'fileDirs' | 'conductorUser' | 'filesSeenIn'>;
const facts = (overrides: Partial<Facts> = {}): Facts => ({
  fileDirs: [{ dir: '/var/lib/ironic/tmp', source: 'ironic.conf' }, { dir: '/tmp', source: 'default' }],
  conductorUser: { name: 'ironic', uid: 997, source: 'ironic-conductor process', notes: [] },
  filesSeenIn: 'host',
  ...overrides,
});
const NODE = uuidFor('node-1');
const pw = (overrides: Partial<HostFile> & { dir?: string } = {}): HostFile => buildPwFile({ nodeUuid: NODE, dir: '/var/lib/ironic/tmp', ...overrides });

describe('removalVerdict: the one rule for what may be removed', () => {
  it('removes a regular UUID-named file of the conductor user in a configured directory, as that user', () => {
    const file = pw();
    expect(removalVerdict(file, facts())).toEqual({
      removable: true,
      runAs: 'ironic',
      identity: { device: file.device, inode: file.inode, uid: 997, mtime: file.mtime },
    });
  });

  it.each([
    { what: 'root’s file', file: pw({ uid: 0, owner: 'root' }), user: { name: 'root', uid: 0 }, runAs: null },
    { what: 'a file seen inside the conductor’s container', file: pw(), seenIn: 'container' as const, runAs: null },
    { what: 'a uid without a name', file: pw({ uid: 42422, owner: 'UNKNOWN' }), user: { name: '42422', uid: 42422 }, runAs: '#42422' },
    { what: "socat 1.8's lock file (mode 644)", file: pw({ path: `/var/lib/ironic/tmp/${NODE}.pid`, kind: 'pid', pid: 4242, mode: '644' }), runAs: 'ironic' },
  ])('runs the removal of $what as $runAs', ({ file, user, seenIn, runAs }) => {
    const verdict = removalVerdict(file, facts({
      ...(user === undefined ? {} : { conductorUser: { ...user, source: 'default', notes: [] } }),
      ...(seenIn === undefined ? {} : { filesSeenIn: seenIn }),
    }));
    expect(verdict).toMatchObject({ removable: true, runAs });
  });

  it.each([
    { what: 'a symlink', file: pw({ type: 'symlink' }), reason: 'it is a symbolic link' },
    { what: 'a fifo', file: pw({ type: 'other' }), reason: 'it is not a regular file' },
    { what: 'a name that is not a UUID', file: pw({ path: '/tmp/node-1.pw', nodeUuid: null }), reason: 'its name is not <node-uuid>.pid or .pw' },
    { what: 'a UUID with a prefix', file: pw({ path: `/tmp/x${NODE}.pw` }), reason: 'its name is not <node-uuid>.pid or .pw' },
    { what: 'a directory a local user named', file: pw({ dir: '/home/mallory/evil' }), reason: '/home/mallory/evil is not a directory' },
    { what: 'a subdirectory of an allowed one', file: pw({ dir: '/tmp/sub' }), reason: '/tmp/sub is not a directory' },
    { what: 'another user’s file', file: pw({ uid: 1001, owner: 'mallory' }), reason: "owned by mallory (uid 1001), not the conductor's user ironic (uid 997)" },
  ])('keeps $what', ({ file, reason }) => {
    const verdict = removalVerdict(file, facts());
    expect(verdict.removable).toBe(false);
    expect(verdict.removable ? '' : verdict.reason).toContain(reason);
  });
});
