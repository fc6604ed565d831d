#!/bin/bash
# PID 1 of one lab machine (the hub or a conductor host), run by up.sh through
# `unshare --pid --fork --mount-proc --mount --uts`. It gives the machine its own
# hostname, its own /etc/ironic/ironic.conf and (conductor hosts) a private /tmp, then
# only reaps children. Killing this process ends every process of the machine.
#
# With a release root (ROOT, built by rootfs.sh), the same is set up inside that root:
# its own /proc (this PID namespace), /dev, /sys, the lab directory at the same path, the
# machine's /etc/hosts; a conductor host then chroots into it for good, so its sshd,
# conductor, socat and ps are that release's. The hub stays on this machine's root (it
# runs MariaDB) and runs only ironic-api and ironic-dbsync inside ROOT (up.sh).
set -euo pipefail
name="$1" dir="$2" private_tmp="$3" root="${4:-}" labdir="${5:-}"

hostname "$name"
mount --bind "$dir/ironic.conf" /etc/ironic/ironic.conf
if [[ -n "$root" ]]; then
  mount --bind "$root" "$root"          # a mount of its own, so nothing below leaks into the cache
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  mount --rbind /sys "$root/sys"
  mkdir -p "$root$labdir"
  mount --bind "$labdir" "$root$labdir"
  mount --bind /etc/hosts "$root/etc/hosts"
  mount --bind "$dir/ironic.conf" "$root/etc/ironic/ironic.conf"
  if [[ "$private_tmp" == yes ]]; then
    mount --bind "$dir/tmp" "$root/tmp"
  else
    mkdir -p "$dir/roottmp" && chmod 1777 "$dir/roottmp"
    mount --bind "$dir/roottmp" "$root/tmp"
  fi
  # The root by its working directory from here on: a root under /tmp (CDLAB_ROOTS=/tmp/…)
  # is hidden by the private /tmp mounted next.
  cd "$root"
fi
if [[ "$private_tmp" == yes ]]; then
  mount --bind "$dir/tmp" /tmp
fi
echo ready >"$dir/init.ready"

# As PID 1, bash reaps orphans (conductors' daemonised shellinaboxd, exited sessions).
reap='trap "exit 0" TERM; while :; do sleep 3600 & wait $! || true; done'
if [[ -n "$root" && "$private_tmp" == yes ]]; then
  exec chroot . /bin/bash -c "$reap"
fi
eval "$reap"
