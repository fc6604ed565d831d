import { isIP } from 'node:net';
import type { ContainerSpec, JumpHost } from './types.js';
import { describeValue, isMapping } from './problems.js';
import { parseJumpSpec } from './proxy-jump.js';
import { parsePortRanges, portRangesText } from '../port-range.js';

/**
 * Converters from a raw inventory value to one typed field: each returns the value or
 * a message saying what was expected. They accept what YAML, JSON and Ansible's INI
 * produce alike (`port: "22"` and `port: 22`; Ansible's yes/no/true/false booleans).
 */
export type Converted<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const ok = <T>(value: T): Converted<T> => ({ ok: true, value });
const fail = <T>(error: string): Converted<T> => ({ ok: false, error });

export function toText(value: unknown): Converted<string> {
  if (typeof value === 'number' && Number.isFinite(value)) return ok(String(value));
  if (typeof value !== 'string' || value.trim() === '') return fail(`must be a non-empty string, got ${describeValue(value)}`);
  return ok(value.trim());
}

export function toPort(value: unknown): Converted<number> {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (Number.isInteger(n) && n >= 1 && n <= 65535) return ok(n);
  return fail(`must be an integer 1-65535, got ${describeValue(value)}`);
}

const TRUE_WORDS = new Set(['true', 'yes', 'on', 'y', 't', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'off', 'n', 'f', '0']);

/** Ansible's boolean(): true/false, yes/no, on/off, 1/0, any case. */
export function toBoolean(value: unknown): Converted<boolean> {
  if (typeof value === 'boolean') return ok(value);
  const word = typeof value === 'number' || typeof value === 'string' ? String(value).trim().toLowerCase() : undefined;
  if (word !== undefined && TRUE_WORDS.has(word)) return ok(true);
  if (word !== undefined && FALSE_WORDS.has(word)) return ok(false);
  return fail(`must be true or false, got ${describeValue(value)}`);
}

export function toAbsolutePath(value: unknown): Converted<string> {
  const text = toText(value);
  if (!text.ok) return text;
  if (!text.value.startsWith('/')) return fail(`must be an absolute path on the host, got ${describeValue(value)}`);
  return text;
}

/** One path or a list of paths (identity files). */
export function toPathList(value: unknown): Converted<readonly string[]> {
  const items = Array.isArray(value) ? value : [value];
  const paths: string[] = [];
  for (const item of items) {
    const text = toText(item);
    if (!text.ok) return fail(`must be a path or a list of paths, got ${describeValue(item)}`);
    paths.push(text.value);
  }
  return ok(paths);
}

/** `"user@bastion:2222,host2"` or a list of such hops, outermost first. */
export function toJumpHosts(value: unknown): Converted<readonly JumpHost[]> {
  const items = Array.isArray(value) ? value : [value];
  const hops: JumpHost[] = [];
  for (const item of items) {
    if (typeof item !== 'string') return fail(`must be "[user@]host[:port],..." or a list of them, got ${describeValue(item)}`);
    const parsed = parseJumpSpec(item);
    if (!parsed.ok) return fail(parsed.error);
    hops.push(...parsed.jumpHosts);
  }
  return ok(hops);
}

const RUNTIMES = ['docker', 'podman'] as const;

/** `"docker:ironic_conductor"`, `"podman:NAME"` or `{ runtime, name }`. */
export function toContainer(value: unknown): Converted<ContainerSpec> {
  const expected = `must be "docker:NAME", "podman:NAME" or {runtime, name}, got ${describeValue(value)}`;
  let runtime: unknown;
  let name: unknown;
  if (typeof value === 'string') {
    const colon = value.indexOf(':');
    if (colon < 0) return fail(expected);
    runtime = value.slice(0, colon).trim();
    name = value.slice(colon + 1).trim();
  } else if (isMapping(value)) {
    const extra = Object.keys(value).filter((key) => key !== 'runtime' && key !== 'name');
    if (extra.length > 0) return fail(`has unknown key "${extra[0]}" (expected runtime and name)`);
    ({ runtime, name } = value);
  } else {
    return fail(expected);
  }
  const known = RUNTIMES.find((r) => r === runtime);
  if (known === undefined) return fail(`runtime must be docker or podman, got ${describeValue(runtime)}`);
  if (typeof name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
    return fail(`container name must be a docker/podman name, got ${describeValue(name)}`);
  }
  return ok({ runtime: known, name });
}

export function toConnection(value: unknown): Converted<'ssh' | 'local'> {
  if (value === 'ssh' || value === 'local') return ok(value);
  return fail(`must be ssh or local, got ${describeValue(value)}`);
}

export function toIpAddress(value: unknown): Converted<string> {
  const text = toText(value);
  if (!text.ok) return text;
  if (isIP(text.value.replace(/^\[(.*)\]$/, '$1')) === 0) return fail(`must be an IP address, got ${describeValue(value)}`);
  return text;
}

/** Ironic's `[console]port_range`: `"START:END"`, or several, `"START:END,START:END"` (35.0+). */
export function toPortRange(value: unknown): Converted<string> {
  const parsed = typeof value === 'string' ? parsePortRanges(value) : null;
  if (parsed === null || !parsed.ok || parsed.ranges.some((r) => r.start < 1)) {
    return fail(`must be "START:END" with 1 <= START <= END <= 65535, got ${describeValue(value)}`);
  }
  return ok(portRangesText(parsed.ranges));
}
