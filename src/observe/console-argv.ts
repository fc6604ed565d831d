import { nodeUuidOfPath } from './parse-files.js';

/**
 * What an argv says about a process, by its structure (program, options, addresses),
 * never by the program name alone: conductors run unrelated socat processes too.
 */
export type ConsoleArgv =
  | {
      readonly shape: 'socat-console';
      /** The `-L` lock file; null when there is none. */
      readonly lockFile: string | null;
      readonly nodeUuid: string | null;
      readonly port: number;
      readonly bindAddress: string | null;
      /** Whether EXEC runs ipmitool (the sign of a console when no node can be named). */
      readonly runsIpmitool: boolean;
    }
  | {
      readonly shape: 'shellinabox-console';
      readonly pidFile: string | null;
      readonly nodeUuid: string | null;
      readonly port: number;
    }
  | { readonly shape: 'ipmitool-sol'; readonly nodeUuid: string | null; readonly bmc: string | null }
  | { readonly shape: 'other' };

const OTHER: ConsoleArgv = { shape: 'other' };

const programOf = (argv: readonly string[]): string => {
  const first = argv[0] ?? '';
  return first.slice(first.lastIndexOf('/') + 1);
};

/**
 * socat's program names: Debian's socat 1.8 (trixie and later) installs `/usr/bin/socat1`
 * with `socat` a link to it, so argv[0] and comm say `socat` or `socat1`.
 */
export const SOCAT_PROGRAMS: ReadonlySet<string> = new Set(['socat', 'socat1']);

/** `TCP4-LISTEN:23000,bind=127.0.0.1,...`, `TCP6-LISTEN:23000,bind=[::1],...`, `TCP-L:...`. */
const LISTEN = /^TCP[46]?-L(?:ISTEN)?:(\d+)(?:,(.*))?$/i;
const EXEC = /^(?:EXEC|SYSTEM):/i;

/** socat options that take a separate value (`-T 600`); the rest are flags or attach it. */
const SOCAT_VALUE_OPTIONS = new Set(['-T', '-L', '-W', '-lf', '-lp', '-b']);

function socatShape(argv: readonly string[]): ConsoleArgv {
  let lockFile: string | null = null;
  const addresses: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (addresses.length === 0 && arg.startsWith('-') && arg !== '-') {
      if (SOCAT_VALUE_OPTIONS.has(arg)) {
        if (arg === '-L') lockFile = argv[i + 1] ?? null;
        i++;
      } else if (arg.startsWith('-L')) {
        lockFile = arg.slice(2);
      }
      continue;
    }
    addresses.push(arg);
  }
  const listen = addresses.map((address) => LISTEN.exec(address)).find((match) => match !== null);
  const exec = addresses.find((address) => EXEC.test(address));
  if (addresses.length !== 2 || listen === undefined || listen === null || exec === undefined) return OTHER;
  const bind = /(?:^|,)bind=(\[[^\]]*\]|[^,]*)/.exec(listen[2] ?? '');
  return {
    shape: 'socat-console',
    lockFile,
    nodeUuid: lockFile === null || !lockFile.endsWith('.pid') ? null : nodeUuidOfPath(lockFile),
    port: Number(listen[1]),
    bindAddress: bind === null ? null : (bind[1] as string).replace(/^\[(.*)\]$/, '$1'),
    runsIpmitool: /\bipmitool\b/.test(exec),
  };
}

/** Value of an option given as `-p 1`, `-p1`, `--port=1` or `--port 1`. */
function optionValue(argv: readonly string[], short: string, long: string): string | null {
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === short || arg === long) return argv[i + 1] ?? null;
    if (arg.startsWith(`${long}=`)) return arg.slice(long.length + 1);
    if (short.length === 2 && arg.startsWith(short) && !arg.startsWith('--')) return arg.slice(2);
  }
  return null;
}

function shellinaboxShape(argv: readonly string[]): ConsoleArgv {
  const port = Number(optionValue(argv, '-p', '--port'));
  const service = optionValue(argv, '-s', '--service');
  const background = argv.find((arg) => arg.startsWith('--background=') || arg.startsWith('-b'));
  const pidFile = background === undefined ? null : background.replace(/^(--background=|-b)/, '');
  if (!Number.isInteger(port) || port <= 0 || service === null) return OTHER;
  return {
    shape: 'shellinabox-console',
    pidFile: pidFile === '' ? null : pidFile,
    nodeUuid: pidFile === null || !pidFile.endsWith('.pid') ? null : nodeUuidOfPath(pidFile),
    port,
  };
}

function ipmitoolShape(argv: readonly string[]): ConsoleArgv {
  const sol = argv.findIndex((arg, i) => i > 0 && arg === 'sol');
  if (sol < 0 || argv[sol + 1] !== 'activate') return OTHER;
  const pwFile = optionValue(argv.slice(0, sol), '-f', '-f');
  const bmc = optionValue(argv.slice(0, sol), '-H', '-H');
  return {
    shape: 'ipmitool-sol',
    nodeUuid: pwFile !== null && pwFile.endsWith('.pw') ? nodeUuidOfPath(pwFile) : null,
    bmc,
  };
}

/** Recognises console daemons and SOL sessions by argv structure. */
export function recogniseArgv(argv: readonly string[]): ConsoleArgv {
  const program = programOf(argv);
  if (SOCAT_PROGRAMS.has(program)) return socatShape(argv);
  switch (program) {
    case 'shellinaboxd':
      return shellinaboxShape(argv);
    case 'ipmitool':
      return ipmitoolShape(argv);
    default:
      return OTHER;
  }
}
