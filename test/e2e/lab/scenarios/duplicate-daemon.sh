#!/bin/bash
# A second daemon for a node on its own conductor. Ironic makes one itself when the pid
# file of a running console goes (a /tmp cleaner such as systemd-tmpfiles): the next
# console start finds no pid to stop and starts another socat on a newly allocated port.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
scenario_begin duplicate-daemon
node="$(lab_py pick state=active console=socat port=range)"
uuid="$(json_get "$node" uuid)" owner="$(json_get "$node" owner)"
rm -f "$(host_dir "$owner")/tmp/$uuid.pid"
wait_console() { # wait_console UUID true|false
  for _ in $(seq 1 120); do
    [[ "$(ironic_api GET "/v1/nodes/$1?fields=console_enabled")" == *"\"console_enabled\": $2"* ]] && return 0
    sleep 0.5
  done
  die "console of $1 did not become $2"
}
ironic_api PUT "/v1/nodes/$uuid/states/console" '{"enabled": false}' >/dev/null
wait_console "$uuid" false
ironic_api PUT "/v1/nodes/$uuid/states/console" '{"enabled": true}' >/dev/null
wait_console "$uuid" true
lab_py settle
scenario_end "owner=conductor-$owner" "node=$uuid"
