/** Builders with overrides for the desire tests. */
import type { CloudConfig, IronicAuth } from '../../src/desire/cloud-config-types.js';
import { createIronicClient, type IronicClientOptions } from '../../src/desire/ironic-client.js';
import type { DesiredStateSource } from '../../src/desire/types.js';

export const FAST_RETRY = { tries: 4, baseDelayMs: 1, maxDelayMs: 5 } as const;

export function cloudConfig(overrides: Partial<CloudConfig> = {}): CloudConfig {
  const auth: IronicAuth = { type: 'none' };
  return {
    source: 'test',
    cloudName: undefined,
    auth,
    endpoint: undefined,
    regionName: undefined,
    interface: 'public',
    cacert: undefined,
    insecure: false,
    timeoutMs: undefined,
    ...overrides,
  };
}

/** A client with fast retries and polling, so tests of waiting take milliseconds. */
export function testClient(config: CloudConfig, overrides: IronicClientOptions = {}): DesiredStateSource {
  return createIronicClient(config, { retry: FAST_RETRY, pollIntervalMs: 5, consoleTimeoutMs: 2_000, timeoutMs: 2_000, ...overrides });
}

/** The message of whatever `work` rejects with, and the error itself. */
export async function failureOf(work: Promise<unknown>): Promise<Error & { kind?: string; status?: number }> {
  try {
    await work;
  } catch (error) {
    return error as Error & { kind?: string; status?: number };
  }
  throw new Error('expected a failure, got success');
}
