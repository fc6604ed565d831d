/**
 * A saved plan (`fix --plan-out FILE`, later `fix --plan FILE`). Reading one checks
 * every field and reports every problem at once, as `file:path: message`.
 */
import type { FileIdentity } from '../compare/removable-file.js';
import { type ContainerRef, FINDING_KINDS, type FindingKind, type ProcessRef, type QuadletRef } from '../compare/types.js';
import { QUADLET_USERS_DIR } from '../observe/parse-systemd-consoles.js';
import { ConfigError } from '../errors.js';
import { PLAN_SCHEMA } from './plan-fixes.js';
import type { Action, Plan, Refusal } from './types.js';

export function serializePlan(plan: Plan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

type Raw = Readonly<Record<string, unknown>>;
const at = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const REFUSALS: readonly Refusal['reason'][] = ['incomplete-desired-state', 'implausible-kill-share', 'max-kills'];

/** Collects problems while reading typed fields out of untyped JSON. */
class Reader {
  readonly problems: string[] = [];
  constructor(private readonly source: string) {}

  problem(path: string, message: string): void {
    this.problems.push(`${this.source}:${path}: ${message}`);
  }
  object(value: unknown, path: string): Raw | null {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Raw;
    this.problem(path, 'must be an object');
    return null;
  }
  array(value: unknown, path: string): readonly unknown[] {
    if (Array.isArray(value)) return value;
    this.problem(path, 'must be an array');
    return [];
  }
  string(o: Raw, key: string, path: string): string {
    const value = o[key];
    if (typeof value === 'string' && value !== '') return value;
    this.problem(at(path, key), 'must be a non-empty string');
    return '';
  }
  stringOrNull(o: Raw, key: string, path: string): string | null {
    const value = o[key];
    if (value === null || (typeof value === 'string' && value !== '')) return value;
    this.problem(at(path, key), 'must be a non-empty string or null');
    return null;
  }
  pid(o: Raw, key: string, path: string): number {
    const value = o[key];
    if (typeof value === 'number' && Number.isSafeInteger(value) && value > 1) return value;
    this.problem(at(path, key), 'must be a process id (an integer above 1)');
    return 0;
  }
  integerOrNull(o: Raw, key: string, path: string, min: number): number | null {
    const value = o[key];
    if (value === null || (typeof value === 'number' && Number.isSafeInteger(value) && value >= min)) return value;
    this.problem(at(path, key), `must be an integer from ${min}, or null`);
    return null;
  }
  /** A string the host script gets to compare with: only its own exact shape passes. */
  matching(o: Raw, key: string, path: string, pattern: RegExp, what: string): string {
    const value = o[key];
    if (typeof value === 'string' && pattern.test(value)) return value;
    this.problem(at(path, key), `must be ${what}`);
    return '';
  }
  uuid(o: Raw, key: string, path: string): string {
    return this.matching(o, key, path, UUID, 'a node UUID (lower-case hex)');
  }
  oneOf<T extends string>(o: Raw, key: string, path: string, allowed: readonly T[]): T {
    const value = o[key];
    if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
    this.problem(at(path, key), `must be one of ${allowed.join(', ')}`);
    return allowed[0] as T;
  }
}

export function parsePlan(text: string, source: string): Plan {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${source}: not a JSON plan file (${(error as Error).message})`, { cause: error });
  }
  const r = new Reader(source);
  const root = r.object(json, '(root)');
  if (root === null) throw new ConfigError(r.problems);
  if (!refuseOlderSchema(root['schema'], source)) r.problem('schema', `must be "${PLAN_SCHEMA}"`);
  const createdAt = r.string(root, 'createdAt', '');
  const endpoint = r.string(root, 'endpoint', '');
  const actions = r.array(root['actions'], 'actions').map((raw, i) => readAction(r, raw, `actions[${i}]`));
  const ids = new Set<string>();
  actions.forEach((action, i) => {
    if (action === null || action.id === '') return;
    if (ids.has(action.id)) r.problem(`actions[${i}].id`, `duplicate id ${action.id}`);
    ids.add(action.id);
  });
  const skipped = r.array(root['skipped'], 'skipped').map((raw, i) => {
    const o = r.object(raw, `skipped[${i}]`);
    return o === null ? null : { findingId: r.string(o, 'findingId', `skipped[${i}]`), reason: r.string(o, 'reason', `skipped[${i}]`) };
  });
  let refusal: Refusal | null = null;
  if (root['refusal'] !== null) {
    const o = r.object(root['refusal'], 'refusal');
    if (o !== null) refusal = { reason: r.oneOf(o, 'reason', 'refusal', REFUSALS), message: r.string(o, 'message', 'refusal') };
  }
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return {
    schema: PLAN_SCHEMA,
    createdAt,
    endpoint,
    actions: actions.filter((a): a is Action => a !== null),
    skipped: skipped.filter((s): s is { findingId: string; reason: string } => s !== null),
    refusal,
  };
}

/**
 * True for the current schema. Another plan version is refused in one line before its
 * fields are read (they mean other things); anything else is one problem among the rest.
 */
function refuseOlderSchema(schema: unknown, source: string): boolean {
  if (schema === PLAN_SCHEMA) return true;
  if (typeof schema === 'string' && schema.startsWith('console-doctor/plan@')) {
    throw new ConfigError(
      `${source}: a ${schema} plan cannot be applied by this version (${PLAN_SCHEMA} keeps argv as an array, each process's uid, the user a kill runs as and the Ironic endpoint); make a new plan with fix --dry-run --plan-out`,
    );
  }
  return false;
}

