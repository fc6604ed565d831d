#!/bin/bash
# Build (once) the root filesystem a lab of another Debian suite runs from, and print its
# path. `rootfs.sh trixie` -> /var/cache/console-doctor-lab/roots/trixie. The root holds that
# suite's real ironic-api, ironic-conductor, socat, ipmitool, openssh-server, procps and
# iproute2 (and shellinabox where the suite still has it), fetched with debootstrap from
# Debian's mirror and verified with the archive keyring. A root is rebuilt only when missing
# (or with --rebuild); a half-built one never counts (built in SUITE.tmp, renamed at the end).
#   rootfs.sh SUITE [--rebuild]      build if missing, print the path
#   rootfs.sh SUITE --keystone       the same, and Keystone (python3-keystone) in it
#   rootfs.sh SUITE --graphical      the same, and podman for graphical consoles (below)
#   rootfs.sh SUITE --path           print the path only
# sid's root always holds Keystone and podman: the matrix runs the newest Ironic behind
# Keystone, with graphical consoles (CDLAB_GRAPHICAL, Ironic's `container` provider).
# Podman there: podman, runc (crun refuses a host with hybrid cgroups: "cgroups in hybrid
# mode not supported"), nftables (netavark publishes ports with nft, only ever inside the
# lab's network namespaces) and busybox-static (the console image's only binary);
# /etc/containers/containers.conf selects runc, the cgroupfs manager (no systemd in the
# lab) and the file events logger (no journald).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

suite="${1:-}"; shift || true
[[ -n "$suite" ]] || die "usage: rootfs.sh SUITE [--rebuild|--keystone|--graphical|--path]..."
mode="" keystone=no graphical=no
for opt in "$@"; do
  case "$opt" in
    --rebuild|--path) mode="$opt" ;;
    --keystone) keystone=yes ;;
    --graphical) graphical=yes ;;
    *) die "rootfs.sh: unknown option $opt" ;;
  esac
done
case "$suite" in trixie|forky|sid) ;; *) die "no lab root for suite '$suite' (trixie, forky or sid; bookworm runs from this machine)" ;; esac
root="$CDLAB_ROOTS/$suite"
if [[ "$mode" == --path ]]; then echo "$root"; exit 0; fi
[[ $EUID -eq 0 ]] || die "building a lab root needs root (debootstrap)"
if [[ "$mode" == --rebuild ]]; then rm -rf "$root"; fi
[[ "$suite" == sid ]] && keystone=yes graphical=yes
GRAPHICAL_PKGS=(podman runc nftables busybox-static)
# What podman needs on this machine, inside a lab host (see the header).
write_containers_conf() { # write_containers_conf ROOT
  mkdir -p "$1/etc/containers/networks"
  cat >"$1/etc/containers/containers.conf" <<'CONF'
# console-doctor lab (rootfs.sh): podman inside a lab host (no systemd, hybrid cgroups).
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
}
apt_in() { # apt_in ROOT PACKAGE...: apt inside a root (its /proc mounted meanwhile)
  local r="$1"; shift
  mount -t proc proc "$r/proc"
  # The mirror here can be a dated snapshot whose testing/unstable Release files are past
  # their Valid-Until; signatures are still checked against the archive keyring.
  if chroot "$r" apt-get -o Acquire::Check-Valid-Until=false update -q && DEBIAN_FRONTEND=noninteractive chroot "$r" \
    apt-get install -y -q --no-install-recommends "$@"; then
    umount "$r/proc"
  else
    umount "$r/proc"
    return 1
  fi
}
if [[ -s "$root/.cdlab-root" ]]; then
  if [[ "$keystone" == yes && ! -x "$root/usr/bin/keystone-manage" ]]; then
    log "adding Keystone to the $suite lab root"
    apt_in "$root" python3-keystone >>"$CDLAB_ROOTS/$suite.log" 2>&1 || die "installing Keystone into $root failed: see $CDLAB_ROOTS/$suite.log"
    find "$root/var/cache/apt/archives" -name '*.deb' -delete 2>/dev/null || true
  fi
  if [[ "$graphical" == yes && ! ( -x "$root/usr/bin/podman" && -x "$root/usr/sbin/runc" && -x "$root/usr/sbin/nft"
        && -x "$root/bin/busybox" && -s "$root/etc/containers/containers.conf" ) ]]; then
    log "adding podman (graphical consoles) to the $suite lab root"
    apt_in "$root" "${GRAPHICAL_PKGS[@]}" >>"$CDLAB_ROOTS/$suite.log" 2>&1 || die "installing podman into $root failed: see $CDLAB_ROOTS/$suite.log"
    find "$root/var/cache/apt/archives" -name '*.deb' -delete 2>/dev/null || true
    write_containers_conf "$root"
  fi
  echo "$root"
  exit 0
