/**
 * The kill of one console tree, built as a value: a POSIX sh script that runs on the
 * host as ONE command, so the identity check and the kill happen together.
 *
 * Identity of a pid (see consoleIdentity) = start time (field 22 of /proc/PID/stat, read
 * after the last ')'), real uid, argv[0]'s basename and a few whole argv elements of a
 * recognised console that carry no secret and are never redacted. They are taken from the
 * argv ARRAY the scan saw, never from a joined string: shellinaboxd's `-s` element holds
 * ipmitool's own `-p 623`, which is not shellinaboxd's `-p`. Comparing whole argv would need
 * the unredacted argv (with KG keys) in the plan; a hash would break on every redaction change.
 * An argv that is no recognised console (empty, `sleep`, a bare `socat`) gives the host
 * nothing to compare: the host refuses that pid.
 *
 * Output, one fact a line (parsed by parseKillOutput):
 *   SKIP pid-reused PID   the first process (listener) is another process now: nothing killed
 *   SKIP unrecognised PID the listener's argv names no console to check: nothing killed
 *   REUSED PID            another target is another process now: left alone
 *   REFUSED PID           another target has no console identity to check: left alone
 *   GONE PID / ALIVE PID  after TERM, wait, KILL, wait
 *   PIDFILE removed|kept|absent|failed
 *   DONE                  the script ran to its end
 */
import type { ProcessRef } from '../compare/types.js';
import type { ContainerSpec } from '../inventory/types.js';
import { recogniseArgv } from '../observe/console-argv.js';
import { REDACTED } from '../redact-secrets.js';
import type { KillAction } from '../plan/types.js';
import { shellQuote } from '../transport/host-command.js';

export interface KillOptions {
  readonly termWaitMs?: number;
  readonly killWaitMs?: number;
  /**
   * The conductor's container (kolla): pids are the host's, so the kill runs on the host,
   * but pid files are paths inside the container, so the pid file step runs there.
   */
  readonly container?: ContainerSpec | undefined;
}

export const DEFAULT_TERM_WAIT_MS = 5_000;
export const DEFAULT_KILL_WAIT_MS = 2_000;
const POLL_MS = 100;

/** What the host compares besides pid, start time and uid; null when the argv is no console. */
export interface ConsoleIdentity {
  readonly argv0: string;
  /** Whole cmdline elements that must all be present. */
  readonly anchors: readonly string[];
}

const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** Whole elements of `argv` that name the console: never split, never joined. */
function anchorsOf(argv: readonly string[]): string[] {
  const shape = recogniseArgv(argv).shape;
  const anchors: string[] = [];
  argv.forEach((arg, i) => {
    if (i === 0) return;
    const next = argv[i + 1];
    switch (shape) {
      case 'socat-console':
        if (/^TCP[46]?-L(ISTEN)?:/i.test(arg) || /^-L./.test(arg)) anchors.push(arg);
        if (arg === '-L' && next !== undefined) anchors.push(arg, next);
        break;
      case 'shellinabox-console':
        if (/^(--background=|--port=)/.test(arg) || /^-p\d+$/.test(arg)) anchors.push(arg);
        if ((arg === '-p' || arg === '--port') && next !== undefined) anchors.push(arg, next);
        break;
      case 'ipmitool-sol':
        if (arg === '-H' && next !== undefined) anchors.push(arg, next);
        if (arg === 'sol' && next === 'activate') anchors.push(arg, next);
        break;
      case 'other':
        break;
    }
  });
  // A redacted element is not what the host holds: it could only fail to match.
  return [...new Set(anchors)].filter((a) => !a.includes(REDACTED));
}

/** The one identity check's input, from the argv array the scan saw (see the file comment). */
export function consoleIdentity(argv: readonly string[]): ConsoleIdentity | null {
  const argv0 = basename(argv[0] ?? '');
  const anchors = anchorsOf(argv);
  return argv0 === '' || anchors.length === 0 ? null : { argv0, anchors };
}

/** Arguments of the script's `ident`: pid, start time, uid, argv0, anchors (none: refused on the host). */
function identityArgs(process: ProcessRef): string {
  const identity = consoleIdentity(process.argv);
  const words = [String(process.pid), String(process.startTicks), String(process.uid), identity?.argv0 ?? '', ...(identity?.anchors ?? [])];
  return words.map((w) => (w === '' ? "''" : shellQuote(w))).join(' ');
}

