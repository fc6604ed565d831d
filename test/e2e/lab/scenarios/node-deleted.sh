#!/bin/bash
# A node is deleted while its conductor is down: the conductor that took it over has no
# daemon to stop, so the daemon on the dead conductor's host outlives the node.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
scenario_begin node-deleted
node="$(lab_py pick state=other)"
uuid="$(json_get "$node" uuid)" victim="$(json_get "$node" owner)"
stop_conductor "$victim" KILL
lab_py wait-conductor "$victim" dead
lab_py settle
for _ in $(seq 1 60); do
  status="$(ironic_status DELETE "/v1/nodes/$uuid")"
  [[ "$status" != 409 ]] && break
  sleep 0.5
done
[[ "$(ironic_status GET "/v1/nodes/$uuid")" == 404 ]] || die "node $uuid was not deleted (DELETE answered $status)"
start_conductor "$victim"
lab_py wait-conductor "$victim" alive
lab_py wait-restarted "$victim" "$SCENARIO_BEFORE"
lab_py settle
scenario_end "victim=conductor-$victim" "node=$uuid"
