#!/bin/bash
# Tear the console-doctor lab down, by pid files only: killing a machine's PID-namespace
# init ends every process in it (conductors, sshd, console daemons, MariaDB, the API).
# Then the namespaces, the /etc/hosts block and $CDLAB_DIR go. Safe to run twice.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $EUID -eq 0 ]] || die "the lab needs root"

# Is PID still the process we started? (Its parent is our launcher, or it is gone.)
kill_init() { # kill_init DIR
  local dir="$1" pid launcher
  [[ -s "$dir/init.pid" ]] || return 0
  pid="$(cat "$dir/init.pid")"
  launcher="$(cat "$dir/launcher.pid" 2>/dev/null || echo 0)"
  if [[ -e "/proc/$pid" ]] && [[ "$(awk '/^PPid:/ {print $2}' "/proc/$pid/status" 2>/dev/null)" == "$launcher" ]]; then
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do [[ -e "/proc/$pid" ]] || break; sleep 0.1; done
    [[ -e "/proc/$pid" ]] && log "warning: $dir's init $pid is still alive"
  fi
  rm -f "$dir/init.pid"
}

# Graphical consoles: podman's cgroupfs manager made a cgroup per container in this
# machine's hierarchies (libpod_parent/libpod-<id>); killed with their host, nobody removes
# them. Their ids now, the empty directories after.
container_ids=()
if [[ "$CDLAB_GRAPHICAL" == yes ]]; then
  for h in "${LAB_HOSTS[@]}"; do
    [[ -s "$(host_dir "$h")/init.pid" && -e "/proc/$(cat "$(host_dir "$h")/init.pid")" ]] || continue
    mapfile -t -O "${#container_ids[@]}" container_ids < <(PODMAN_IGNORE_CGROUPSV1_WARNING=1 \
      timeout 20 nsenter -t "$(cat "$(host_dir "$h")/init.pid")" -m -p -r -w -- podman ps --all --quiet --no-trunc 2>/dev/null || true)
  done
fi

# Conductors first, gracefully where possible, so they unregister (not required, but tidy).
for h in "${LAB_HOSTS[@]}"; do
  d="$(host_dir "$h")"
  [[ -d "$d" ]] || continue
  kill_init "$d"
done
for id in "${container_ids[@]}"; do
  [[ "$id" =~ ^[0-9a-f]{64}$ ]] || continue
  for cg in /sys/fs/cgroup/*/libpod_parent/libpod-"$id" /sys/fs/cgroup/*/libpod_parent/libpod-"$id".scope; do
    [[ -d "$cg" ]] && { rmdir "$cg" 2>/dev/null || sleep 0.2; rmdir "$cg" 2>/dev/null || log "warning: $cg stays"; }
  done
done
[[ -d "$CDLAB_DIR/hub" ]] && kill_init "$CDLAB_DIR/hub"

for ns in "$HUB_NS" cdlab-a cdlab-b cdlab-c; do
  if ip netns list | grep -qw "^$ns"; then ip netns del "$ns"; fi
done

if grep -qF "$HOSTS_BEGIN" /etc/hosts; then
  # Rewrite in place (no rename): /etc/hosts may be a bind mount.
  kept="$(awk -v b="$HOSTS_BEGIN" -v e="$HOSTS_END" '$0 == b {skip = 1; next} $0 == e {skip = 0; next} !skip' /etc/hosts)"
  printf '%s\n' "$kept" >/etc/hosts
fi

case "$CDLAB_DIR" in
  /|/run|/tmp|/root|/home|"") die "refusing to remove CDLAB_DIR=$CDLAB_DIR" ;;
esac
rm -rf "$CDLAB_DIR"
log "lab down"