/** Functions of the kill script; kept apart so the per-action part stays readable. */
const FUNCTIONS = String.raw`NL='
'
state() { { read -r _s < /proc/$1/stat; } 2>/dev/null || return 1; set -- \${_s##*")"}; echo "$1 \${20}"; }
cmdl() { _c=$( { tr '\0' '\n' < /proc/$1/cmdline; } 2>/dev/null ) || return 1; printf '%s' "$_c"; }
ident() {
  _p=$1 _t=$2 _u=$3 _a=$4; shift 4
  _st=$(state $_p) || return 2
  case $_st in Z*) return 2;; esac
  [ "\${_st#* }" = "$_t" ] || return 1
  _uid=$(sed -n 's/^Uid:[[:space:]]*\([0-9][0-9]*\).*/\1/p' /proc/$_p/status 2>/dev/null)
  [ "$_uid" = "$_u" ] || return 1
  [ -n "$_a" ] && [ $# -gt 0 ] || return 3
  _cl=$(cmdl $_p) || return 2
  [ -n "$_cl" ] || return 1
  _f=\${_cl%%"$NL"*}
  [ "\${_f##*/}" = "$_a" ] || return 1
  for _x in "$@"; do case "$NL$_cl$NL" in *"$NL$_x$NL"*) ;; *) return 1;; esac; done
  return 0
}
add() { case " $T " in *" $1:"*) return 0;; esac; [ "$1" -gt 1 ] && [ "$1" != "$$" ] || return 0; T="$T $1:$2"; }
same() { _ss=$(state $1) || return 1; case $_ss in Z*) return 1;; esac; [ "\${_ss#* }" = "$2" ]; }
left() { _l=''; for _e in $T; do same \${_e%%:*} \${_e#*:} && _l="$_l \${_e%%:*}"; done; echo $_l; }
settle() { _i=0; while [ $_i -lt $1 ]; do [ -z "$(left)" ] && return 0; sleep 0.1 2>/dev/null || sleep 1; _i=$((_i+1)); done; }
check() { ident "$@"; case $? in 0) _st=$(state $1) && add $1 \${_st#* };; 1) echo "REUSED $1";; 3) echo "REFUSED $1";; *) echo "GONE $1";; esac; }
tree() {
  _tab=''
  for _d in /proc/[0-9]*; do
    { read -r _s < $_d/stat; } 2>/dev/null || continue
    set -- \${_s##*")"}; _tab="$_tab \${_d#/proc/}:$2"
  done
  _q=$L
  while [ -n "$_q" ]; do
    set -- $_q; _x=$1; shift; _q=$*
    for _e in $_tab; do
      [ "\${_e#*:}" = "$_x" ] || continue
      _k=\${_e%%:*}; _kc=$(cmdl $_k) || continue; _k0=\${_kc%%"$NL"*}
      if [ "$_x" != "$L" ] || [ "$_kc" = "$LCL" ] || [ "\${_k0##*/}" = ipmitool ]; then
        _st=$(state $_k) || continue; add $_k \${_st#* }; _q="$_q $_k"
      fi
    done
  done
}
`.replace(/\\\$/g, '$');

/**
 * Removes pid file $1 only while it names the listener, by host pid $2 or by its pid
 * inside the container $3 (what a conductor in a container writes). Own process: it may run
 * through `docker exec`.
 */
const PID_FILE_STEP = [
  'if [ ! -e "$1" ]; then echo "PIDFILE absent"; exit 0; fi',
  "c=''; { read -r c < \"$1\"; } 2>/dev/null; f=$1 l=$2 n=$3; set -- $c; c=${1-}",
  'if [ -n "$c" ] && { [ "$c" = "$l" ] || [ "$c" = "$n" ]; }; then',
  '  if rm -f -- "$f"; then echo "PIDFILE removed"; else echo "PIDFILE failed"; fi',
  'else echo "PIDFILE kept"; fi',
].join('\n');

function fileRunner(container: ContainerSpec | undefined): string {
  return container === undefined ? 'sh -c' : `${container.runtime} exec ${shellQuote(container.name)} sh -c`;
}

export function buildKillCommand(action: KillAction, options: KillOptions = {}): string {
  const [listener, ...others] = action.processes;
  if (listener === undefined) return 'echo DONE\n';
  const termPolls = Math.max(1, Math.ceil((options.termWaitMs ?? DEFAULT_TERM_WAIT_MS) / POLL_MS));
  const killPolls = Math.max(1, Math.ceil((options.killWaitMs ?? DEFAULT_KILL_WAIT_MS) / POLL_MS));
  const pidFile = action.pidFile === null ? "''" : shellQuote(action.pidFile);
  const lines = [
    FUNCTIONS,
    `L=${listener.pid} LT='' T='' NS='' LCL='' PF=${pidFile}`,
    `PFS=${shellQuote(PID_FILE_STEP)}`,
    `ident ${identityArgs(listener)}; R=$?`,
    `if [ $R = 1 ]; then echo "SKIP pid-reused $L"; echo DONE; exit 0; fi`,
    `if [ $R = 3 ]; then echo "SKIP unrecognised $L"; echo DONE; exit 0; fi`,
    // Re-list the tree now: sessions may have started since the scan.
    `if [ $R = 0 ]; then LT=$(state $L); LT=\${LT#* }; add $L $LT; LCL=$(cmdl $L); NS=$(sed -n 's/^NSpid:.*[[:space:]]\\([0-9][0-9]*\\)$/\\1/p' /proc/$L/status 2>/dev/null); tree; else echo "GONE $L"; fi`,
    ...others.map((p) => `check ${identityArgs(p)}`),
    // The listener first, so it forks no new session while the rest are ended.
    `for _e in $T; do kill -TERM \${_e%%:*} 2>/dev/null; done`,
    `settle ${termPolls}`,
    `_r=$(left); if [ -n "$_r" ]; then kill -KILL $_r 2>/dev/null; settle ${killPolls}; fi`,
    `for _e in $T; do if same \${_e%%:*} \${_e#*:}; then echo "ALIVE \${_e%%:*}"; else echo "GONE \${_e%%:*}"; fi; done`,
    // The pid file goes only once the listener is gone, and only while it still names it.
    `if [ -n "$PF" ]; then`,
    `  if [ $R = 0 ] && same $L $LT; then echo "PIDFILE kept"; else ${fileRunner(options.container)} "$PFS" sh "$PF" "$L" "$NS"; fi`,
    `fi`,
    `echo DONE`,
  ];
  return `${lines.join('\n')}\n`;
}
