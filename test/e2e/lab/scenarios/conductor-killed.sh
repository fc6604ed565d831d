#!/bin/bash
# A conductor dies (kill -9, OOM, host hang): its console daemons keep running; the
# conductors that take its nodes over start second daemons for the ACTIVE ones.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
scenario_begin conductor-killed
victim="${1:-$(lab_py victim)}"
stop_conductor "$victim" KILL
lab_py wait-conductor "$victim" dead
lab_py settle
scenario_end "victim=conductor-$victim"
