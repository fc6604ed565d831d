import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { checkTimerDuration, parseDuration } from '../../src/inventory/duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['90d', 90 * 86_400_000],
    ['1.5s', 1_500],
    ['30', 30_000],
    [' 2m ', 120_000],
    ['0s', 0],
  ])('reads %j as %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'abc', '10 minutes', '-5s', '5x', 's', '1e3s', '10s5'])('refuses %j with a ConfigError naming the value', (text) => {
    expect(() => parseDuration(text, '--wait-clean')).toThrow(ConfigError);
    expect(() => parseDuration(text, '--wait-clean')).toThrow(`--wait-clean: invalid duration ${JSON.stringify(text)}`);
  });
});

describe('checkTimerDuration', () => {
  it.each([
    [0, 'must be above 0'],
    [1, null],
    [24 * 86_400_000, null],
    [24 * 86_400_000 + 1, 'must be at most 24 days'],
    [2 ** 31, 'must be at most 24 days'],
  ])('%i ms → %s', (ms, problem) => {
    expect(checkTimerDuration(ms)).toBe(problem);
  });
});
