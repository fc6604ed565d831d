#!/bin/bash
# An operator disables a console while its conductor is down: the API routes the request
# to the conductor that took the node over, which has no daemon to stop; the daemon on
# the dead conductor's host stays. The conductor comes back and leaves it alone.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
scenario_begin console-disabled-leftover
node="$(lab_py pick state=other)"
uuid="$(json_get "$node" uuid)" victim="$(json_get "$node" owner)"
stop_conductor "$victim" KILL
lab_py wait-conductor "$victim" dead
lab_py settle
ironic_api PUT "/v1/nodes/$uuid/states/console" '{"enabled": false}' >/dev/null
for _ in $(seq 1 120); do
  [[ "$(ironic_api GET "/v1/nodes/$uuid?fields=console_enabled")" == *'"console_enabled": false'* ]] && break
  sleep 0.5
done
start_conductor "$victim"
lab_py wait-conductor "$victim" alive
lab_py wait-restarted "$victim" "$SCENARIO_BEFORE"
lab_py settle
scenario_end "victim=conductor-$victim" "node=$uuid"
