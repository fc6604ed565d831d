/**
 * Last line of defence before argv reaches the audit database: the caller already
 * redacts, but a secret that slipped through would stay on disk for months.
 */

export const REDACTED = '***';

/** Long options whose value is a secret, by name (`--os-password`, `--token`, ...). */
const SECRET_LONG_OPTION = /^--[\w-]*(password|passwd|token|secret|kg-?key)[\w-]*$/i;

/** ipmitool's secret-bearing short options: `-y`/`-k` KG key, `-P` password. */
const SECRET_SHORT_OPTIONS = new Set(['-y', '-k', '-P']);

/** `scheme://user:password@host` */
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi;

/**
 * Returns a copy of `argv` with secret option values replaced by `***`:
 * `--os-password x`, `--os-password=x`, `-y x`, `-yx`, `-P x`, `-k x`, passwords in URLs,
 * and the same inside an element that holds a whole command line (`"ipmitool -y x"`).
 */
export function redactCliArgv(argv: readonly string[]): string[] {
  const result: string[] = [];
  let secretNext = false;
  for (const arg of argv) {
    if (secretNext) {
      result.push(REDACTED);
      secretNext = false;
      continue;
    }
    const redacted = redactArg(arg);
    result.push(redacted.value);
    secretNext = redacted.secretNext;
  }
  return result;
}

/** Redacts secrets inside one command line kept as a single string. */
export function redactCommandLine(line: string): string {
  if (!/\s/.test(line)) return redactArg(line).value;
  const parts = line.split(/(\s+)/);
  const words = parts.filter((_, i) => i % 2 === 0);
  const redactedWords = redactCliArgv(words);
  return parts.map((part, i) => (i % 2 === 0 ? (redactedWords[i / 2] ?? part) : part)).join('');
}

function redactArg(arg: string): { value: string; secretNext: boolean } {
  if (/\s/.test(arg)) return { value: redactCommandLine(arg), secretNext: false };
  const withoutUrlSecrets = arg.replace(URL_CREDENTIALS, `$1${REDACTED}@`);
  if (withoutUrlSecrets.startsWith('--')) {
    const eq = withoutUrlSecrets.indexOf('=');
    const name = eq === -1 ? withoutUrlSecrets : withoutUrlSecrets.slice(0, eq);
    if (!SECRET_LONG_OPTION.test(name)) return { value: withoutUrlSecrets, secretNext: false };
    return eq === -1 ? { value: name, secretNext: true } : { value: `${name}=${REDACTED}`, secretNext: false };
  }
  const short = withoutUrlSecrets.slice(0, 2);
  if (SECRET_SHORT_OPTIONS.has(short)) {
    return withoutUrlSecrets.length === 2
      ? { value: short, secretNext: true }
      : { value: `${short}${REDACTED}`, secretNext: false };
  }
  return { value: withoutUrlSecrets, secretNext: false };
}
