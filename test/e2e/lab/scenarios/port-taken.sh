#!/bin/bash
# A node's console daemon died (OOM) and another service took its port on the owner's
# address: Ironic still says the console is enabled on that port.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
scenario_begin port-taken
node="$(lab_py pick state=active console=socat port=fixed)"
uuid="$(json_get "$node" uuid)" owner="$(json_get "$node" owner)" port="$(json_get "$node" port)"
d="$(host_dir "$owner")"
pid="$(cat "$d/tmp/$uuid.pid")"
in_host "$owner" kill -KILL "$pid"
for _ in $(seq 1 50); do in_host "$owner" test -e "/proc/$pid" || break; sleep 0.1; done
in_host "$owner" setsid bash -c '
  /usr/bin/python3 -m http.server --bind "$1" "$2" </dev/null >/dev/null 2>&1 &
  echo $! >"$3/squatter.pid"' _ "$(host_addr "$owner")" "$port" "$d"
for _ in $(seq 1 50); do
  in_host "$owner" ss -Htln "sport = :$port" | grep -q . && break
  sleep 0.1
done
scenario_end "owner=conductor-$owner" "node=$uuid" "port=$port" "squatter_pid=$(cat "$d/squatter.pid")" "killed_pid=$pid"
