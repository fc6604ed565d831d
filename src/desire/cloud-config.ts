import { access, readFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { ConfigError } from '../errors.js';
import type { CloudConfig } from './cloud-config-types.js';
import { chooseCloudEntry, type LoadedFile } from './cloud-config-sources.js';
import { validateCloudEntry } from './cloud-config-validate.js';

export type { CloudConfig } from './cloud-config-types.js';

export interface CloudConfigInput {
  /** `--os-cloud`; wins over OS_CLOUD. */
  readonly cloud?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly home: string;
  /** The inventory's raw `ironic:` section. */
  readonly inventoryIronic?: Readonly<Record<string, unknown>>;
  /** The inventory file, to name it in messages (default `inventory`). */
  readonly inventorySource?: string;
  /** `--ironic-url`: the Ironic endpoint, skipping the catalog. */
  readonly endpointOverride?: string;
}

/** The directories openstacksdk searches, in order; the first file found wins. */
export function configDirectories(cwd: string, home: string): string[] {
  return [cwd, join(home, '.config', 'openstack'), '/etc/openstack'];
}

/**
 * Resolves the Ironic connection settings the openstacksdk way (see chooseCloudEntry)
 * and validates them, throwing one ConfigError that lists every problem.
 */
export async function resolveCloudConfig(input: CloudConfigInput): Promise<CloudConfig> {
  const dirs = configDirectories(input.cwd, input.home);
  const cloudsCandidates = [input.env['OS_CLIENT_CONFIG_FILE'], ...dirs.flatMap((d) => [join(d, 'clouds.yaml'), join(d, 'clouds.yml')])];
  const secureCandidates = [input.env['OS_CLIENT_SECURE_FILE'], ...dirs.flatMap((d) => [join(d, 'secure.yaml'), join(d, 'secure.yml')])];
  const [clouds, secure] = await Promise.all([
    readFirstYaml(cloudsCandidates, input.cwd),
    readFirstYaml(secureCandidates, input.cwd),
  ]);
  const parseProblems = [clouds, secure].flatMap((r) => (r?.problem !== undefined ? [r.problem] : []));
  if (parseProblems.length > 0) throw new ConfigError(parseProblems);

  const cloudFromOption = input.cloud !== undefined && input.cloud !== '';
  const chosen = chooseCloudEntry({
    cloud: cloudFromOption ? input.cloud : input.env['OS_CLOUD'],
    cloudFrom: cloudFromOption ? '--os-cloud' : 'OS_CLOUD',
    env: input.env,
    clouds: clouds?.file,
    secure: secure?.file,
    searched: dirs,
    inventoryIronic: input.inventoryIronic,
    inventorySource: input.inventorySource ?? 'inventory',
    endpointOverride: input.endpointOverride,
  });
  if (!chosen.ok) throw new ConfigError(chosen.problems);
  const result = validateCloudEntry(chosen.chosen.entry, {
    label: chosen.chosen.label,
    source: chosen.chosen.source,
    cloudName: chosen.chosen.cloudName,
    ...(input.endpointOverride !== undefined ? { endpointOverride: input.endpointOverride } : {}),
  });
  if (!result.ok) throw new ConfigError(result.problems);
  const cacert = result.config.cacert;
  if (cacert === undefined) return result.config;
  const cacertPath = isAbsolute(cacert) ? cacert : resolve(input.cwd, cacert);
  try {
    await access(cacertPath);
  } catch (error) {
    throw new ConfigError(`${chosen.chosen.label('cacert')}: cannot read ${cacertPath}`, { cause: error });
  }
  return { ...result.config, cacert: cacertPath };
}

async function readFirstYaml(
  candidates: readonly (string | undefined)[],
  cwd: string,
): Promise<{ file: LoadedFile; problem?: string } | undefined> {
  for (const candidate of candidates) {
    if (candidate === undefined || candidate === '') continue;
    const path = isAbsolute(candidate) ? candidate : resolve(cwd, candidate);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch {
      continue;
    }
    try {
      return { file: { path, data: parse(text) as unknown } };
    } catch (error) {
      const reason = error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error);
      return { file: { path, data: undefined }, problem: `${path}: invalid YAML: ${reason}` };
    }
  }
  return undefined;
}

/** A one-line summary safe to print or log: where from, how, which endpoint; never a secret. */
export function describeCloudConfig(config: CloudConfig): string {
  const auth = config.auth;
  const who = (() => {
    switch (auth.type) {
      case 'none': case 'admin_token': return '';
      case 'http_basic': return ` user ${auth.username}`;
      case 'password': return ` user ${auth.user.name ?? auth.user.id ?? '?'} at ${safeUrl(auth.authUrl)}`;
      case 'v3applicationcredential': return ` credential ${auth.credentialId ?? auth.credentialName ?? '?'} at ${safeUrl(auth.authUrl)}`;
      case 'token': return ` at ${safeUrl(auth.authUrl)}`;
    }
  })();
  const where = config.endpoint !== undefined ? `endpoint ${safeUrl(config.endpoint)}` : `catalog (${config.interface}${config.regionName !== undefined ? `, region ${config.regionName}` : ''})`;
  const tls = config.insecure ? ', TLS unverified' : config.cacert !== undefined ? `, cacert ${config.cacert}` : '';
  return `${config.source}: auth ${auth.type}${who}, ${where}${tls}`;
}

/** Drops any user:password@ from a URL before it is shown. */
export function safeUrl(url: string): string {
  return url.replace(/^(\w+:\/\/)[^/@]*@/, '$1');
}
