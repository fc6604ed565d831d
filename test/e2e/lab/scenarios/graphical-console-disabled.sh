#!/bin/bash
# Graphical consoles (CDLAB_GRAPHICAL=yes): an operator disables a graphical console while
# its conductor is dead (crashed: crash_conductor). The conductor that took the ACTIVE node
# over had started a container of its own; the API routes the disable to it and it removes
# that one (rm --force by name, on its own host). The container on the dead conductor's host
# stays. The victim stays dead: a 39.0 conductor's start removes the containers labelled
# with its host.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
[[ "$CDLAB_GRAPHICAL" == yes ]] || die "graphical-console-disabled needs a lab with CDLAB_GRAPHICAL=yes"
scenario_begin graphical-console-disabled
node="$(lab_py pick console=graphical state=active)"
uuid="$(json_get "$node" uuid)" victim="$(json_get "$node" owner)"
crash_conductor "$victim"
lab_py wait-conductor "$victim" dead
lab_py settle
new_owner="$(json_get "$(lab_py node "$uuid")" owner)"
takeover="$(lab_py container "$new_owner" "$uuid")"
for _ in $(seq 1 60); do  # 409 while the node is locked (a takeover wave)
  status="$(ironic_curl PUT "/v1/nodes/$uuid/states/console" --data '{"enabled": false}' -o /dev/null -w '%{http_code}')"
  [[ "$status" != 409 ]] && break
  sleep 0.5
done
[[ "$status" == 202 ]] || die "disabling the console of $uuid answered $status"
for _ in $(seq 1 120); do
  [[ "$(ironic_api GET "/v1/nodes/$uuid?fields=console_enabled")" == *'"console_enabled": false'* ]] && break
  sleep 0.5
done
[[ "$(ironic_api GET "/v1/nodes/$uuid?fields=console_enabled")" == *'"console_enabled": false'* ]] \
  || die "the console of $uuid is still enabled"
lab_py settle
stray="$(lab_py container "$victim" "$uuid")"
scenario_end "victim=conductor-$victim" "node=$uuid" "container=$(json_get "$stray" name)" \
  "stray_container=$stray" "new_owner=conductor-$new_owner" "takeover_container=$takeover"
