import { ConfigError } from '../errors.js';
import { checkTimerDuration, parseDuration } from './duration.js';
import { buildHostSpec, HOST_KEYS, type HostKey } from './host-spec.js';
import { expandHostRange } from './host-range.js';
import { describeValue, didYouMean, isMapping, problemAt, type Located } from './problems.js';
import { DEFAULT_SSH, type HostSpec, type Inventory, type SshDefaults } from './types.js';
import { yamlWhere, type YamlInventoryText, type YamlPath } from './yaml-document.js';

/**
 * console-doctor's own YAML inventory (documented in inventory.example.yaml):
 * `defaults:` per-host keys for every host, `ssh:` connection options, `ironic:` kept
 * raw for the desire stage, and `hosts:` name → settings.
 */
export const TOP_KEYS = ['defaults', 'ssh', 'ironic', 'hosts'] as const;
const SSH_KEYS = ['known_hosts', 'known_hosts_files', 'connect_timeout', 'command_timeout', 'keepalive_interval', 'concurrency'] as const;
const KNOWN_HOSTS_MODES = ['strict', 'accept-new', 'off'] as const;

export interface OwnFormatResult {
  readonly inventory: Inventory;
  readonly problems: readonly string[];
}

export function parseOwnFormat(doc: YamlInventoryText, source: string): OwnFormatResult {
  const root = isMapping(doc.value) ? doc.value : {};
  const at = (path: YamlPath, value: unknown): Located => ({ value, where: yamlWhere(source, path), line: doc.lineOf(path) });
  const problemFor = (path: YamlPath, message: string): string => problemAt(yamlWhere(source, path), message, doc.lineOf(path));

  const problems: string[] = [
    ...unknownKeys(root, [], TOP_KEYS, problemFor),
    ...mappingOrNothing(root, ['defaults', 'ssh', 'ironic', 'hosts'], problemFor),
  ];
  const defaults = isMapping(root['defaults']) ? root['defaults'] : {};
  const sshSection = isMapping(root['ssh']) ? root['ssh'] : {};
  const hostsSection = isMapping(root['hosts']) ? root['hosts'] : {};
  problems.push(...unknownKeys(defaults, ['defaults'], HOST_KEYS, problemFor));
  problems.push(...unknownKeys(sshSection, ['ssh'], SSH_KEYS, problemFor));

  const ssh = readSsh(sshSection, problemFor);
  problems.push(...ssh.problems);

  const hosts: HostSpec[] = [];
  const seen = new Map<string, string>();
  for (const [pattern, settings] of Object.entries(hostsSection)) {
    const path = ['hosts', pattern];
    if (settings !== null && !isMapping(settings)) {
      problems.push(problemFor(path, `must be a mapping of host settings (or empty), got ${describeValue(settings)}`));
      continue;
    }
    const own = settings ?? {};
    problems.push(...unknownKeys(own, path, HOST_KEYS, problemFor));
    const expanded = expandHostRange(pattern);
    if (!expanded.ok) {
      problems.push(problemFor(path, expanded.error));
      continue;
    }
    const fields = new Map<HostKey, Located>();
    for (const key of HOST_KEYS) {
      if (key in own) fields.set(key, at([...path, key], own[key]));
      else if (key in defaults && !overriddenByAlias(key, own)) fields.set(key, at(['defaults', key], defaults[key]));
    }
    for (const name of expanded.names) {
      const first = seen.get(name);
      if (first !== undefined) {
        problems.push(problemFor(path, `duplicate host "${name}" (also from hosts.${first})`));
        continue;
      }
      seen.set(name, pattern);
      const built = buildHostSpec({ name, fields });
      hosts.push(built.host);
      problems.push(...built.problems);
    }
  }
  if (hosts.length === 0 && !problems.some((p) => p.startsWith(`${source}:hosts`))) {
    problems.push(problemFor(['hosts'], 'no hosts: list the ironic-conductor hosts under hosts:'));
  }

  const ironic = root['ironic'];
  return {
    inventory: {
      source,
      format: 'console-doctor',
      hosts,
      ssh: ssh.value,
      ironic: isMapping(ironic) ? ironic : undefined,
    },
    problems,
  };
}

