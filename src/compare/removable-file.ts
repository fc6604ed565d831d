/**
 * The one place that decides whether console-doctor may remove a pid, lock or password
 * file (STYLE habit 14). Everything a host says is hostile input: a local user names
 * files and directories as they like, so a file is removed only when
 *
 * - it is a regular file (not a symlink, never followed);
 * - its name is exactly `<node-uuid>.pid` or `<node-uuid>.pw`;
 * - it lies in a directory the conductor's configuration (inventory, ironic.conf,
 *   Ironic's defaults) or a console run by the conductor's user names;
 * - it is owned by the conductor's user.
 *
 * The removal then runs as that user and re-checks on the host, in the same command,
 * that the path is still the same file (device, inode, owner, mtime).
 */
import { dirOf } from '../observe/file-dirs.js';
import { nodeUuidOfPath } from '../observe/parse-files.js';
import type { HostFile, HostObservation } from '../observe/types.js';

/** The identity a removal re-checks on the host before `rm`. */
export interface FileIdentity {
  readonly device: number;
  readonly inode: number;
  readonly uid: number;
  readonly mtime: number;
}

export type RemovalVerdict =
  | {
      readonly removable: true;
      /** Who runs the `rm`: the file's owner; null for root, or inside a container (the runtime's exec). */
      readonly runAs: string | null;
      readonly identity: FileIdentity;
    }
  | { readonly removable: false; readonly reason: string };

type FileFacts = Pick<HostObservation, 'fileDirs' | 'conductorUser' | 'filesSeenIn'>;

const UUID_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(pid|pw)$/i;

/** Why the file may not be removed, or null when every rule holds. */
function whyNot(file: HostFile, facts: FileFacts): string | null {
  const name = file.path.slice(file.path.lastIndexOf('/') + 1);
  if (file.type === 'symlink') return 'it is a symbolic link';
  if (file.type !== 'regular') return 'it is not a regular file';
  if (!UUID_NAME.test(name) || nodeUuidOfPath(file.path) === null) return 'its name is not <node-uuid>.pid or .pw';
  if (!facts.fileDirs.some((d) => d.dir === dirOf(file.path))) {
    return `${dirOf(file.path)} is not a directory the conductor's settings or its consoles name`;
  }
  if (file.uid !== facts.conductorUser.uid) {
    return `owned by ${file.owner} (uid ${file.uid}), not the conductor's user ${facts.conductorUser.name} (uid ${facts.conductorUser.uid})`;
  }
  return null;
}

export function removalVerdict(file: HostFile, facts: FileFacts): RemovalVerdict {
  const reason = whyNot(file, facts);
  if (reason !== null) return { removable: false, reason };
  // sudo takes `#uid` for a user the host's passwd does not name (stat prints UNKNOWN).
  const owner = /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(file.owner) && file.owner !== 'UNKNOWN' ? file.owner : `#${file.uid}`;
  const runAs = facts.filesSeenIn === 'container' || file.uid === 0 ? null : owner;
  return { removable: true, runAs, identity: { device: file.device, inode: file.inode, uid: file.uid, mtime: file.mtime } };
}