function readAction(r: Reader, raw: unknown, path: string): Action | null {
  const o = r.object(raw, path);
  if (o === null) return null;
  const common = {
    id: r.string(o, 'id', path),
    findingId: r.string(o, 'findingId', path),
    findingKind: r.oneOf<FindingKind>(o, 'findingKind', path, FINDING_KINDS),
    nodeUuid: r.stringOrNull(o, 'nodeUuid', path),
  };
  const kind = o['kind'];
  switch (kind) {
    case 'kill': {
      const processes = r.array(o['processes'], `${path}.processes`).map((p, i) => readProcess(r, p, `${path}.processes[${i}]`));
      if (processes.length === 0) r.problem(`${path}.processes`, 'must name at least one process');
      const pidFile = r.stringOrNull(o, 'pidFile', path);
      const runAs = r.string(o, 'runAs', path);
      return { ...common, kind, host: r.string(o, 'host', path), processes: processes.filter((p): p is ProcessRef => p !== null), pidFile, runAs };
    }
    case 'remove-file':
      return {
        ...common,
        kind,
        host: r.string(o, 'host', path),
        path: r.string(o, 'path', path),
        expectPid: r.integerOrNull(o, 'expectPid', path, 2),
        fileKind: r.oneOf(o, 'fileKind', path, ['pid', 'pw'] as const),
        runAs: readRunAs(r, o, path),
        expect: readFileIdentity(r, o['expect'], `${path}.expect`),
      };
    case 'stop-container': {
      const nodeUuid = r.uuid(o, 'nodeUuid', path);
      const container = o['container'] === null ? null : readContainer(r, o['container'], `${path}.container`);
      const stop = { ...common, kind, nodeUuid, host: r.string(o, 'host', path), container };
      if (o['quadlet'] === undefined) {
        if (container === null) r.problem(`${path}.container`, 'must be an object (a stop without quadlet stops a container)');
        return stop;
      }
      return { ...stop, quadlet: readQuadlet(r, o['quadlet'], `${path}.quadlet`, nodeUuid) };
    }
    case 'restart': {
      const nodeUuid = r.string(o, 'nodeUuid', path);
      const restart = { ...common, kind, nodeUuid, host: r.string(o, 'host', path), expectedPort: r.integerOrNull(o, 'expectedPort', path, 1) };
      if (o['graphical'] === undefined) return restart;
      if (o['graphical'] !== true) r.problem(`${path}.graphical`, 'must be true, or absent for a serial console');
      return { ...restart, graphical: true };
    }
    case 'report':
      return { ...common, kind, host: r.stringOrNull(o, 'host', path), reason: r.string(o, 'reason', path) };
    default:
      r.problem(`${path}.kind`, 'must be one of kill, remove-file, stop-container, restart, report');
      return null;
  }
}

/**
 * The container a stop removes: the engine, its full id, its name and the node label the
 * host checks again. Only shapes an engine gives are accepted (they reach a shell quoted,
 * but a plan file is input and is checked as strictly as the scan that made it).
 */
