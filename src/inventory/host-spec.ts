import { DEFAULT_IRONIC_CONF, type ConductorSettings, type HostSpec } from './types.js';
import { problemWith, type Located } from './problems.js';
import {
  toAbsolutePath,
  toBoolean,
  toConnection,
  toContainer,
  toIpAddress,
  toJumpHosts,
  toPathList,
  toPort,
  toPortRange,
  toText,
  type Converted,
} from './field-values.js';
import { jumpHostsFromSshArgs } from './proxy-jump.js';

/**
 * The per-host keys of console-doctor's own inventory. Ansible inventories reach the
 * same keys through `ansible_*` variables and `console_doctor_<key>` variables.
 */
export const HOST_KEYS = [
  'address',
  'port',
  'user',
  'identity_file',
  'identity_files',
  'jump',
  'sudo',
  'sudo_user',
  'container',
  'conductor_name',
  'ironic_conf',
  'connection',
  'host',
  'tempdir',
  'terminal_pid_dir',
  'socat_address',
  'port_range',
] as const;

export type HostKey = (typeof HOST_KEYS)[number];

/**
 * Raw fields of one host, each with where it was read. `sshArgs` are Ansible's
 * `ansible_ssh_common_args` / `ansible_ssh_extra_args`, searched for jump hosts when
 * `jump` is not set.
 */
export interface HostFields {
  readonly name: string;
  readonly fields: ReadonlyMap<HostKey, Located>;
  readonly sshArgs?: readonly Located[];
}

export type HostSpecResult = { readonly host: HostSpec; readonly problems: readonly string[] };

const JINJA = /\{\{|\{%/;

/** Converts raw host fields into a HostSpec, collecting a problem for every bad field. */
export function buildHostSpec({ name, fields, sshArgs = [] }: HostFields): HostSpecResult {
  const problems: string[] = [];
  const read = <T>(key: HostKey, convert: (value: unknown) => Converted<T>): T | undefined => {
    const field = fields.get(key);
    if (field === undefined || field.value === null || field.value === undefined) return undefined;
    if (containsTemplate(field.value)) {
      problems.push(templateProblem(field, name));
      return undefined;
    }
    const converted = convert(field.value);
    if (converted.ok) return converted.value;
    problems.push(problemWith(field, converted.error));
    return undefined;
  };

  const identityFile = read('identity_file', toPathList);
  const identityFiles = read('identity_files', toPathList);
  const both = fields.get('identity_files');
  if (identityFile !== undefined && identityFiles !== undefined && both !== undefined) {
    problems.push(problemWith(both, 'set identity_file or identity_files, not both'));
  }
  const sudoUser = read('sudo_user', toText);
  const sudo = read('sudo', toBoolean) ?? sudoUser !== undefined;

  const settings: ConductorSettings = withoutUndefined({
    host: read('host', toText),
    tempdir: read('tempdir', toAbsolutePath),
    terminalPidDir: read('terminal_pid_dir', toAbsolutePath),
    socatAddress: read('socat_address', toIpAddress),
    portRange: read('port_range', toPortRange),
  });

  const fromArgs = jumpHostsFromArgs(name, sshArgs);
  problems.push(...fromArgs.problems);

  const host: HostSpec = {
    name,
    connection: read('connection', toConnection) ?? 'ssh',
    address: read('address', toText) ?? name,
    port: read('port', toPort) ?? 22,
    user: read('user', toText),
    identityFiles: identityFiles ?? identityFile ?? [],
    jumpHosts: read('jump', toJumpHosts) ?? fromArgs.jumpHosts,
    sudo,
    sudoUser: sudo ? sudoUser : undefined,
    container: read('container', toContainer),
    conductorName: read('conductor_name', toText),
    ironicConf: read('ironic_conf', toAbsolutePath) ?? DEFAULT_IRONIC_CONF,
    settings,
  };
  return { host, problems };
}

/** Jump hosts from the first of Ansible's ssh argument variables that names any. */
function jumpHostsFromArgs(
  name: string,
  sshArgs: readonly Located[],
): { jumpHosts: HostSpec['jumpHosts']; problems: readonly string[] } {
  const problems: string[] = [];
  for (const args of sshArgs) {
    if (args.value === null || args.value === undefined) continue;
    if (containsTemplate(args.value)) {
      problems.push(templateProblem(args, name));
      continue;
    }
    const found = jumpHostsFromSshArgs(String(args.value));
    if (found === undefined) continue;
    if (found.ok) return { jumpHosts: found.jumpHosts, problems };
    return { jumpHosts: [], problems: [...problems, problemWith(args, found.error)] };
  }
  return { jumpHosts: [], problems };
}

/** True when a value holds Jinja, which only Ansible can evaluate. */
export function containsTemplate(value: unknown): boolean {
  if (typeof value === 'string') return JINJA.test(value);
  if (Array.isArray(value)) return value.some(containsTemplate);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(containsTemplate);
  return false;
}

/** A Jinja value of a variable console-doctor needs, naming the host and the variable. */
export function templateProblem(field: Located, host: string): string {
  return problemWith(
    field,
    `host ${host}: ${JSON.stringify(field.value)} is a Jinja template, which console-doctor cannot evaluate; set a literal value`,
  );
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
