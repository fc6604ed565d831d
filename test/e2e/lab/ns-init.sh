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
#
# The root directory is shared by the three conductor hosts, so what a host's podman keeps
# (graphical consoles) is made the host's own: a tmpfs on /run (/run/containers, /run/libpod,
# netavark's state; /var/run is a link to it; /run/sshd made again) and, from DIR/podman/,
# /var/lib/containers (images, containers), /var/tmp (podman's copy area) and
# /etc/containers/networks. Each host's `podman ps` lists only its own containers.
# `ip netns exec` gave this machine a sysfs of its network namespace, without the cgroup
# file systems below /sys/fs/cgroup that runc needs; with LABDIR/cgroup-mounts (up.sh writes
# it in the graphical variant: this machine's cgroup mounts) they are mounted again in the
# root, the same hierarchies (no cgroup namespace: the containers' cgroups are this machine's).
set -euo pipefail
name="$1" dir="$2" private_tmp="$3" root="${4:-}" labdir="${5:-}"

hostname "$name"
mount --bind "$dir/ironic.conf" /etc/ironic/ironic.conf
if [[ -n "$root" ]]; then
  mount --bind "$root" "$root"          # a mount of its own, so nothing below leaks into the cache
  if [[ "$private_tmp" == yes ]]; then
    mount -t tmpfs -o mode=755 cdlab-run "$root/run"
    mkdir -p "$root/run/sshd" "$root/run/lock"
    mkdir -p "$dir/podman"/{storage,vartmp,networks} "$root/etc/containers/networks" "$root/var/lib/containers"
    chmod 1777 "$dir/podman/vartmp"
    mount --bind "$dir/podman/storage" "$root/var/lib/containers"
    mount --bind "$dir/podman/vartmp" "$root/var/tmp"
    mount --bind "$dir/podman/networks" "$root/etc/containers/networks"
  fi
  mount -t proc proc "$root/proc"
  mount --rbind /dev "$root/dev"
  mount --rbind /sys "$root/sys"
  if [[ "$private_tmp" == yes && -s "$labdir/cgroup-mounts" ]]; then
    while read -r fstype options mountpoint; do
      mkdir -p "$root$mountpoint"
      mount -t "$fstype" -o "$options" "$fstype" "$root$mountpoint"
    done <"$labdir/cgroup-mounts"
  fi
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
