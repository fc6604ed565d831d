import type { HostSpec } from '../inventory/types.js';
import { shellQuote } from '../transport/host-command.js';
import { CONTAINER_PS_FORMAT } from './parse-containers.js';
import { QUADLET_USERS_DIR } from './parse-systemd-consoles.js';
import { CMDLINE_MAX_LINE_BYTES } from './probe-limits.js';
import { confSedFilter } from './probe-conf.js';
import { PROC_READ, SELECT_AWK, SELECT_PASS_FAILED } from './probe-select.js';

/**
 * The probe: one POSIX sh script, sent on stdin, that prints everything the observe
 * stage needs in sections. The number of processes it forks does not grow with the
 * host's process count: /proc is read by grep (one for every stat, with /etc/passwd and
 * ironic.conf; one or two more, started by the awk, for the cmdlines and status files it
 * needs) and one `awk` (probe-select.ts), and sockets with one `ss`, whose output goes
 * through that same awk. Issue 12 (server CPU): every program start costs the host a
 * fork, an exec and dynamic linking, so the probe starts 7 to 11, however many processes
 * the host runs (sh, grep, awk, ss, sh and grep once or twice, getent only for a uid
 * /etc/passwd lacks, stat; sed too where ironic.conf is read inside a conductor's
 * container; on hosts with podman or docker, their `ps` too): boot_id, the uid, the directory list and
 * which processes share the probe's network namespace (`test -ef` on /proc/PID/ns/net)
 * come from the shell's own `read`, `case`, `test` and parameter expansion. Sections start with `@@cd NONCE NAME@@` on a line of their own; the
 * nonce is fresh per run, so nothing a local user puts in an argv or a file name can forge one.
 *
 * Format 3 (issue 12) sends whole records (stat, escaped cmdline, status Uid/NSpid, netns)
 * only for console-like processes and their descendants, one brief `ps` line (pid, ppid,
 * state, start time, comm) for every other process, and every listening socket as one
 * `address:port pid...` line; it reads the cmdline of only the processes whose comm could
 * be a console's, a conductor's or a session shell's, and of console descendants, so what
 * it costs the host and the client no longer grows with unrelated processes' argv. The
 * client still decides what is a console.
 *
 * Host text never frames a record either: /proc/PID/stat, cmdline and status are read by
 * grep (`-z -H`: each NUL-ended element after its file's name; grep reads on past a file of a
 * process that ended, where sed and mawk stop), and the select awk prints each file's name
 * on a line of its own, then each element escaped as `sed l` does (`\n`, `\\`, octal) and
 * ended by `$`: no element can look like a file-name line. File names outside `[A-Za-z0-9._-]` are skipped
 * with a warning, and a pid file's content is printed only when it is a number.
 *
 * ironic.conf never leaves the host whole: only section headers and the few keys the
 * observe stage needs are printed (the file holds DB and Keystone passwords); of
 * `[vnc]container_host` only whether it is set. Password
 * files (`*.pw`) are only stat'ed, never read.
 */

/** Directories always looked at for pid and password files (Ironic's and kolla's defaults). */
export const DEFAULT_FILE_DIRS = ['/tmp', '/var/lib/ironic/tmp'] as const;

export interface ProbeScriptOptions {
  /** Marks section headers; letters and digits only. */
  readonly nonce: string;
  /** `proc` skips ss and reads /proc/net/tcp{,6} and fd links (what happens when ss is missing). */
  readonly sockets?: 'auto' | 'proc';
}

/**
 * Reads ironic.conf (filtered) and stats pid/pw files. Runs in a subshell of the probe
 * (`eval`, no new program) on the host, or as `sh -c` inside the conductor's container. Arguments: marker, conf path, directories (one a line).
 * `stat` without -L: a symlink is reported as one (type in `%f`), never followed. A pid
 * file is read (with the shell's `read`) only when it is a regular file of at most 64 bytes.
 */
