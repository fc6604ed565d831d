import { inspect } from 'node:util';

const HIDDEN = '[secret]';

/**
 * A password, token or application-credential secret. It prints as `[secret]` in
 * `String()`, template strings, `JSON.stringify` and `util.inspect` (so in console.log,
 * vitest diffs and error `cause` chains); only `reveal()` gives the value, and only
 * the code that puts it on the wire calls it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return HIDDEN;
  }

  toJSON(): string {
    return HIDDEN;
  }

  [inspect.custom](): string {
    return HIDDEN;
  }
}
