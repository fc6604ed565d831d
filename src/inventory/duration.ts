import { ConfigError } from '../errors.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/**
 * A duration as operators write it ("500ms", "10s", "5m", "1h", "90d", "1.5s"), in
 * milliseconds. A bare number means seconds, like `ssh -o ConnectTimeout=10`.
 * `what` names the option or key in the error, e.g. `--wait-clean`.
 */
export function parseDuration(text: string, what = 'duration'): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  const amount = match?.[1];
  if (match === null || amount === undefined) {
    throw new ConfigError(
      `${what}: invalid duration ${JSON.stringify(text)}: expected a number with a unit ms, s, m, h or d, such as "500ms", "10s" or "5m"`,
    );
  }
  const unit = match[2] ?? 's';
  return Math.round(Number(amount) * (UNIT_MS[unit] ?? 1_000));
}

/** The longest time a timer can wait: Node clamps anything above 2^31-1 ms (24.8 days) to 1 ms. */
export const MAX_TIMER_MS = 24 * 86_400_000;

/**
 * A duration that becomes a timer (a timeout, a deadline, an interval) must be above 0
 * and at most 24 days: the problem in words, or null when it is fine.
 */
export function checkTimerDuration(ms: number): string | null {
  if (ms <= 0) return 'must be above 0';
  if (ms > MAX_TIMER_MS) return 'must be at most 24 days';
  return null;
}
