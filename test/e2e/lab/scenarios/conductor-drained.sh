#!/bin/bash
# A conductor is drained (SIGUSR2, Ironic 2024.1+; not on bookworm's 21.4): it leaves the
# hash ring, waits for its reserved nodes (up to [DEFAULT]drain_shutdown_timeout) and
# exits. Its drain handler sends SIGTERM to its whole process group (os.kill(0, SIGTERM)),
# so its consoles end with it; the conductors that take its nodes over start the ACTIVE
# ones again, and the others' consoles stay enabled with no daemon anywhere.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
[[ "$CDLAB_IRONIC" != bookworm ]] || die "conductor-drained needs Ironic 2024.1 or later (CDLAB_IRONIC=trixie|forky|sid)"
scenario_begin conductor-drained
victim="${1:-$(lab_py victim)}"
d="$(host_dir "$victim")"
offset="$(stat -c %s "$d/conductor.log")"
stop_conductor "$victim" USR2
drained=no
tail -c +"$((offset + 1))" "$d/conductor.log" | grep -q 'Got signal SIGUSR2' && drained=yes
lab_py wait-conductor "$victim" dead
lab_py settle
scenario_end "victim=conductor-$victim" "drain_logged=$drained"
