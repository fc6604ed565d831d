#!/bin/bash
# console-doctor against a real multi-conductor Ironic: bring the lab up, kill a conductor
# the way an OOM killer would, let Ironic "recover", then scan, fix and scan again.
#   demo.sh            leave the lab up afterwards (look around; down.sh ends it)
#   demo.sh --down     tear it down at the end
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
REPO="$(cd "$LAB_SRC/../../.." && pwd)"

teardown=no
for arg in "$@"; do
  case "$arg" in
    --down) teardown=yes ;;
    --keep) teardown=no ;;
    *) die "usage: demo.sh [--down|--keep]" ;;
  esac
done
[[ -f "$REPO/dist/cli/main.js" ]] || die "build first: npm run build (dist/cli/main.js is missing)"

banner() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }
tool() {
  in_hub env OS_AUTH_TYPE=none "OS_ENDPOINT=http://127.0.0.1:$API_PORT" "XDG_STATE_HOME=$CDLAB_DIR/tool-state" \
    node "$REPO/bin/console-doctor.js" "$@" -i "$CDLAB_DIR/inventory.ini" --known-hosts-file "$CDLAB_DIR/known_hosts"
}
show_consoles() {
  for h in "${LAB_HOSTS[@]}"; do
    echo "--- $(host_name "$h") ($(host_addr "$h")): console daemons"
    in_host "$h" ps -eo pid,ppid,args -ww | awk 'NR == 1 || /socat -T|shellinaboxd/' | cut -c1-150
  done
}

banner "lab up (three conductors, nine nodes, consoles enabled)"
bash "$LAB_SRC/up.sh"
show_consoles

banner "kill -9 one conductor and wait for Ironic's takeover"
bash "$LAB_SRC/scenarios/conductor-killed.sh"
show_consoles

set +e
banner "console-doctor scan"
tool scan; echo "(exit code $?)"
banner "console-doctor fix --yes"
tool fix --yes; echo "(exit code $?)"
banner "console-doctor scan (again)"
tool scan; echo "(exit code $?)"
banner "console-doctor history (the audit trail)"
XDG_STATE_HOME="$CDLAB_DIR/tool-state" node "$REPO/bin/console-doctor.js" history --limit 5
run_id="$(XDG_STATE_HOME="$CDLAB_DIR/tool-state" node "$REPO/bin/console-doctor.js" history --json --limit 20 |
  python3 -c 'import json, sys; print(next(r["id"] for r in json.load(sys.stdin)["runs"] if r["command"] == "fix"))')"
XDG_STATE_HOME="$CDLAB_DIR/tool-state" node "$REPO/bin/console-doctor.js" history show "$run_id"
set -e
show_consoles

if [[ "$teardown" == yes ]]; then
  bash "$LAB_SRC/down.sh"
else
  banner "the lab stays up: bash test/e2e/lab/down.sh ends it (see test/e2e/lab/README.md)"
fi
