#!/usr/bin/env bash
# Installs the Debian packages console-doctor's tests use (run as root on Debian 12):
# a real OpenSSH sshd, real console daemons, sudo (the least-privilege tests), and the
# real Ironic of the end-to-end lab; gawk and mawk, to run the probe's select pass in both.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
here=$(cd "$(dirname "$0")/.." && pwd)

packages=(openssh-server openssh-client socat shellinabox ipmitool iproute2 procps curl ca-certificates sudo gawk mawk)
if [ -f "$here/test/e2e/lab/packages.txt" ]; then
  while read -r p; do
    case "$p" in ''|'#'*) ;; *) packages+=("$p") ;; esac
  done < "$here/test/e2e/lab/packages.txt"
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update -q
  apt-get install -y -q "${missing[@]}"
fi
mkdir -p /run/sshd
