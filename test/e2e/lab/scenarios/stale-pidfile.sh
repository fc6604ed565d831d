#!/bin/bash
# A pid file naming a dead process, on a host that does not own the node: what a daemon
# that died (OOM, a crash of a takeover copy) leaves behind. A later socat for this node on
# this host would refuse to start, because the lock file exists.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
scenario_begin stale-pidfile
node="$(lab_py pick state=active console=socat)"
uuid="$(json_get "$node" uuid)" owner="$(json_get "$node" owner)"
for h in "${LAB_HOSTS[@]}"; do [[ "$h" != "$owner" ]] && { host="$h"; break; }; done
# A real pid of this host that has just ended.
dead="$(in_host "$host" bash -c 'true & p=$!; wait $p; echo $p')"
in_host "$host" bash -c 'printf "%s\n" "$1" >"/tmp/$2.pid"' _ "$dead" "$uuid"
scenario_end "host=conductor-$host" "node=$uuid" "pid=$dead" "path=/tmp/$uuid.pid"
