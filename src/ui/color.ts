/**
 * Colour is decided once, here, for every library: `--color`/`--no-color` win, then
 * NO_COLOR, then FORCE_COLOR, then whether the output stream is a terminal.
 */
export type ColorFlag = 'auto' | 'always' | 'never';

export function decideColor(input: {
  flag: ColorFlag;
  env: Readonly<Record<string, string | undefined>>;
  isTTY: boolean;
}): boolean {
  if (input.flag === 'always') return true;
  if (input.flag === 'never') return false;
  if (input.env.NO_COLOR !== undefined && input.env.NO_COLOR !== '') return false;
  const force = input.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return input.isTTY && input.env.TERM !== 'dumb';
}

/**
 * listr2 (through colorette) reads NO_COLOR/FORCE_COLOR when it is first imported, so
 * the decision is written into the environment before the UI loads it.
 */
export function publishColorDecision(enabled: boolean, env: Record<string, string | undefined>): void {
  if (enabled) {
    env.FORCE_COLOR = '1';
    delete env.NO_COLOR;
  } else {
    env.NO_COLOR = '1';
    delete env.FORCE_COLOR;
  }
}
