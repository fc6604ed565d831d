/**
 * Splits a command line into words as POSIX sh (and Python's shlex in posix mode, which
 * Ansible uses for INI host lines and ssh arguments) does: single and double quotes,
 * backslash escapes, and optionally `#` comments at the start of a word.
 */
export type SplitResult =
  | { readonly ok: true; readonly words: readonly string[] }
  | { readonly ok: false; readonly error: string };

export function splitShellWords(text: string, options: { comments?: boolean } = {}): SplitResult {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < text.length && '\\"$`'.includes(text.charAt(i + 1))) word += text.charAt(++i);
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\') {
      if (i + 1 < text.length) word += text.charAt(++i);
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (c === '#' && !inWord && options.comments === true) {
      break;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== undefined) return { ok: false, error: `no closing quotation (${quote})` };
  if (inWord) words.push(word);
  return { ok: true, words };
}
