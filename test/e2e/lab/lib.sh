# Shared settings and helpers of the console-doctor lab. Sourced by up.sh, down.sh,
# the scenarios and demo.sh; defines no behaviour of its own.
# shellcheck shell=bash

CDLAB_DIR="${CDLAB_DIR:-/run/cdlab}"
LAB_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LAB_PY=/usr/bin/python3

HUB_NS=cdlab-hub
SUBNET_PREFIX=10.254.77
HUB_ADDR="${SUBNET_PREFIX}.1"
API_PORT=6385
# A non-default [json_rpc]port makes Ironic 23.0+ register conductors as host:port
# (CDLAB_JSON_RPC_PORT=8090); a running lab keeps the port it was started with.
if [[ -s "$CDLAB_DIR/json-rpc-port" ]]; then
  JSON_RPC_PORT="$(cat "$CDLAB_DIR/json-rpc-port")"
else
  JSON_RPC_PORT="${CDLAB_JSON_RPC_PORT:-8089}"
fi
# CDLAB_IPMI_CRED_ENV=yes sets [ipmi]store_cred_in_env: ipmitool gets -E, the password sits in
# socat's environment and no .pw file is written (the option exists from 2024.2; not on bookworm).
if [[ -s "$CDLAB_DIR/ipmi-cred-env" ]]; then
  IPMI_CRED_ENV="$(cat "$CDLAB_DIR/ipmi-cred-env")"
else
  IPMI_CRED_ENV="${CDLAB_IPMI_CRED_ENV:-no}"
fi
# CDLAB_GRAPHICAL=yes: graphical (VNC) consoles too (issue 14): Ironic 39.0's `container`
# console provider runs one podman container per fake-graphical node on its conductor host,
# from a console image the lab builds locally (sid only; up.sh checks). Kept like the above.
if [[ -s "$CDLAB_DIR/graphical" ]]; then
  CDLAB_GRAPHICAL="$(cat "$CDLAB_DIR/graphical")"
else
  CDLAB_GRAPHICAL="${CDLAB_GRAPHICAL:-no}"
fi
# The image every graphical console runs ([vnc]console_image): busybox-static answering the
# RFB version line on 5900; built once per busybox build, cached in $CDLAB_ROOTS, loaded on
# each conductor host at lab start (no registry is reachable, `--pull missing` finds it).
CONSOLE_IMAGE=localhost/cdlab-console:latest
LAB_HOSTS=(a b c)
HOSTS_BEGIN="# BEGIN console-doctor lab (${CDLAB_DIR})"
HOSTS_END="# END console-doctor lab (${CDLAB_DIR})"
DB_PASSWORD=cdlab-db-secret

# Which Ironic the lab runs: a Debian suite. bookworm (Ironic 21.4, the default) runs from
# this machine's packages; trixie (29.0), forky (35.0) and sid (39.0) run from a root
# filesystem built by rootfs.sh under $CDLAB_ROOTS. A running lab keeps the suite it was
# started with ($CDLAB_DIR/release), whatever the environment says later.
CDLAB_ROOTS="${CDLAB_ROOTS:-/var/cache/console-doctor-lab/roots}"
if [[ -s "$CDLAB_DIR/release" ]]; then
  CDLAB_IRONIC="$(cat "$CDLAB_DIR/release")"
else
  CDLAB_IRONIC="${CDLAB_IRONIC:-bookworm}"
fi
case "$CDLAB_IRONIC" in
  bookworm) CDLAB_ROOT="" ;;
  trixie|forky|sid) CDLAB_ROOT="$CDLAB_ROOTS/$CDLAB_IRONIC" ;;
  *) printf '[cdlab] error: CDLAB_IRONIC=%s: expected bookworm, trixie, forky or sid\n' "$CDLAB_IRONIC" >&2; exit 1 ;;
esac
# CDLAB_KEYSTONE=yes: a real Keystone (the release root's python3-keystone) in the hub, and
# Ironic's API behind keystonemiddleware with the release's default policies (token scope
# enforced from 2025.1 on). A running lab keeps what it was started with.
if [[ -e "$CDLAB_DIR/keystone.url" ]]; then
  CDLAB_KEYSTONE=yes