function readContainer(r: Reader, raw: unknown, path: string): ContainerRef {
  const o = r.object(raw, path);
  if (o === null) return { engine: 'podman', id: '', name: '', state: '', nodeLabel: null, conductorLabel: null };
  const nodeLabel = o['nodeLabel'] === null ? null : r.uuid(o, 'nodeLabel', path);
  const conductor = o['conductorLabel'];
  if (conductor !== null && typeof conductor !== 'string') r.problem(`${path}.conductorLabel`, 'must be a string or null');
  return {
    engine: r.oneOf(o, 'engine', path, ['podman', 'docker'] as const),
    id: r.matching(o, 'id', path, /^[0-9a-f]{64}$/, 'a full container id (64 hex digits)'),
    name: r.matching(o, 'name', path, /^[A-Za-z0-9][A-Za-z0-9_.-]{0,252}$/, 'a container name'),
    state: r.matching(o, 'state', path, /^[a-z]{1,20}$/, 'a container state'),
    nodeLabel,
    conductorLabel: typeof conductor === 'string' ? conductor : null,
    ...(o['user'] === undefined ? {} : { user: o['user'] === null ? null : r.matching(o, 'user', path, /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'a user name or null') }),
  };
}

/**
 * The systemd provider's unit and quadlet file: the unit must be the node's, the file in
 * the provider's directory of that uid and named for the node; nothing else is stopped or
 * removed, whatever a hand-edited plan says.
 */
function readQuadlet(r: Reader, raw: unknown, path: string, nodeUuid: string): QuadletRef {
  const o = r.object(raw, path);
  if (o === null) return { user: '', uid: 0, unit: '', file: null };
  const user = r.matching(o, 'user', path, /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'a user name');
  const uidValue = o['uid'];
  const uid = typeof uidValue === 'number' && Number.isSafeInteger(uidValue) && uidValue >= 0 ? uidValue : -1;
  if (uid < 0) r.problem(`${path}.uid`, 'must be a user id (an integer from 0)');
  const unit = o['unit'];
  if (unit !== `ironic-console-${nodeUuid}.service`) r.problem(`${path}.unit`, `must be ironic-console-<nodeUuid>.service`);
  let file: QuadletRef['file'] = null;
  if (o['file'] !== null) {
    const f = r.object(o['file'], `${path}.file`);
    if (f !== null) {
      const expected = `${QUADLET_USERS_DIR}/${uid}/containers/systemd/ironic-console-${nodeUuid}.container`;
      if (f['path'] !== expected) r.problem(`${path}.file.path`, `must be ${QUADLET_USERS_DIR}/<uid>/containers/systemd/ironic-console-<nodeUuid>.container`);
      const identity = readFileIdentity(r, f, `${path}.file`);
      file = { path: expected, ...identity };
    }
  }
  return { user, uid, unit: `ironic-console-${nodeUuid}.service`, file };
}

/** A user name or sudo's `#uid`: it becomes `sudo -u <runAs>` on the host. */
function readRunAs(r: Reader, o: Raw, path: string): string | null {
  const runAs = r.stringOrNull(o, 'runAs', path);
  if (runAs !== null && !/^([A-Za-z_][A-Za-z0-9_.-]*|#\d+)$/.test(runAs)) {
    r.problem(`${path}.runAs`, 'must be a user name or #uid');
    return null;
  }
  return runAs;
}

/** The scanned file's identity; every field a whole number (device and inode may be large). */
function readFileIdentity(r: Reader, raw: unknown, path: string): FileIdentity {
  const o = r.object(raw, path);
  if (o === null) return { device: 0, inode: 0, uid: 0, mtime: 0 };
  const field = (name: keyof FileIdentity): number => {
    const value = o[name];
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
    r.problem(`${path}.${name}`, 'must be a whole number from 0');
    return 0;
  };
  return { device: field('device'), inode: field('inode'), uid: field('uid'), mtime: field('mtime') };
}

function readProcess(r: Reader, raw: unknown, path: string): ProcessRef | null {
  const o = r.object(raw, path);
  if (o === null) return null;
  const ticks = o['startTicks'];
  const startTicks = typeof ticks === 'number' && Number.isSafeInteger(ticks) && ticks >= 0 ? ticks : null;
  if (startTicks === null) r.problem(`${path}.startTicks`, 'must be a start time in clock ticks (an integer from 0)');
  const uid = o['uid'];
  if (!(typeof uid === 'number' && Number.isSafeInteger(uid) && uid >= 0)) r.problem(`${path}.uid`, 'must be a user id (an integer from 0)');
  const argv = o['argv'];
  const argvOk = Array.isArray(argv) && argv.every((a) => typeof a === 'string');
  if (!argvOk) r.problem(`${path}.argv`, 'must be an array of strings (the argv as observed)');
  return { pid: r.pid(o, 'pid', path), startTicks: startTicks ?? 0, uid: typeof uid === 'number' ? uid : -1, argv: argvOk ? (argv as string[]) : [] };
}
