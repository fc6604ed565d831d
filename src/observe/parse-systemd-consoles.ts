/**
 * Ironic's `systemd` console provider (2025.1+, `ironic/console/container/systemd.py`):
 * per node a quadlet file `/etc/containers/systemd/users/<uid>/containers/systemd/
 * ironic-console-<uuid>.container`, the user unit `ironic-console-<uuid>.service` of the
 * conductor's user, and that user's rootless podman container
 * `systemd-ironic-console-<uuid>` (no Ironic labels: quadlet adds only
 * PODMAN_SYSTEMD_UNIT). Seen on real systemd 262 and podman 5.8.6:
 * test/fixtures/containers/systemd/. The quadlet file holds the BMC credentials
 * (`Environment=APP_INFO=…`): it is stat'ed, never read.
 */
import { containerParser } from './parse-containers.js';
import { type LineParser, type Parsed, parseLines, recordLineParser } from './parse-processes.js';
import type { ConsoleContainer, QuadletFile, UserUnit } from './types.js';

export const QUADLET_USERS_DIR = '/etc/containers/systemd/users';
export const UNIT_PREFIX = 'ironic-console-';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** `stat -c '%d %i %f %u %U %Y %n'` of a quadlet file. */
const QUADLET_LINE = new RegExp(
  `^(\\d+) (\\d+) ([0-9a-f]{1,6}) (\\d+) ([A-Za-z0-9_.#-]{1,64}) (\\d+) (${QUADLET_USERS_DIR}/(\\d{1,10})/containers/systemd/ironic-console-(${UUID})\\.container)$`,
);
/** `list-units --all --plain --no-legend --full`: unit, load, active, sub, description. */
const UNIT_LINE = new RegExp(`^(ironic-console-(${UUID})\\.service)\\s+([a-z-]{1,20})\\s+([a-z-]{1,20})\\s+([a-z-]{1,20})(?:\\s.*)?$`);

function fileType(rawMode: string): QuadletFile['type'] {
  const format = parseInt(rawMode, 16) & 0o170000;
  return format === 0o100000 ? 'regular' : format === 0o120000 ? 'symlink' : 'other';
}

export function quadletParser(): LineParser<QuadletFile[]> {
  return recordLineParser((line) => {
    const m = QUADLET_LINE.exec(line);
    if (m === null) return null;
    return {
      device: Number(m[1]),
      inode: Number(m[2]),
      type: fileType(m[3] as string),
      uid: Number(m[4]),
      owner: m[5] as string,
      mtime: Number(m[6]),
      path: m[7] as string,
      dirUid: Number(m[8]),
      nodeUuid: m[9] as string,
    };
  });
}

/** One user's `ironic-console-*` units; other units (a hand-made `ironic-console-foo`) are passed over. */
export function userUnitParser(uid: number, user: string): LineParser<UserUnit[]> {
  return recordLineParser((line) => {
    const m = UNIT_LINE.exec(line);
    if (m === null) return line.startsWith(UNIT_PREFIX) ? 'skip' : null;
    return { uid, user, name: m[1] as string, nodeUuid: m[2] as string, load: m[3] as string, active: m[4] as string, sub: m[5] as string };
  });
}

/** What the probe's sections on users' consoles say: quadlet files, units, rootless containers, and whose lists came. */
export interface SystemdConsoles {
  readonly quadlets: Parsed<QuadletFile[]>;
  readonly units: Parsed<UserUnit[]>;
  /** Rootless podman containers (the systemd provider's, and the `container` provider's under a conductor user). */
  readonly containers: Parsed<ConsoleContainer[]>;
  /** Uids whose units were listed. */
  readonly listed: number[];
  /** Uids whose rootless podman was listed. */
  readonly podmanUsers: number[];
}

function usersOf(text: string): Map<number, string> {
  const users = new Map<number, string>();
  for (const line of text.split('\n')) {
    const m = /^(\d{1,10}):([A-Za-z0-9_.-]{1,64})$/.exec(line);
    if (m !== null) users.set(Number(m[1]), m[2] as string);
  }
  return users;
}

/**
 * From the `quadlets`, `quadlet-users` and `units-<uid>` sections (the systemd provider),
 * and `podman-users` and `user-podman-<uid>` (rootless podman), all text.
 */
export function systemdConsolesOf(sections: ReadonlyMap<string, string>): SystemdConsoles {
  const quadlets = parseLines(quadletParser(), sections.get('quadlets') ?? '');
  const unitUsers = usersOf(sections.get('quadlet-users') ?? '');
  const podmanUsers = new Map([...unitUsers, ...usersOf(sections.get('podman-users') ?? '')]);
  const units: UserUnit[] = [];
  const dropped: string[] = [];
  for (const [uid, user] of unitUsers) {
    const listedUnits = parseLines(userUnitParser(uid, user), sections.get(`units-${uid}`) ?? '');
    units.push(...listedUnits.value);
    dropped.push(...listedUnits.dropped);
  }
  const containers: ConsoleContainer[] = [];
  const containerDrops: string[] = [];
  const listedPodman: number[] = [];
  for (const uid of podmanUsers.keys()) {
    const body = sections.get(`user-podman-${uid}`);
    if (body === undefined) continue;
    listedPodman.push(uid);
    const listed = parseLines(containerParser('podman', uid), body);
    containers.push(...listed.value);
    containerDrops.push(...listed.dropped);
  }
  return {
    quadlets,
    units: { value: units, dropped },
    containers: { value: containers, dropped: containerDrops },
    listed: [...unitUsers.keys()],
    podmanUsers: listedPodman,
  };
}