/** identity_file and identity_files are one setting: a host's own either replaces the defaults' other. */
function overriddenByAlias(key: HostKey, own: Readonly<Record<string, unknown>>): boolean {
  if (key === 'identity_file') return 'identity_files' in own;
  if (key === 'identity_files') return 'identity_file' in own;
  return false;
}

type ProblemFor = (path: YamlPath, message: string) => string;

function unknownKeys(
  mapping: Readonly<Record<string, unknown>>,
  path: YamlPath,
  known: readonly string[],
  problemFor: ProblemFor,
): string[] {
  return Object.keys(mapping)
    .filter((key) => !known.includes(key))
    .map((key) => problemFor([...path, key], `unknown key "${key}"${didYouMean(key, known)}`));
}

function mappingOrNothing(root: Readonly<Record<string, unknown>>, keys: readonly string[], problemFor: ProblemFor): string[] {
  return keys
    .filter((key) => root[key] !== undefined && root[key] !== null && !isMapping(root[key]))
    .map((key) => problemFor([key], `must be a mapping, got ${describeValue(root[key])}`));
}

function readSsh(section: Readonly<Record<string, unknown>>, problemFor: ProblemFor): { value: SshDefaults; problems: string[] } {
  const problems: string[] = [];
  const duration = (key: string, fallback: number): number => {
    const raw = section[key];
    if (raw === undefined || raw === null) return fallback;
    if (typeof raw !== 'string' && typeof raw !== 'number') {
      problems.push(problemFor(['ssh', key], `must be a duration such as "10s", got ${describeValue(raw)}`));
      return fallback;
    }
    try {
      const ms = parseDuration(String(raw));
      const problem = checkTimerDuration(ms);
      if (problem === null) return ms;
      problems.push(problemFor(['ssh', key], `${problem}, got ${describeValue(raw)}`));
    } catch (error) {
      const message = error instanceof ConfigError ? error.message.replace(/^duration: /, '') : String(error);
      problems.push(problemFor(['ssh', key], message));
    }
    return fallback;
  };

  const mode = section['known_hosts'] ?? DEFAULT_SSH.knownHosts;
  const knownHosts = KNOWN_HOSTS_MODES.find((m) => m === mode);
  if (knownHosts === undefined) {
    problems.push(problemFor(['ssh', 'known_hosts'], `must be strict, accept-new or off, got ${describeValue(mode)}`));
  }
  const files = section['known_hosts_files'] ?? [];
  const fileList = Array.isArray(files) ? files : [files];
  if (!fileList.every((f): f is string => typeof f === 'string' && f !== '')) {
    problems.push(problemFor(['ssh', 'known_hosts_files'], `must be a path or a list of paths, got ${describeValue(files)}`));
  }
  const concurrencyRaw = section['concurrency'] ?? DEFAULT_SSH.concurrency;
  const concurrency = typeof concurrencyRaw === 'string' && /^\d+$/.test(concurrencyRaw) ? Number(concurrencyRaw) : concurrencyRaw;
  const concurrencyOk = typeof concurrency === 'number' && Number.isInteger(concurrency) && concurrency >= 1;
  if (!concurrencyOk) {
    problems.push(problemFor(['ssh', 'concurrency'], `must be a whole number of at least 1, got ${describeValue(concurrencyRaw)}`));
  }
  return {
    value: {
      knownHosts: knownHosts ?? DEFAULT_SSH.knownHosts,
      knownHostsFiles: fileList.filter((f): f is string => typeof f === 'string' && f !== ''),
      connectTimeoutMs: duration('connect_timeout', DEFAULT_SSH.connectTimeoutMs),
      commandTimeoutMs: duration('command_timeout', DEFAULT_SSH.commandTimeoutMs),
      keepaliveIntervalMs: duration('keepalive_interval', DEFAULT_SSH.keepaliveIntervalMs),
      concurrency: concurrencyOk ? concurrency : DEFAULT_SSH.concurrency,
    },
    problems,
  };
}