fi
command -v debootstrap >/dev/null || die "debootstrap is missing: apt-get install debootstrap"

pkgs=(ironic-api ironic-conductor python3-pymysql python3-requests socat ipmitool openssh-server
  openssh-client procps iproute2 util-linux curl ca-certificates)
# shellinabox: Ironic deprecated its console in 29.0 (trixie) and removed it in 35.0.
[[ "$suite" == trixie ]] && pkgs+=(shellinabox)
[[ "$keystone" == yes ]] && pkgs+=(python3-keystone)
[[ "$graphical" == yes ]] && pkgs+=("${GRAPHICAL_PKGS[@]}")
mirror="${CDLAB_MIRROR:-http://deb.debian.org/debian}"

mkdir -p "$CDLAB_ROOTS"
tmp="$root.tmp"
rm -rf "$tmp"
log "building the $suite lab root in $root (debootstrap from $mirror; a few minutes)"
started=$SECONDS
buildlog="$CDLAB_ROOTS/$suite.log"
# A minimal base first, then apt inside it: debootstrap's own --include cannot resolve
# virtual packages (python3-cffi-backend-api-*, uwsgi-abi-*) and leaves Ironic unconfigured.
# Debian 12's debootstrap knows no "forky" script yet; every suite after trixie bootstraps
# the way sid does.
script=/usr/share/debootstrap/scripts/$suite
[[ -e "$script" ]] || script=/usr/share/debootstrap/scripts/sid
if ! debootstrap --variant=minbase "$suite" "$tmp" "$mirror" "$script" >"$buildlog" 2>&1; then
  tail -n 5 "$buildlog" >&2
  die "debootstrap $suite failed: see $buildlog"
fi
printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d"   # no service starts inside the root
chmod 755 "$tmp/usr/sbin/policy-rc.d"
if ! apt_in "$tmp" "${pkgs[@]}" >>"$buildlog" 2>&1; then
  tail -n 5 "$buildlog" >&2
  die "installing Ironic into the $suite root failed: see $buildlog"
fi
mkdir -p "$tmp/run/sshd" "$tmp/etc/ironic"
touch "$tmp/etc/ironic/ironic.conf"
[[ "$graphical" == yes ]] && write_containers_conf "$tmp"
# What the lab reports about the release it runs.
chroot "$tmp" dpkg-query -W -f '${Package} ${Version}\n' ironic-common ironic-conductor socat ipmitool \
  openssh-server shellinabox podman runc 2>/dev/null >"$tmp/.cdlab-versions" || true
apt_clean="$tmp/var/cache/apt/archives"
find "$apt_clean" -name '*.deb' -delete 2>/dev/null || true
echo "$suite built $(date -Is) in $((SECONDS - started)) s" >"$tmp/.cdlab-root"
mv "$tmp" "$root"
log "$suite lab root ready in $((SECONDS - started)) s: $(tr '\n' ' ' <"$root/.cdlab-versions")"
echo "$root"
