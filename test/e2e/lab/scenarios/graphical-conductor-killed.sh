#!/bin/bash
# Graphical consoles (CDLAB_GRAPHICAL=yes): a conductor crashes (kill -9 of its master and
# worker processes: lib.sh's crash_conductor; a SIGKILL of the master alone lets the worker
# stop gracefully and remove its containers) while it runs console containers. conmon is no
# child of the conductor (it double-forks to the host's pid 1, a session of its own), so the
# containers keep running and publishing; the conductor that takes over an ACTIVE node starts
# its own container for it. The victim stays dead: a 39.0 conductor's start removes every
# container labelled with its own host, which would repair the leak.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
[[ "$CDLAB_GRAPHICAL" == yes ]] || die "graphical-conductor-killed needs a lab with CDLAB_GRAPHICAL=yes"
scenario_begin graphical-conductor-killed
victim="${1:-$(lab_py victim graphical)}"
node="$(lab_py pick console=graphical state=active "owner=$victim")"
uuid="$(json_get "$node" uuid)"
crash_conductor "$victim"
lab_py wait-conductor "$victim" dead
lab_py settle
stray="$(lab_py container "$victim" "$uuid")"
new_owner="$(json_get "$(lab_py node "$uuid")" owner)"
new="$(lab_py container "$new_owner" "$uuid")"
scenario_end "victim=conductor-$victim" "node=$uuid" "container=$(json_get "$stray" name)" \
  "stray_container=$stray" "new_owner=conductor-$new_owner" "new_container=$new"