const FILES_SCRIPT = `M=$1; conf=$2; dirs=$3
sec() { printf '\\n%s %s@@\\n' "$M" "$1"; }
warn() { printf '\\n%s warning@@\\n%s\\n' "$M" "$1"; }
safe() { LC_ALL=C; s=$1 o='' n=0
  while [ -n "$s" ] && [ $n -lt 200 ]; do
    r=\${s#?}; c=\${s%"$r"}; s=$r; n=$((n + 1))
    case $c in [A-Za-z0-9/._-]) o=$o$c ;; *) o="$o?" ;; esac
  done
  printf '%s' "$o"; }
c=''
if [ -r "$conf" ]; then if [ -n "\${cfok:-}" ]; then c=$cf; else c=$(${confSedFilter()}); fi
elif [ -e "$conf" ]; then warn "cannot read $conf"
else warn "$conf not found"; fi
sec conf
printf '%s\\n' "$c"
cdirs=''
while IFS= read -r d; do
  case $d in tempdir=*) cdirs="$cdirs
\${d#tempdir=}" ;; terminal_pid_dir=*) cdirs="$cdirs
\${d#terminal_pid_dir=}" ;; esac
done <<EOF
$c
EOF
all=''
while IFS= read -r d; do
  case $d in '') continue ;; esac
  case "$all
" in *"
$d
"*) continue ;; esac
  all="$all
$d"
done <<EOF
$dirs
$cdirs
EOF
set --
while IFS= read -r d; do
  [ -n "$d" ] && [ -d "$d" ] || continue
  if [ ! -r "$d" ] || [ ! -x "$d" ]; then warn "cannot read directory $d"; continue; fi
  for f in "$d"/*-*-*-*-*.pid "$d"/*-*-*-*-*.pw; do
    [ -f "$f" ] || [ -h "$f" ] || continue
    case \${f##*/} in
      *[!A-Za-z0-9._-]*) warn "skipped a file whose name is not Ironic's: $(safe "$f")"; continue ;;
    esac
    set -- "$@" "$f"
  done
done <<EOF
$all
EOF
sec files
st=''
[ $# -gt 0 ] && st=$(stat -c '%d %i %f %a %u %U %Y %s %n' -- "$@" 2>/dev/null)
[ -n "$st" ] && printf '%s\\n' "$st"
# Fields by the shell's own splitting, not \`read\`: dash reads a here-document a byte a call.
set -f; N='
'; pl=''
IFS=$N
for l in $st; do
  IFS=' '; set -- $l; IFS=$N
  [ $# = 9 ] || continue
  case $9 in *.pid) ;; *) continue ;; esac
  case $3 in 8???) ;; *) continue ;; esac
  if ! [ "$8" -le 64 ] 2>/dev/null; then pl="$pl$N- $9"
  elif [ -r "$9" ]; then pl="$pl$N+ $9"
  else warn "cannot read $9"; fi
done
sec pid-contents
for l in $pl; do
  f=\${l#? }; p=-
  case $l in '+ '*) p=''; { IFS=' ' read -r p _ || :; } < "$f" 2>/dev/null ;; esac
  case $p in ''|*[!0-9]*) p=- ;; esac
  printf '%s %s\\n' "$p" "$f"
done
exit 0`;

const SOCKETS_PROC = `sec proc-net-tcp
cat /proc/net/tcp 2>/dev/null
sec proc-net-tcp6
cat /proc/net/tcp6 2>/dev/null
sec fd
ls -l /proc/[0-9]*/fd 2>/dev/null | grep -e '^/proc/' -e 'socket:'`;


/** Directories to look in besides ironic.conf's: the defaults and the inventory's overrides. */
export function probeFileDirs(host: HostSpec): string[] {
  const overrides = [host.settings.tempdir, host.settings.terminalPidDir].filter(
    (dir): dir is string => dir !== undefined && dir !== '',
  );
  return [...new Set([...DEFAULT_FILE_DIRS, ...overrides])];
}

/**
 * Ironic's systemd console provider, only where its quadlet directories exist: the quadlet
 * files (stat only: they hold BMC credentials), and for each user with such a directory
 * its `ironic-console-*` units (`systemctl --user -M user@`) and, when those could be
 * listed, its rootless podman's containers (run from / with the user's runtime directory,
 * as podman needs). Needs root; a section comes only when its list did.
 */
