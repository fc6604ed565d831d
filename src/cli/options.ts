import { InvalidArgumentError } from 'commander';
import { ConfigError } from '../errors.js';
import { checkTimerDuration, parseDuration } from '../inventory/duration.js';

/** commander argument parsers: bad values become usage errors (exit 3) naming the option. */
function parseDurationOption(value: string): number {
  try {
    return parseDuration(value);
  } catch {
    throw new InvalidArgumentError(`expected a duration such as 30s, 10m or 1h, got "${value}"`);
  }
}

/** A timeout, deadline or interval: above 0 and at most 24 days (Node turns longer timers into 1 ms). */
export function durationOption(value: string): number {
  const ms = parseDurationOption(value);
  const problem = checkTimerDuration(ms);
  if (problem !== null) throw new InvalidArgumentError(`the duration ${problem}, got "${value}"`);
  return ms;
}

/** An age such as `--older-than 90d`: no timer, so only above 0. */
export function ageOption(value: string): number {
  const ms = parseDurationOption(value);
  if (ms <= 0) throw new InvalidArgumentError(`the duration must be above 0, got "${value}"`);
  return ms;
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number of at least 1, got "${value}"`);
  return n;
}

export function nonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`expected a whole number of at least 0, got "${value}"`);
  return n;
}

/** `history show RUN`: a run number as `history` lists them; anything else is a usage error naming it. */
export function runNumber(value: string): number {
  const id = Number(value);
  if (/^\d+$/.test(value) && id >= 1) return id;
  throw new ConfigError(`history show ${JSON.stringify(value).slice(1, -1)}: expected a run number (a whole number of at least 1, as \`history\` lists them)`);
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

/** Options shared by `scan` and `fix`, as commander hands them over. */
export interface FleetCliOptions {
  inventory: string;
  group?: string;
  osCloud?: string;
  endpoint?: string;
  host?: string[];
  node?: string[];
  conductorGroup?: string[];
  concurrency?: number;
  knownHosts?: 'strict' | 'accept-new' | 'off';
  knownHostsFile?: string[];
  connectTimeout?: number;
  commandTimeout?: number;
  apiTimeout?: number;
  format: 'text' | 'json' | 'junit';
  output?: string;
  metricsFile?: string;
  by: 'host' | 'node';
  quiet?: boolean;
  auditDb?: string;
  audit: boolean;
  color?: boolean;
  debug?: boolean;
}