elif [[ -s "$CDLAB_DIR/release" ]]; then
  CDLAB_KEYSTONE=no
fi
CDLAB_KEYSTONE="${CDLAB_KEYSTONE:-no}"
KEYSTONE_PORT=5000
KEYSTONE_ADMIN_PASSWORD=cdlab-admin-secret
KEYSTONE_IRONIC_PASSWORD=cdlab-ironic-secret
# Ironic removed the ipmitool-shellinabox console in 35.0 (forky, sid).
case "$CDLAB_IRONIC" in
  bookworm|trixie) CDLAB_SHELLINABOX=yes ;;
  *) CDLAB_SHELLINABOX=no ;;
esac

log() { printf '[cdlab %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[cdlab] error: %s\n' "$*" >&2; exit 1; }

host_ns() { echo "cdlab-$1"; }
host_name() { echo "conductor-$1"; }
host_dir() { echo "${CDLAB_DIR}/hosts/$1"; }
host_addr() {
  case "$1" in
    a) echo "${SUBNET_PREFIX}.11" ;;
    b) echo "${SUBNET_PREFIX}.12" ;;
    c) echo "${SUBNET_PREFIX}.13" ;;
    *) die "unknown lab host '$1' (expected a, b or c)" ;;
  esac
}
# Accepts "a" or "conductor-a".
host_short() { echo "${1#conductor-}"; }

# The root-namespace pid of a lab host's PID-namespace init (its "pid 1").
init_pid() {
  local f
  f="$(host_dir "$1")/init.pid"
  [[ -s "$f" ]] || die "lab host $1 is not running (no $f)"
  cat "$f"
}

# Run a command inside a lab host: its network, PID, mount and UTS namespaces, and its
# root directory (the suite's root filesystem when the lab runs another Debian release).
in_host() {
  local h="$1"; shift
  nsenter -t "$(init_pid "$h")" -n -p -m -u -r -w -- "$@"
}

# Run a command in the hub network namespace (where the API and the tool run).
in_hub() { ip netns exec "$HUB_NS" "$@"; }

# curl to the Ironic API from the hub, with a token when the lab runs Keystone:
# ironic_curl METHOD PATH [CURL-OPTION...]
ironic_curl() {
  local method="$1" path="$2"; shift 2
  local args=(-sS -X "$method" -H 'X-OpenStack-Ironic-API-Version: 1.82' -H 'Content-Type: application/json' "$@")
  [[ "$CDLAB_KEYSTONE" == yes ]] && args+=(-H "X-Auth-Token: $(lab_py token)")
  in_hub curl "${args[@]}" "http://127.0.0.1:${API_PORT}${path}"
}
# The body of an API call: ironic_api METHOD PATH [JSON-BODY]
ironic_api() {
  if [[ -n "${3:-}" ]]; then ironic_curl "$1" "$2" --data "$3"; else ironic_curl "$1" "$2"; fi
}
# Its HTTP status only: ironic_status METHOD PATH
ironic_status() { ironic_curl "$1" "$2" -o /dev/null -w '%{http_code}'; }

# The lab's Python helper (node setup, waiting for Ironic to settle).
lab_py() { in_hub env CDLAB_DIR="$CDLAB_DIR" CDLAB_IRONIC="$CDLAB_IRONIC" "$LAB_PY" "${LAB_SRC}/ironic_lab.py" "$@"; }

# Start a conductor inside its host, detached; its pid (inside the host) goes to conductor.pid.
start_conductor() {
  local h="$1" d
  d="$(host_dir "$h")"
  # Where this start's log begins: wait-restarted reads what the conductor said since.
  stat -c %s "$d/conductor.log" >"$d/conductor.log.offset" 2>/dev/null || echo 0 >"$d/conductor.log.offset"
  in_host "$h" setsid bash -c '
    ironic-conductor --config-file /etc/ironic/ironic.conf >>"$1/conductor.out" 2>&1 </dev/null &
    echo $! >"$1/conductor.pid"' _ "$d"
  log "conductor-$h started (pid in host $(cat "$d/conductor.pid"))"
}

