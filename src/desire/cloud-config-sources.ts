import type { Labeler } from './cloud-config-validate.js';

type Entry = Readonly<Record<string, unknown>>;

/** A YAML file as read from disk: where, and what it parsed to. */
export interface LoadedFile {
  readonly path: string;
  readonly data: unknown;
}

/** The entry to validate, where it came from, and how to name its keys in messages. */
export interface ChosenEntry {
  readonly entry: Entry;
  readonly source: string;
  readonly cloudName: string | undefined;
  readonly label: Labeler;
}

export type ChooseResult = { readonly ok: true; readonly chosen: ChosenEntry } | { readonly ok: false; readonly problems: readonly string[] };

const AUTH_ENV_KEYS = [
  'auth_url', 'username', 'user_id', 'password', 'project_name', 'project_id', 'user_domain_name', 'user_domain_id',
  'project_domain_name', 'project_domain_id', 'domain_name', 'domain_id', 'system_scope', 'application_credential_id',
  'application_credential_name', 'application_credential_secret', 'token', 'endpoint',
] as const;
const TOP_ENV_KEYS = ['auth_type', 'region_name', 'interface', 'cacert', 'insecure', 'baremetal_endpoint_override'] as const;
/** Any of these set means the operator configured the cloud through the environment. */
const ENV_MARKERS = ['OS_AUTH_URL', 'OS_AUTH_TYPE', 'OS_ENDPOINT', 'OS_BAREMETAL_ENDPOINT_OVERRIDE', 'OS_TOKEN', 'OS_USERNAME', 'OS_APPLICATION_CREDENTIAL_ID'];

function isRecord(value: unknown): value is Entry {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The OS_* variables in the shape of a clouds.yaml cloud entry (openstacksdk's `envvars` cloud). */
export function envToCloudEntry(env: Readonly<Record<string, string | undefined>>): Entry | undefined {
  if (!ENV_MARKERS.some((name) => (env[name] ?? '') !== '')) return undefined;
  const pick = (keys: readonly string[]): Entry =>
    Object.fromEntries(keys.flatMap((key) => {
      const value = env[`OS_${key.toUpperCase()}`];
      return value === undefined || value === '' ? [] : [[key, value]];
    }));
  return { ...pick(TOP_ENV_KEYS), auth: pick(AUTH_ENV_KEYS) };
}

/** `auth.auth_url` → `OS_AUTH_URL`, `baremetal_endpoint_override` → `OS_BAREMETAL_ENDPOINT_OVERRIDE`. */
export const envLabel: Labeler = (path) => `environment:OS_${path.replace(/^auth\./, '').toUpperCase()}`;

/** Merges secure.yaml over clouds.yaml, mapping by mapping (openstacksdk's merge). */
export function mergeDeep(base: Entry, over: Entry): Entry {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const previous = merged[key];
    merged[key] = isRecord(previous) && isRecord(value) ? mergeDeep(previous, value) : value;
  }
  return merged;
}

/**
 * Picks the settings the openstacksdk way: a named cloud (`cloud`, else OS_CLOUD) from
 * clouds.yaml merged with secure.yaml; else the OS_* variables; else the inventory's
 * `ironic:` section; else the only cloud of clouds.yaml. Pure.
 */
export function chooseCloudEntry(input: {
  readonly cloud: string | undefined;
  readonly cloudFrom: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly clouds: LoadedFile | undefined;
  readonly secure: LoadedFile | undefined;
  readonly searched: readonly string[];
  readonly inventoryIronic: Entry | undefined;
  readonly inventorySource: string;
  readonly endpointOverride: string | undefined;
}): ChooseResult {
  const cloudsOf = (file: LoadedFile | undefined): Entry | undefined =>
    file !== undefined && isRecord(file.data) && isRecord(file.data['clouds']) ? file.data['clouds'] : undefined;
  const shapeProblems = [input.clouds, input.secure].flatMap((file) =>
    file !== undefined && file.data !== null && file.data !== undefined && cloudsOf(file) === undefined
      ? [`${file.path}:clouds: missing or not a mapping`] : []);
  if (shapeProblems.length > 0) return { ok: false, problems: shapeProblems };
  const clouds = cloudsOf(input.clouds) ?? {};
  const names = Object.keys(clouds);

  const fromFile = (name: string): ChooseResult => {
    const path = input.clouds?.path ?? 'clouds.yaml';
    const entry = clouds[name];
    if (!isRecord(entry)) {
      if (input.clouds === undefined) {
        return { ok: false, problems: [`clouds.yaml: cloud ${JSON.stringify(name)} requested (${input.cloudFrom}) but no clouds.yaml found (looked in ${input.searched.join(', ')})`] };
      }
      const message = entry === undefined ? `no such cloud (clouds defined: ${names.join(', ') || 'none'})` : 'must be a mapping';
      return { ok: false, problems: [`${path}:clouds.${name}: ${message}`] };
    }
    const secureEntry = cloudsOf(input.secure)?.[name];
    const merged = isRecord(secureEntry) ? mergeDeep(entry, secureEntry) : entry;
    const secretKeys = isRecord(secureEntry) ? new Set(flattenKeys(secureEntry)) : new Set<string>();
    const label: Labeler = (key) => `${secretKeys.has(key) && input.secure !== undefined ? input.secure.path : path}:clouds.${name}.${key}`;
    const source = `${path}${input.secure !== undefined && isRecord(secureEntry) ? ` + ${input.secure.path}` : ''} (cloud ${name})`;
    return { ok: true, chosen: { entry: merged, source, cloudName: name, label } };
  };

  if (input.cloud !== undefined && input.cloud !== '') return fromFile(input.cloud);
  const envEntry = envToCloudEntry(input.env);
  if (envEntry !== undefined) return { ok: true, chosen: { entry: envEntry, source: 'OS_* environment variables', cloudName: undefined, label: envLabel } };
  if (input.inventoryIronic !== undefined) {
    const label: Labeler = (key) => `${input.inventorySource}:ironic.${key}`;
    return { ok: true, chosen: { entry: input.inventoryIronic, source: `${input.inventorySource} (ironic:)`, cloudName: undefined, label } };
  }
  const [only] = names;
  if (names.length === 1 && only !== undefined) return fromFile(only);
  if (input.endpointOverride !== undefined) {
    return { ok: true, chosen: { entry: { auth_type: 'none' }, source: 'endpoint override', cloudName: undefined, label: (key) => `--ironic-url:${key}` } };
  }
  const hint = names.length > 1 ? `; ${input.clouds?.path} defines ${names.join(', ')}: choose one with OS_CLOUD or --os-cloud` : '';
  return { ok: false, problems: [`Ironic connection: no settings found: set OS_CLOUD (clouds.yaml), OS_* variables, or an ironic: section in the inventory${hint}`] };
}

function flattenKeys(entry: Entry, prefix = ''): string[] {
  return Object.entries(entry).flatMap(([key, value]) =>
    isRecord(value) ? flattenKeys(value, `${prefix}${key}.`) : [`${prefix}${key}`]);
}
