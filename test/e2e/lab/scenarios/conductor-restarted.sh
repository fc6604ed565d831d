#!/bin/bash
# A conductor is stopped and started again (a rollout): while it was away others took
# its ACTIVE nodes over; back, it starts its consoles again and the copies stay.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
scenario_begin conductor-restarted
victim="${1:-$(lab_py victim)}"
stop_conductor "$victim" TERM
lab_py wait-conductor "$victim" dead
lab_py settle
lab_py state >"$CDLAB_DIR/facts/conductor-restarted.away.json"
start_conductor "$victim"
lab_py wait-conductor "$victim" alive
lab_py wait-restarted "$victim" "$CDLAB_DIR/facts/conductor-restarted.away.json"
lab_py settle
scenario_end "victim=conductor-$victim"
