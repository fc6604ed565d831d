#!/bin/bash
# Graphical consoles (CDLAB_GRAPHICAL=yes): a node is deleted while its conductor is dead
# (crashed: crash_conductor). The conductor it was mapped to has no container to remove
# (Ironic's takeover starts none for a non-ACTIVE node), so the container on the dead
# conductor's host outlives the node. The victim stays dead: a 39.0 conductor's start
# removes the containers labelled with its host.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
[[ "$CDLAB_GRAPHICAL" == yes ]] || die "graphical-node-deleted needs a lab with CDLAB_GRAPHICAL=yes"
scenario_begin graphical-node-deleted
node="$(lab_py pick console=graphical state=other)"
uuid="$(json_get "$node" uuid)" victim="$(json_get "$node" owner)"
crash_conductor "$victim"
lab_py wait-conductor "$victim" dead
lab_py settle
new_owner="$(json_get "$(lab_py node "$uuid")" owner)"
for _ in $(seq 1 60); do
  status="$(ironic_status DELETE "/v1/nodes/$uuid")"
  [[ "$status" != 409 ]] && break
  sleep 0.5
done
[[ "$(ironic_status GET "/v1/nodes/$uuid")" == 404 ]] || die "node $uuid was not deleted (DELETE answered $status)"
lab_py settle
stray="$(lab_py container "$victim" "$uuid")"
scenario_end "victim=conductor-$victim" "node=$uuid" "container=$(json_get "$stray" name)" \
  "stray_container=$stray" "new_owner=conductor-$new_owner"
