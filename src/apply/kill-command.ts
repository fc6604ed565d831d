/**
 * The kill of one console tree, built as a value: a POSIX sh script that runs on the
 * host as ONE command, so the identity check and the kill happen together.
 *
 * Identity of a pid = start time (field 22 of /proc/PID/stat, read after the last ')')
 * plus a few argv elements that carry no secret and are never redacted: argv[0]'s
 * basename, socat's `-L<lock>` and `*-LISTEN:<port>,...`, shellinaboxd's
 * `--background=<pidfile>` and `-p <port>`, ipmitool's `-H <bmc>`. Each must be a whole
 * element of /proc/PID/cmdline. Comparing whole argv would need the unredacted argv
 * (with KG keys) in the plan; a hash would break on every redaction change.
 *
 * Output, one fact a line (parsed by parseKillOutput):
 *   SKIP pid-reused PID   the first process (listener) is another process now: nothing killed
 *   REUSED PID            another target is another process now: left alone
 *   GONE PID / ALIVE PID  after TERM, wait, KILL, wait
 *   PIDFILE removed|kept|absent|failed
 *   DONE                  the script ran to its end
 */
import type { ProcessRef } from '../compare/types.js';
import type { ContainerSpec } from '../inventory/types.js';
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

/** The argv elements checked on the host besides the start time (see the file comment). */
export function identityAnchors(command: string): { argv0: string; anchors: string[] } {
  const words = command.split(' ').filter((w) => w !== '');
  const argv0 = (words[0] ?? '').split('/').pop() ?? '';
  const anchors: string[] = [];
  words.forEach((word, i) => {
    const next = words[i + 1];
    if (argv0 === 'socat' && (/^-L\//.test(word) || /^TCP[46]?-LISTEN:/.test(word))) anchors.push(word);
    if (argv0 === 'shellinaboxd' && /^--background=/.test(word)) anchors.push(word);
    if (argv0 === 'shellinaboxd' && word === '-p' && next !== undefined) anchors.push(word, next);
    if (argv0 === 'ipmitool' && word === '-H' && next !== undefined) anchors.push(word, next);
  });
  return { argv0, anchors: [...new Set(anchors)] };
}

function identityArgs(process: ProcessRef): string {
  const { argv0, anchors } = identityAnchors(process.command);
  const words = [String(process.pid), String(process.startTicks), argv0, ...anchors];
  return words.map((w) => (w === '' ? "''" : shellQuote(w))).join(' ');
}

/** Functions of the kill script; kept apart so the per-action part stays readable. */
const FUNCTIONS = String.raw`NL='
'
state() { { read -r _s < /proc/$1/stat; } 2>/dev/null || return 1; set -- \${_s##*")"}; echo "$1 \${20}"; }
cmdl() { _c=$( { tr '\0' '\n' < /proc/$1/cmdline; } 2>/dev/null ) || return 1; printf '%s' "$_c"; }
ident() {
  _p=$1 _t=$2 _a=$3; shift 3
  _st=$(state $_p) || return 2
  case $_st in Z*) return 2;; esac
  [ "\${_st#* }" = "$_t" ] || return 1
  _cl=$(cmdl $_p) || return 2
  [ -n "$_cl" ] || return 1
  _f=\${_cl%%"$NL"*}
  [ -z "$_a" ] || [ "\${_f##*/}" = "$_a" ] || return 1
  for _x in "$@"; do case "$NL$_cl$NL" in *"$NL$_x$NL"*) ;; *) return 1;; esac; done
  return 0
}
add() { case " $T " in *" $1:"*) return 0;; esac; [ "$1" -gt 1 ] && [ "$1" != "$$" ] || return 0; T="$T $1:$2"; }
same() { _ss=$(state $1) || return 1; case $_ss in Z*) return 1;; esac; [ "\${_ss#* }" = "$2" ]; }
left() { _l=''; for _e in $T; do same \${_e%%:*} \${_e#*:} && _l="$_l \${_e%%:*}"; done; echo $_l; }
settle() { _i=0; while [ $_i -lt $1 ]; do [ -z "$(left)" ] && return 0; sleep 0.1 2>/dev/null || sleep 1; _i=$((_i+1)); done; }
check() { ident "$@"; case $? in 0) _st=$(state $1) && add $1 \${_st#* };; 1) echo "REUSED $1";; *) echo "GONE $1";; esac; }
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
