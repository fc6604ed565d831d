/**
 * The one redactor (STYLE habit 14). Every secret that can reach the terminal, JSON,
 * JUnit, a plan file, a message or the audit database passes through here: argv is
 * redacted where it enters (the probe parser) and again at the audit store boundary.
 * It errs on the side of hiding: a value it cannot delimit is hidden to its end.
 */

export const REDACTED = '***';

/**
 * ipmitool(1) options whose argument is a secret: `-P password`, `-k key` (Kg key),
 * `-y hexkey` (Kg key in hex). `-K`, `-Y`, `-E`, `-a` take no argument.
 */
const SECRET_SHORT = new Set(['-P', '-k', '-y']);

/** A long option whose value is a secret: `--password`, `--os-password`, `--token`, ... */
const SECRET_LONG_NAME = /^--[\w-]*(?:password|passwd|token|secret|kg-?key)[\w-]*$/i;

/** `scheme://user:password@host` */
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi;

/** Where an option can start inside a command line kept in one element. */
const BOUNDARY = `(^|[\\s'"=])`;
const EMBEDDED_SHORT = new RegExp(`${BOUNDARY}(-[Pky])(\\s*)`, 'g');
const EMBEDDED_LONG = new RegExp(`${BOUNDARY}(--[\\w-]*(?:password|passwd|token|secret|kg-?key)[\\w-]*)(=|\\s+)`, 'gi');
const EMBEDDED_ENV = /(^|[\s'"])([A-Z_]*(?:PASSWORD|PASSWD|TOKEN|SECRET)[A-Z_]*=)/g;

/**
 * Replaces every secret in an argv by `***`: separate (`-y KEY`, `--os-password X`),
 * attached (`-yKEY`, `--password=X`), URL credentials, and the same inside an element
 * that holds a whole command line (socat's `EXEC:"…"`, shellinaboxd's `-s /:u:g:HOME:…`),
 * quoted values with spaces included. Never changes its argument; idempotent.
 */
export function redactArgv(argv: readonly string[]): string[] {
  let secretNext = false;
  return argv.map((arg) => {
    if (secretNext) {
      secretNext = false;
      return REDACTED;
    }
    const element = redactElement(arg);
    secretNext = element.secretNext;
    return element.value;
  });
}

/** Secrets inside free text: a command line kept as one string, a message, a summary. */
export function redactText(text: string): string {
  let result = text.replace(URL_CREDENTIALS, `$1${REDACTED}@`);
  result = hideValuesAfter(result, EMBEDDED_LONG);
  result = hideValuesAfter(result, EMBEDDED_SHORT);
  return hideValuesAfter(result, EMBEDDED_ENV);
}

function redactElement(arg: string): { value: string; secretNext: boolean } {
  if (SECRET_SHORT.has(arg)) return { value: arg, secretNext: true };
  const long = /^(--[\w-]+)(=[\s\S]*)?$/.exec(arg);
  if (long !== null && SECRET_LONG_NAME.test(long[1] as string)) {
    return long[2] === undefined ? { value: arg, secretNext: true } : { value: `${long[1]}=${REDACTED}`, secretNext: false };
  }
  if (/^-[Pky]/.test(arg) && arg.length > 2 && !/\s/.test(arg)) return { value: `${arg.slice(0, 2)}${REDACTED}`, secretNext: false };
  return { value: redactText(arg), secretNext: false };
}

/**
 * For each match of `pattern` (lead, option, gap), replaces the shell word that follows
 * by `***`. A word runs to unquoted whitespace; quotes ('…', "…", \"…\") extend it.
 */
function hideValuesAfter(text: string, pattern: RegExp): string {
  let out = '';
  let from = 0;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const valueStart = match.index + match[0].length;
    const valueEnd = shellWordEnd(text, valueStart);
    if (valueEnd === valueStart) continue;
    out += text.slice(from, valueStart) + REDACTED;
    from = valueEnd;
    pattern.lastIndex = valueEnd;
  }
  return out + text.slice(from);
}

/** The index just past the shell word starting at `start`; an unclosed quote runs to the end. */
export function shellWordEnd(text: string, start: number): number {
  let i = start;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) return i;
    if (ch === "'" || ch === '"') i = closingQuote(text, i + 1, ch) + 1;
    else if (ch === '\\' && (text[i + 1] === '"' || text[i + 1] === "'")) i = closingEscapedQuote(text, i + 2, text[i + 1] as string);
    else i += ch === '\\' ? 2 : 1;
  }
  return text.length;
}

function closingQuote(text: string, from: number, quote: string): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\' && quote === '"') i++;
    else if (text[i] === quote) return i;
  }
  return text.length;
}

function closingEscapedQuote(text: string, from: number, quote: string): number {
  const end = text.indexOf(`\\${quote}`, from);
  return end === -1 ? text.length : end + 2;
}
