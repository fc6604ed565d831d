#!/bin/bash
# A conductor is stopped gracefully and lingers (measured on trixie's Ironic 29.0.5): on
# SIGTERM it deregisters at once (alive=false within a second) but its process runs on for
# [DEFAULT]graceful_shutdown_timeout (60 s), its consoles still running. The facts are taken
# while it lingers: the tool scans and fixes beside a conductor process that still runs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
[[ "$CDLAB_IRONIC" == trixie ]] || die "conductor-lingering is measured on trixie's Ironic 29.0 (CDLAB_IRONIC=trixie)"
scenario_begin conductor-lingering
victim="${1:-$(lab_py victim)}"
d="$(host_dir "$victim")"
pid="$(cat "$d/conductor.pid")"
in_host "$victim" kill -TERM "$pid"
log "conductor-$victim sent SIGTERM (pid $pid in its host); not waiting for it to exit"
lab_py wait-conductor "$victim" dead
lab_py settle
running() { in_host "$victim" sh -c '[ -e "/proc/$1" ] && ! grep -q "^State:.*Z" "/proc/$1/status" && echo yes || echo no' _ "$pid"; }
scenario_end "victim=conductor-$victim" "pid=$pid" "lingering=$(running)"
