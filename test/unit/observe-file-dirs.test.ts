import { describe, expect, it } from 'vitest';
import { configuredFileDirs, filesInDirs, withConsoleFileDirs } from '../../src/observe/file-dirs.js';
import type { ConductorUser } from '../../src/observe/types.js';
import { buildDaemon, buildHostSpec, buildProcess, buildPwFile } from '../helpers/builders.js';

const ironic: ConductorUser = { name: 'ironic', uid: 106, source: 'ironic-conductor process', notes: [] };

describe('which directories files are taken from', () => {
  it('trusts the inventory, ironic.conf and the defaults, in that order, without duplicates', () => {
    const host = buildHostSpec({ settings: { tempdir: '/srv/ironic/tmp/' } });
    expect(configuredFileDirs(host, { tempdir: '/var/lib/ironic/tmp', terminalPidDir: '/run/ironic' })).toEqual([
      { dir: '/srv/ironic/tmp', source: 'inventory' },
      { dir: '/var/lib/ironic/tmp', source: 'ironic.conf' },
      { dir: '/run/ironic', source: 'ironic.conf' },
      { dir: '/tmp', source: 'default' },
    ]);
  });

  it("adds the pid-file directory of a console only when the conductor's user runs it", () => {
    const ours = buildDaemon({ pid: 300, pidFile: '/run/consoles/a.pid' });
    const theirs = buildDaemon({ pid: 400, pidFile: '/home/mallory/evil/b.pid' });
    const processes = [buildProcess({ pid: 300, uid: 106, user: 'ironic' }), buildProcess({ pid: 400, uid: 1001, user: 'mallory' })];
    const dirs = withConsoleFileDirs([{ dir: '/tmp', source: 'default' }], [ours, theirs], processes, ironic);
    expect(dirs).toEqual([{ dir: '/tmp', source: 'default' }, { dir: '/run/consoles', source: 'console' }]);
  });

  it('keeps files directly in an allowed directory and ignores the rest', () => {
    const files = [buildPwFile({ dir: '/tmp' }), buildPwFile({ dir: '/tmp/sub' }), buildPwFile({ dir: '/home/mallory/evil' })];
    const { kept, ignored } = filesInDirs(files, [{ dir: '/tmp', source: 'default' }]);
    expect(kept.map((f) => f.path)).toEqual([files[0]!.path]);
    expect(ignored).toHaveLength(2);
  });
});