# Signal a conductor by its pid file; waits until it is gone. signal_conductor HOST SIGNAL
stop_conductor() {
  local h="$1" sig="${2:-TERM}" d pid
  d="$(host_dir "$h")"
  [[ -s "$d/conductor.pid" ]] || { log "conductor-$h has no pid file: not running"; return 0; }
  pid="$(cat "$d/conductor.pid")"
  in_host "$h" bash -c '
    pid=$1 sig=$2
    kill -s "$sig" "$pid" 2>/dev/null || exit 0
    for _ in $(seq 1 300); do
      [ -e "/proc/$pid" ] && ! grep -q "^State:.*Z" "/proc/$pid/status" 2>/dev/null || exit 0
      sleep 0.1
    done
    echo "conductor pid $pid still alive after 30 s; sending KILL" >&2
    kill -KILL "$pid"' _ "$pid" "$sig"
  rm -f "$d/conductor.pid"
  log "conductor-$h stopped with SIG$sig (was pid $pid in its host)"
}

# A crash of a whole conductor service (kill -9 of every ironic-conductor process, as an
# OOM kill of the service or a SIGKILL of its cgroup does): its master process and its
# worker together. Ironic 32.0+ runs the conductor in a worker process under a master; a
# SIGKILL'd master alone makes the worker see its parent go and stop gracefully, which
# deregisters it at once and (39.0, graphical consoles) removes its console containers.
# Console daemons and conmon (each in a session of its own) are left alone. crash_conductor HOST
crash_conductor() {
  local h="$1" d pid
  d="$(host_dir "$h")"
  [[ -s "$d/conductor.pid" ]] || { log "conductor-$h has no pid file: not running"; return 0; }
  pid="$(cat "$d/conductor.pid")"
  in_host "$h" bash -c '
    pid=$1
    pids="$pid $(ps -eo pid=,ppid=,args= | awk -v p="$pid" '"'"'$2 == p && /ironic-conductor/ {print $1}'"'"')"
    kill -KILL $pids 2>/dev/null || true
    for _ in $(seq 1 100); do
      alive=0
      for p in $pids; do [ -e "/proc/$p" ] && ! grep -q "^State:.*Z" "/proc/$p/status" 2>/dev/null && alive=1; done
      [ "$alive" = 0 ] && exit 0
      sleep 0.1
    done
    echo "conductor processes $pids still alive after 10 s" >&2; exit 1' _ "$pid" || die "crashing conductor-$h failed"
  rm -f "$d/conductor.pid"
  log "conductor-$h crashed: SIGKILL to its master (pid $pid in its host) and workers"
}

# --- scenarios -------------------------------------------------------------------------
# Each scenario snapshots the lab before it breaks it, and writes $CDLAB_DIR/facts/NAME.json
# (what it did, which host and node, the state before and after) for the e2e tests.
scenario_begin() {
  SCENARIO="$1"
  SCENARIO_START=$SECONDS
  [[ -s "$CDLAB_DIR/lab.ready" ]] || die "the lab is not up: run test/e2e/lab/up.sh"
  mkdir -p "$CDLAB_DIR/facts"
  SCENARIO_BEFORE="$CDLAB_DIR/facts/$SCENARIO.before.json"
  lab_py state >"$SCENARIO_BEFORE"
  log "scenario $SCENARIO"
}
scenario_end() {
  lab_py facts "$SCENARIO" "$SCENARIO_BEFORE" "$@" "settle_seconds=$((SECONDS - SCENARIO_START))"
  log "scenario $SCENARIO settled in $((SECONDS - SCENARIO_START)) s: facts in $CDLAB_DIR/facts/$SCENARIO.json"
}
# JSON field of a one-line JSON object: json_get '{"a":1}' a
json_get() { "$LAB_PY" -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
