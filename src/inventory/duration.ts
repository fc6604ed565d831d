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