const SYSTEMD_PROVIDER_SCRIPT = `qu=''
set -- ${QUADLET_USERS_DIR}/[0-9]*/containers/systemd
if [ -d "$1" ]; then
  sec quadlets
  for d in "$@"; do
    for f in "$d"/ironic-console-*.container; do { [ -e "$f" ] || [ -L "$f" ]; } && stat -c '%d %i %f %u %U %Y %n' -- "$f" 2>/dev/null; done
  done
  if [ "$U" != 0 ]; then warn "not root: the systemd console provider's user units and containers are not listed"
  else
    for d in "$@"; do
      id=\${d#${QUADLET_USERS_DIR}/}; id=\${id%%/*}
      case $id in ''|*[!0-9]*) continue ;; esac
      u=$(getent passwd "$id" 2>/dev/null | cut -d: -f1)
      case $u in ''|*[!A-Za-z0-9_.-]*) warn "no user has uid $id (quadlet directory $d)"; continue ;; esac
      if out=$(systemctl --user -M "$u@" list-units --all --plain --no-legend --full 'ironic-console-*' 2>/dev/null); then
        sec units-$id; printf '%s\\n' "$out"; qu="$qu $id:$u"
        if command -v podman >/dev/null 2>&1; then
          if out=$(cd / && runuser -u "$u" -- env XDG_RUNTIME_DIR=/run/user/$id podman ps -a --no-trunc --format ${shellQuote(CONTAINER_PS_FORMAT)} 2>/dev/null); then
            sec user-podman-$id; printf '%s\\n' "$out"
          else warn "podman ps as $u failed: its console containers are not listed"; fi
        fi
      else warn "cannot list the user units of $u (uid $id): is its user manager running?"; fi
    done
    sec quadlet-users
    for v in $qu; do printf '%s\\n' "$v"; done
  fi
fi`;

/**
 * The \`container\` provider under a conductor that is not root (Debian's runs as ironic):
 * its podman is that user's, rootless. Listed, as root, for the users of the conductor and
 * its consoles ($uids) whose container storage exists (a user who never ran podman has
 * nothing to list, and nothing is created for it), in the user's runtime directory when
 * there is one (podman fails on another user's). Users listed above are not listed again.
 */
const ROOTLESS_PODMAN_SCRIPT = `if [ -n "$uids" ] && command -v podman >/dev/null 2>&1 && [ "$U" = 0 ]; then
  pu=''
  for id in $uids; do
    case " 0 $qu " in *" $id "*|*" $id:"*) continue ;; esac
    e=$(getent passwd "$id" 2>/dev/null) || continue
    u=\${e%%:*}; h=$(printf '%s' "$e" | cut -d: -f6)
    case $u in ''|*[!A-Za-z0-9_.-]*) continue ;; esac
    [ -d "$h/.local/share/containers/storage" ] || continue
    if [ -d "/run/user/$id" ]; then r="XDG_RUNTIME_DIR=/run/user/$id"; else r='-u XDG_RUNTIME_DIR'; fi
    if out=$(cd / && runuser -u "$u" -- env $r podman ps -a --no-trunc --format ${shellQuote(CONTAINER_PS_FORMAT)} 2>/dev/null); then
      sec user-podman-$id; printf '%s\\n' "$out"; pu="$pu $id:$u"
    else warn "podman ps as $u failed: its console containers are not listed"; fi
  done
  sec podman-users
  for v in $pu; do printf '%s\\n' "$v"; done
fi`;

