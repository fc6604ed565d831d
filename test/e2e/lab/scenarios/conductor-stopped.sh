#!/bin/bash
# A conductor is stopped gracefully (systemctl stop): Ironic's shutdown does not stop its
# consoles; the conductors that take its nodes over start copies of the ACTIVE ones.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
scenario_begin conductor-stopped
victim="${1:-$(lab_py victim)}"
stop_conductor "$victim" TERM
lab_py wait-conductor "$victim" dead
lab_py settle
scenario_end "victim=conductor-$victim"
