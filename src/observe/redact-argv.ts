/**
 * ipmitool(1) options whose argument is a secret: `-P password`, `-k key` (Kg key),
 * `-y hexkey` (Kg key in hex). `-K`, `-Y`, `-E`, `-a` read secrets from the environment
 * or a prompt and take no argument, so nothing follows them on a command line.
 */
export const SECRET_OPTIONS = ['-P', '-k', '-y'] as const;

export const REDACTED = '***';

const SEPARATE = new Set<string>(SECRET_OPTIONS);

/**
 * A secret option inside one element: at its start or after a space or quote (socat's
 * `EXEC:"ipmitool ... -y KEY ..."`, shellinaboxd's `-s /:u:g:HOME:ipmitool ... -P pw`),
 * attached (`-Ppw`) or separated by blanks, the value quoted or a bare word.
 */
const EMBEDDED = /(^|[\s'"])-([Pky])(\s*)('(?:[^'\\]|\\.)*'?|"(?:[^"\\]|\\.)*"?|[^\s]+)/g;

/**
 * Replaces secrets in an argv by `***`, in separate (`-y KEY`), attached (`-yKEY`) and
 * embedded forms. Errs on the side of hiding: a non-ipmitool `-k VALUE` is hidden too.
 */
export function redactArgv(argv: readonly string[]): string[] {
  return argv.map((arg, i) => {
    const previous = i > 0 ? argv[i - 1] : undefined;
    if (previous !== undefined && SEPARATE.has(previous)) return REDACTED;
    return arg.replace(EMBEDDED, (_match, lead: string, option: string, gap: string) => `${lead}-${option}${gap}${REDACTED}`);
  });
}

/** A redacted argv as one line, for messages and the audit trail. */
export function redactedCommand(argv: readonly string[]): string {
  return redactArgv(argv).join(' ');
}