/** The probe script for one host (pure). */
export function buildProbeScript(host: HostSpec, options: ProbeScriptOptions): string {
  if (!/^[A-Za-z0-9]+$/.test(options.nonce)) throw new Error('probe nonce must be alphanumeric');
  // ironic.conf read by the stat pass and filtered by the select awk, where the files part runs on the host.
  const confOnHost = host.container ? '' : ` ${shellQuote(host.ironicConf)}`;
  const sockets = options.sockets === 'proc' ? SOCKETS_PROC : `[ $L = 1 ] || {\nwarn 'ss missing: used /proc/net/tcp'\n${SOCKETS_PROC}\n}`;
  const filesRunner = host.container
    ? `${host.container.runtime} exec ${shellQuote(host.container.name)} sh -c "$files_script" sh "$M" ${shellQuote(host.ironicConf)} "$dirs" 2>/dev/null || warn ${shellQuote(`${host.container.runtime} exec ${host.container.name} failed`)}`
    : `(set -- "$M" ${shellQuote(host.ironicConf)} "$dirs"; eval "$files_script")`;
  // The whole script is one compound command: the shell reads all of it before running
  // any, so nothing it runs can swallow the rest of stdin.
  return `{
LC_ALL=C; export LC_ALL
# An old grep (before 3.6) takes options from GREP_OPTIONS: --color=always would break every record.
unset GREP_OPTIONS
PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:$PATH"; export PATH
M='@@cd ${options.nonce}'
sec() { printf '\\n%s %s@@\\n' "$M" "$1"; }
warn() { printf '\\n%s warning@@\\n%s\\n' "$M" "$1"; }
printf '%s probe 3@@\\n' "$M"
sec meta
v=''; { IFS= read -r v || :; } 2>/dev/null </proc/sys/kernel/random/boot_id
printf 'boot_id=%s\\n' "$v"
U=''; while read -r k _ e _; do [ "$k" = Uid: ] && { U=$e; break; }; done 2>/dev/null </proc/self/status
printf 'uid=%s\\n' "$U"
exec 4>&1
# mawk where there is one (Debian's default awk): the select pass costs gawk about twice as much.
A=awk; command -v mawk >/dev/null 2>&1 && A=mawk
L=0
${options.sockets === 'proc' ? '' : 'command -v ss >/dev/null 2>&1 && L=1\n'}sel=$({ ${PROC_READ} /proc/[0-9]*/stat /etc/passwd${confOnHost} 2>/dev/null; [ $L = 0 ] || { printf '%s ss\\000' "$M"; ss -tlnp 2>/dev/null; }; } | CF=${confOnHost === '' ? "''" : shellQuote(host.ironicConf)} $A -v M="$M" -v CUT=${CMDLINE_MAX_LINE_BYTES} -v L=$L ${shellQuote(SELECT_AWK)} 2>&1 >&4)
r=$?
exec 4>&-
${sockets}
sec netns
printf 'self self\\n'
uids='' dirs='' x='' cf='' cfok='' gu=''
set -f; N='
'; IFS=$N
for l in $sel; do
  v=\${l#? }
  case $l in
    'p '*) case $v in ''|*[!0-9]*) ;; *) [ /proc/$v/ns/net -ef /proc/$$/ns/net ] || printf '%s other\\n' "$v" ;; esac ;;
    'u '*) case $v in ''|*[!0-9]*) ;; *) case " $uids " in *" $v "*) ;; *) uids="$uids $v" ;; esac ;; esac ;;
    'd /'*) case $v in *[!A-Za-z0-9/._-]*) ;; *) dirs="$dirs
$v" ;; esac ;;
    'c '*) cf="$cf$N\${l#c }" ;;
    'g '*) case $v in ''|*[!0-9]*) ;; *) gu="$gu $v" ;; esac ;;
    *) [ -n "$x" ] || x=$l ;;
  esac
done
unset IFS; set +f
cf=\${cf#"$N"}
# The select pass's own error, when it failed (the client then names the host's words).
case $x in *@@*) x='(its message held a section marker)' ;; esac
if [ $r = 0 ]; then cfok=${confOnHost === '' ? "''" : '1'}; else warn "${SELECT_PASS_FAILED} ($A) failed (exit status $r)\${x:+: $x}"; fi
# The select pass named the users it found in /etc/passwd; getent (NSS) only for the others.
[ $r = 0 ] || gu=$uids
if [ -n "$gu" ] || [ $r != 0 ]; then
  sec passwd
  if command -v getent >/dev/null 2>&1; then getent passwd $gu 2>/dev/null | while IFS=: read -r n _ v _; do printf '%s:%s\\n' "$n" "$v"; done
  elif [ $r != 0 ]; then cut -d: -f1,3 /etc/passwd 2>/dev/null; fi
fi
for e in podman docker; do
  command -v $e >/dev/null 2>&1 || continue
  # A docker client without an engine (no socket, no DOCKER_HOST) is normal: nothing to list.
  [ $e = podman ] || [ -S /var/run/docker.sock ] || [ -S /run/docker.sock ] || [ -n "\${DOCKER_HOST:-}" ] || continue
  # The section comes only when the list did: a missing one means "not listed", never "none".
  if out=$($e ps -a --no-trunc --format ${shellQuote(CONTAINER_PS_FORMAT)} 2>/dev/null); then sec containers-$e; printf '%s\\n' "$out"
  else warn "$e ps failed: its console containers are not listed"; fi
done
${SYSTEMD_PROVIDER_SCRIPT}
${ROOTLESS_PODMAN_SCRIPT}
dirs=$(printf '%s\\n' ${probeFileDirs(host).map(shellQuote).join(' ')} "$dirs")
files_script=${shellQuote(FILES_SCRIPT)}
${filesRunner}
sec end
exit 0
} </dev/null
`;
}
