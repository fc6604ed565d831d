#!/bin/bash
# PID 1 of one lab machine (the hub or a conductor host), run by up.sh through
# `unshare --pid --fork --mount-proc --mount --uts`. It gives the machine its own
# hostname, its own /etc/ironic/ironic.conf and (conductor hosts) a private /tmp, then
# only reaps children. Killing this process ends every process of the machine.
set -euo pipefail
name="$1" dir="$2" private_tmp="$3"

hostname "$name"
mount --bind "$dir/ironic.conf" /etc/ironic/ironic.conf
if [[ "$private_tmp" == yes ]]; then
  mount --bind "$dir/tmp" /tmp
fi
echo ready >"$dir/init.ready"

# As PID 1, bash reaps orphans (conductors' daemonised shellinaboxd, exited sessions).
trap 'exit 0' TERM
while :; do
  sleep 3600 &
  wait $! || true
done
