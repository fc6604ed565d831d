import { ConfigError } from '../../src/errors.js';
import { DEFAULT_IRONIC_CONF, type HostSpec } from '../../src/inventory/types.js';
import { buildHostSpec } from './builders.js';

/** A host as the inventory stage resolves it, with nothing set but its name. */
export function resolvedHost(name: string, overrides: Partial<HostSpec> = {}): HostSpec {
  return buildHostSpec({ name, address: name, user: undefined, sudo: false, ironicConf: DEFAULT_IRONIC_CONF, ...overrides });
}

/** The problems of the ConfigError `run` throws (it must throw one). */
export function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}
