import { Chalk } from 'chalk';
import type { Style } from '../report/style.js';

/** The renderers' Style, coloured with chalk when colour is on. */
export function createChalkStyle(color: boolean): Style {
  const chalk = new Chalk({ level: color ? 1 : 0 });
  return {
    critical: (s) => chalk.red.bold(s),
    warning: (s) => chalk.yellow(s),
    info: (s) => chalk.cyan(s),
    ok: (s) => chalk.green(s),
    dim: (s) => chalk.dim(s),
    bold: (s) => chalk.bold(s),
  };
}
