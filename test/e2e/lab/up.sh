#!/bin/bash
# Bring up the console-doctor lab: a real three-conductor Ironic 21.4 on this machine.
# Everything lives in network namespaces of its own (cdlab-hub, cdlab-a/b/c) on
# 10.254.77.0/24, which exists only inside them; all state is under $CDLAB_DIR.
# See README.md next to this file for the layout.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $EUID -eq 0 ]] || die "the lab needs root (network namespaces, /etc/hosts)"
for cmd in ip unshare nsenter mariadbd mariadb-install-db ironic-api ironic-conductor ironic-dbsync \
  sshd ssh-keygen socat shellinaboxd ipmitool curl; do
  command -v "$cmd" >/dev/null || [[ -x "/usr/sbin/$cmd" ]] || die "$cmd is missing: install test/e2e/lab/packages.txt"
done
case "$CDLAB_GRAPHICAL" in
  no) ;;
  # Ironic's `container` console provider (podman run per node) is new in 39.0; forky's 35.0
  # and trixie's 29.0 have only the systemd (quadlet, needs a user systemd) and kubernetes ones.
  yes) [[ "$CDLAB_IRONIC" == sid ]] || die "CDLAB_GRAPHICAL=yes needs Ironic's container console provider (39.0): use CDLAB_IRONIC=sid, not $CDLAB_IRONIC" ;;
  *) die "CDLAB_GRAPHICAL=$CDLAB_GRAPHICAL: expected yes or no" ;;
esac
if [[ -n "$CDLAB_ROOT" ]]; then
  root_options=()
  [[ "$CDLAB_KEYSTONE" == yes ]] && root_options+=(--keystone)
  [[ "$CDLAB_GRAPHICAL" == yes ]] && root_options+=(--graphical)
  bash "$LAB_SRC/rootfs.sh" "$CDLAB_IRONIC" "${root_options[@]}" >/dev/null
  for cmd in ironic-api ironic-conductor ironic-dbsync sshd socat ipmitool ps ss; do
    [[ -x "$CDLAB_ROOT/usr/bin/$cmd" || -x "$CDLAB_ROOT/usr/sbin/$cmd" || -x "$CDLAB_ROOT/bin/$cmd" ]] \
      || die "$cmd is missing in the $CDLAB_IRONIC root $CDLAB_ROOT: rebuild it (rootfs.sh $CDLAB_IRONIC --rebuild)"
  done
fi

[[ "$IPMI_CRED_ENV" == no || ( "$IPMI_CRED_ENV" == yes && -n "$CDLAB_ROOT" ) ]] \
  || die "CDLAB_IPMI_CRED_ENV=$IPMI_CRED_ENV: expected yes or no; [ipmi]store_cred_in_env needs Ironic 2024.2+ (trixie, forky, sid)"
if [[ "$CDLAB_KEYSTONE" == yes ]]; then
  [[ -n "$CDLAB_ROOT" ]] || die "CDLAB_KEYSTONE=yes runs the Keystone of a release root: use CDLAB_IRONIC=trixie, forky or sid"
  [[ -x "$CDLAB_ROOT/usr/bin/keystone-manage" ]] || die "keystone-manage is missing in $CDLAB_ROOT: rootfs.sh $CDLAB_IRONIC --keystone"
fi
if [[ "$CDLAB_GRAPHICAL" == yes ]]; then
  [[ -e "$(echo "$CDLAB_ROOT"/usr/lib/python3/dist-packages/ironic/console/container/container.py)" ]] \
    || die "CDLAB_GRAPHICAL=yes: the Ironic in $CDLAB_ROOT has no container console provider"
  [[ -x "$CDLAB_ROOT/usr/bin/podman" && -x "$CDLAB_ROOT/bin/busybox" ]] \
    || die "podman or busybox is missing in $CDLAB_ROOT: rootfs.sh $CDLAB_IRONIC --graphical"
fi

if [[ -s "$CDLAB_DIR/lab.ready" ]] && [[ -e "/proc/$(cat "$CDLAB_DIR/hub/init.pid" 2>/dev/null || echo 0)" ]]; then
  log "lab already up in $CDLAB_DIR"
  exit 0
fi
if [[ -e "$CDLAB_DIR" ]] || ip netns list | grep -q '^cdlab-'; then
  log "leftovers of an earlier lab found: tearing them down first"
  bash "$LAB_SRC/down.sh"
fi

started=$SECONDS
mkdir -p "$CDLAB_DIR"/{hub,mysql}
chmod 755 "$CDLAB_DIR"
echo "$CDLAB_IRONIC" >"$CDLAB_DIR/release"
echo "$JSON_RPC_PORT" >"$CDLAB_DIR/json-rpc-port"
echo "$IPMI_CRED_ENV" >"$CDLAB_DIR/ipmi-cred-env"
echo "$CDLAB_GRAPHICAL" >"$CDLAB_DIR/graphical"
log "Ironic from Debian $CDLAB_IRONIC${CDLAB_ROOT:+ (root $CDLAB_ROOT)}$([[ "$CDLAB_KEYSTONE" == yes ]] && echo ', behind Keystone')$([[ "$CDLAB_GRAPHICAL" == yes ]] && echo ', graphical consoles in podman')"

# --- keys -------------------------------------------------------------------------------
ssh-keygen -q -t ed25519 -N '' -C cdlab-client -f "$CDLAB_DIR/client_key"
cp "$CDLAB_DIR/client_key.pub" "$CDLAB_DIR/authorized_keys"
: >"$CDLAB_DIR/known_hosts"
for h in "${LAB_HOSTS[@]}"; do
  d="$(host_dir "$h")"
  mkdir -p "$d"/{tmp,ssh,state,lock}
  chmod 1777 "$d/tmp"
  ssh-keygen -q -t ed25519 -N '' -C "$(host_name "$h")" -f "$d/ssh/ssh_host_ed25519_key"
  echo "$(host_addr "$h") $(cut -d' ' -f1,2 "$d/ssh/ssh_host_ed25519_key.pub")" >>"$CDLAB_DIR/known_hosts"
done

# --- network ----------------------------------------------------------------------------
ip netns add "$HUB_NS"
ip -n "$HUB_NS" link set lo up
ip -n "$HUB_NS" link add br0 type bridge
ip -n "$HUB_NS" addr add "$HUB_ADDR/24" dev br0
ip -n "$HUB_NS" link set br0 up
for h in "${LAB_HOSTS[@]}"; do
  ns="$(host_ns "$h")"
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  ip -n "$HUB_NS" link add "veth-$h" type veth peer name eth0 netns "$ns"
  ip -n "$HUB_NS" link set "veth-$h" master br0 up
  ip -n "$ns" addr add "$(host_addr "$h")/24" dev eth0
  ip -n "$ns" link set eth0 up
done

# json-rpc reaches a conductor by its [DEFAULT]host name.
{
  echo "$HOSTS_BEGIN"
  for h in "${LAB_HOSTS[@]}"; do echo "$(host_addr "$h") $(host_name "$h")"; done
  echo "$HOSTS_END"
} >>/etc/hosts

# --- configuration ----------------------------------------------------------------------
db_socket="$CDLAB_DIR/mysql/mysqld.sock"
# 35.0+ takes several ranges (END exclusive, as Python's range): the first holds one port,
# so a conductor's second allocated console lands in the second range (five allocated
# consoles on three conductors: at least one does).
case "$CDLAB_IRONIC" in
  forky|sid) PORT_RANGE=10000:10001,10100:10199 ;;
  *) PORT_RANGE=10000:10099 ;;
esac
CONSOLES=fake,no-console,ipmitool-socat
[[ "$CDLAB_SHELLINABOX" == yes ]] && CONSOLES+=,ipmitool-shellinabox
[[ "$CDLAB_GRAPHICAL" == yes ]] && CONSOLES+=,fake-graphical
# Graphical consoles (CDLAB_GRAPHICAL=yes): Ironic 39.0's `container` provider runs
# `podman run ... --publish <host address>::5900 localhost/cdlab-console:latest` per node.
# token_timeout: the fake-graphical console's periodic task stops a console whose noVNC
# token is older than this (600 s by default), which would end every lab console mid-suite.
vnc_conf() { # vnc_conf ADDRESS
  [[ "$CDLAB_GRAPHICAL" == yes ]] || return 0
  cat <<CONF

[vnc]
enabled = True
container_provider = container
container_executable = podman
console_image = $CONSOLE_IMAGE
container_publish_port = $1::5900
wait_for_ready_timeout = 20
token_timeout = 86400
CONF
}
ironic_conf() { # ironic_conf HOSTNAME ADDRESS DIR LOGFILE
  cat <<CONF
[DEFAULT]
host = $1
auth_strategy = $(if [[ "$1" == cdlab-hub && "$CDLAB_KEYSTONE" == yes ]]; then echo keystone; else echo noauth; fi)
rpc_transport = json-rpc
debug = true
log_dir = $3
log_file = $4
state_path = $3/state
hash_ring_reset_interval = 5
enabled_hardware_types = ipmi,fake-hardware
enabled_boot_interfaces = fake,pxe
enabled_console_interfaces = $CONSOLES
enabled_deploy_interfaces = fake,direct
enabled_inspect_interfaces = fake,no-inspect
enabled_management_interfaces = fake,ipmitool
enabled_network_interfaces = noop
enabled_power_interfaces = fake,ipmitool
enabled_raid_interfaces = fake,no-raid
enabled_rescue_interfaces = fake,no-rescue
enabled_storage_interfaces = noop,fake
enabled_vendor_interfaces = fake,no-vendor,ipmitool
enabled_bios_interfaces = fake,no-bios

[api]
host_ip = 0.0.0.0
port = $API_PORT

[conductor]
heartbeat_interval = 2
heartbeat_timeout = 10
sync_power_state_interval = -1
sync_local_state_interval = 5
automated_clean = false

[console]
socat_address = $2
port_range = $PORT_RANGE

[database]
connection = mysql+pymysql://ironic:$DB_PASSWORD@localhost/ironic?unix_socket=$db_socket&charset=utf8

[dhcp]
dhcp_provider = none

[ipmi]
min_command_interval = 1
command_retry_timeout = 3
$([[ "$IPMI_CRED_ENV" == yes ]] && echo 'store_cred_in_env = True')

[json_rpc]
auth_strategy = noauth
host_ip = $2
port = $JSON_RPC_PORT

[keystone_authtoken]
auth_type = password
auth_url = http://$HUB_ADDR:$KEYSTONE_PORT/v3
www_authenticate_uri = http://$HUB_ADDR:$KEYSTONE_PORT/v3
username = ironic
password = $KEYSTONE_IRONIC_PASSWORD
project_name = service
user_domain_name = Default
project_domain_name = Default

[oslo_concurrency]
lock_path = $3/lock
$(vnc_conf "$2")
CONF
}
mkdir -p "$CDLAB_DIR/hub"/{state,lock}
ironic_conf cdlab-hub "$HUB_ADDR" "$CDLAB_DIR/hub" api.log >"$CDLAB_DIR/hub/ironic.conf"
for h in "${LAB_HOSTS[@]}"; do
  d="$(host_dir "$h")"
  ironic_conf "$(host_name "$h")" "$(host_addr "$h")" "$d" conductor.log >"$d/ironic.conf"
  cat >"$d/ssh/sshd_config" <<CONF
Port 22
ListenAddress $(host_addr "$h")
HostKey $d/ssh/ssh_host_ed25519_key
PidFile $d/sshd.pid
PermitRootLogin prohibit-password
AuthorizedKeysFile $CDLAB_DIR/authorized_keys
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PrintMotd no
Subsystem sftp internal-sftp
CONF
done

# --- machines: one PID + mount + UTS namespace each, its init's pid in init.pid -----------
start_machine() { # start_machine NETNS HOSTNAME DIR PRIVATE_TMP
  local ns="$1" name="$2" dir="$3" tmp="$4" launcher init=""
  rm -f "$dir/init.ready"
  setsid ip netns exec "$ns" unshare --pid --fork --mount-proc --mount --uts --propagation private \
    bash "$LAB_SRC/ns-init.sh" "$name" "$dir" "$tmp" "$CDLAB_ROOT" "$CDLAB_DIR" </dev/null >>"$dir/init.out" 2>&1 &
  launcher=$!
  echo "$launcher" >"$dir/launcher.pid"
  for _ in $(seq 1 100); do
    init="$(cat "/proc/$launcher/task/$launcher/children" 2>/dev/null | tr -d ' ')" || true
    [[ -n "$init" && -e "$dir/init.ready" ]] && break
    sleep 0.1
  done
  [[ -n "$init" && -e "$dir/init.ready" ]] || die "$name did not start: see $dir/init.out"
  echo "$init" >"$dir/init.pid"
}
in_machine() { local dir="$1"; shift; nsenter -t "$(cat "$dir/init.pid")" -n -p -m -u -- "$@"; }
# ironic-api and ironic-dbsync of the lab's release: inside its root when it has one.
in_release() { local dir="$1"; shift; in_machine "$dir" ${CDLAB_ROOT:+chroot "$CDLAB_ROOT"} "$@"; }

# Podman's runc needs the cgroup file systems, which `ip netns exec` hides (ns-init.sh).
[[ "$CDLAB_GRAPHICAL" == yes ]] && awk '$2 ~ "^/sys/fs/cgroup(/|$)" {print $3, $4, $2}' /proc/self/mounts >"$CDLAB_DIR/cgroup-mounts"

hub="$CDLAB_DIR/hub"
start_machine "$HUB_NS" cdlab-hub "$hub" no

log "starting MariaDB (unix socket only)"
mariadb-install-db --user=root --datadir="$CDLAB_DIR/mysql/data" --auth-root-authentication-method=socket \
  --skip-test-db >"$CDLAB_DIR/mysql/install.log" 2>&1 || die "mariadb-install-db failed: see $CDLAB_DIR/mysql/install.log"
in_machine "$hub" setsid bash -c '
  mariadbd --no-defaults --user=root --datadir="$1/data" --socket="$1/mysqld.sock" --pid-file="$1/mysqld.pid" \
    --skip-networking --log-error="$1/mysqld.log" --innodb-buffer-pool-size=64M </dev/null >/dev/null 2>&1 &' _ "$CDLAB_DIR/mysql"
for _ in $(seq 1 300); do [[ -S "$db_socket" ]] && break; sleep 0.1; done
[[ -S "$db_socket" ]] || die "MariaDB did not start: see $CDLAB_DIR/mysql/mysqld.log"
# A database, and a user of the same name, for one service: create_db NAME
create_db() {
  mariadb --socket="$db_socket" -uroot <<SQL
CREATE DATABASE $1 CHARACTER SET utf8mb3;
CREATE USER '$1'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON $1.* TO '$1'@'localhost';
SQL
}
# The version of a package in the release's root (or this machine), safe in a file name.
release_version() { in_release "$hub" dpkg-query -W -f '${Version}' "$1" 2>/dev/null | tr -c 'A-Za-z0-9.+~\n-' _; }
create_db ironic

# ironic-dbsync runs every migration since 2014 (40 s on sid under load, per lab start); its
# result is kept per Ironic build ($CDLAB_ROOTS/schema-<version>.sql) and loaded next time.
ironic_version="$(release_version ironic-common)"
schema="$CDLAB_ROOTS/schema-${ironic_version:-unknown}.sql"
if [[ -n "$ironic_version" && -s "$schema" ]]; then
  log "loading Ironic $ironic_version's schema ($schema)"
  mariadb --socket="$db_socket" -uroot ironic <"$schema" || die "loading $schema failed (delete it to run ironic-dbsync)"
else
  log "ironic-dbsync upgrade"
  in_release "$hub" ironic-dbsync --config-file /etc/ironic/ironic.conf upgrade >"$hub/dbsync.log" 2>&1 \
    || die "ironic-dbsync failed: see $hub/dbsync.log"
  if [[ -n "$ironic_version" ]]; then
    mkdir -p "$CDLAB_ROOTS"
    mariadb-dump --socket="$db_socket" -uroot ironic >"$schema.tmp" && mv "$schema.tmp" "$schema"
  fi
fi

if [[ "$CDLAB_KEYSTONE" == yes ]]; then
  # Keystone of the release root, its database beside Ironic's, served by a threaded wsgiref
  # server (keystone-serve.py); fernet tokens, valid 4 h (longer than a suite's run).
  ks="$hub/keystone"
  mkdir -p "$ks"/{fernet,credential}
  cp "$LAB_SRC/keystone-serve.py" "$ks/"
  cat >"$ks/keystone.conf" <<CONF
[DEFAULT]
log_file = $ks/keystone.log
[database]
connection = mysql+pymysql://keystone:$DB_PASSWORD@localhost/keystone?unix_socket=$db_socket&charset=utf8
[token]
provider = fernet
expiration = 14400
[fernet_tokens]
key_repository = $ks/fernet
[fernet_receipts]
key_repository = $ks/fernet
[credential]
key_repository = $ks/credential
CONF
  create_db keystone
  # db_sync, the key repositories and bootstrap take 25-50 s of Python starts; their result
  # (the database and both key repositories) is kept per Keystone build, like Ironic's schema.
  ks_version="$(release_version python3-keystone)"
  ks_cache="$CDLAB_ROOTS/keystone-${ks_version:-unknown}"
  if [[ -n "$ks_version" && -s "$ks_cache/keystone.sql" ]]; then
    log "loading Keystone $ks_version's bootstrapped database and keys ($ks_cache)"
    mariadb --socket="$db_socket" -uroot keystone <"$ks_cache/keystone.sql" || die "loading $ks_cache failed (delete it to bootstrap again)"
    cp -a "$ks_cache/fernet/." "$ks/fernet/"
    cp -a "$ks_cache/credential/." "$ks/credential/"
  else
    log "keystone-manage db_sync, fernet_setup, credential_setup, bootstrap"
    for step in db_sync "fernet_setup --keystone-user root --keystone-group root" \
      "credential_setup --keystone-user root --keystone-group root" \
      "bootstrap --bootstrap-password $KEYSTONE_ADMIN_PASSWORD --bootstrap-region-id RegionOne
        --bootstrap-admin-url http://$HUB_ADDR:$KEYSTONE_PORT/v3 --bootstrap-internal-url http://$HUB_ADDR:$KEYSTONE_PORT/v3
        --bootstrap-public-url http://127.0.0.1:$KEYSTONE_PORT/v3"; do
      # shellcheck disable=SC2086  # the step is words
      in_release "$hub" keystone-manage --config-file "$ks/keystone.conf" $step >>"$ks/manage.log" 2>&1 \
        || die "keystone-manage ${step%% *} failed: see $ks/manage.log"
    done
    if [[ -n "$ks_version" ]]; then
      rm -rf "$ks_cache.tmp"
      mkdir -p "$ks_cache.tmp"
      mariadb-dump --socket="$db_socket" -uroot keystone >"$ks_cache.tmp/keystone.sql" \
        && cp -a "$ks/fernet" "$ks/credential" "$ks_cache.tmp/" && rm -rf "$ks_cache" && mv "$ks_cache.tmp" "$ks_cache"
    fi
  fi
  log "starting Keystone on 0.0.0.0:$KEYSTONE_PORT (hub namespace)"
  in_release "$hub" setsid env OS_KEYSTONE_CONFIG_FILES="$ks/keystone.conf" bash -c '
    python3 "$1/keystone-serve.py" 0.0.0.0 "$2" </dev/null >>"$1/serve.out" 2>&1 &
    echo $! >"$1/serve.pid"' _ "$ks" "$KEYSTONE_PORT"
  for _ in $(seq 1 300); do
    in_hub curl -fsS -o /dev/null "http://127.0.0.1:$KEYSTONE_PORT/v3" 2>/dev/null && break
    sleep 0.2
  done
  in_hub curl -fsS -o /dev/null "http://127.0.0.1:$KEYSTONE_PORT/v3" || die "Keystone did not answer: see $ks/serve.out"
  echo "http://127.0.0.1:$KEYSTONE_PORT/v3" >"$CDLAB_DIR/keystone.url"
  lab_py keystone-setup "$KEYSTONE_ADMIN_PASSWORD" "$KEYSTONE_IRONIC_PASSWORD" "http://127.0.0.1:$API_PORT"
fi

log "starting ironic-api on $HUB_ADDR:$API_PORT and 127.0.0.1:$API_PORT (hub namespace)"
in_release "$hub" setsid bash -c '
  ironic-api --config-file /etc/ironic/ironic.conf </dev/null >>"$1/api.out" 2>&1 &
  echo $! >"$1/api.pid"' _ "$hub"
for _ in $(seq 1 300); do
  in_hub curl -fsS -o /dev/null "http://127.0.0.1:$API_PORT/" 2>/dev/null && break
  sleep 0.2
done
in_hub curl -fsS -o /dev/null "http://127.0.0.1:$API_PORT/" || die "ironic-api did not answer: see $hub/api.log"

# The console image of graphical consoles: busybox-static alone, whose command answers every
# connection to 5900 with the RFB version line Ironic waits for ("RFB 003.008\n", 12 bytes:
# _wait_for_listen); STOPSIGNAL SIGKILL because busybox as the container's pid 1 ignores
# SIGTERM, which made every `rm --force` wait 10 s. Built once (podman import, podman save)
# per busybox build and recipe, kept in $CDLAB_ROOTS, loaded on each host (a fixed image id).
CONSOLE_IMAGE_RECIPE=v1
load_console_image() { # load_console_image HOST BUSYBOX_VERSION
  local h="$1" cache="$CDLAB_ROOTS/console-image-$CONSOLE_IMAGE_RECIPE-busybox-$2.tar" img="$CDLAB_DIR/console-image.tar"
  local d
  d="$(host_dir "$h")"
  if [[ ! -s "$img" && -s "$cache" ]]; then
    cp "$cache" "$img"
  elif [[ ! -s "$img" ]]; then
    log "building the console image $CONSOLE_IMAGE from busybox-static $2 (kept in $cache)"
    in_host "$h" bash -c '
      set -e
      work=$(mktemp -d)
      mkdir "$work/bin"
      cp /bin/busybox "$work/bin/busybox"
      tar -C "$work" -cf "$work.tar" bin
      podman import --change "CMD [\"/bin/busybox\", \"nc\", \"-ll\", \"-p\", \"5900\", \"-e\", \"/bin/busybox\", \"printf\", \"RFB 003.008\\\\n\"]" \
        --change "STOPSIGNAL SIGKILL" --change "EXPOSE 5900/tcp" "$work.tar" "$1"
      podman save --format docker-archive -o "$2" "$1"
      rm -rf "$work" "$work.tar"' _ "$CONSOLE_IMAGE" "$img.tmp" >>"$d/podman.log" 2>&1 \
      || die "building the console image failed: see $d/podman.log"
    mv "$img.tmp" "$img"
    cp "$img" "$cache.tmp" && mv "$cache.tmp" "$cache"
  fi
  in_host "$h" podman load -q -i "$img" >>"$d/podman.log" 2>&1 || die "podman load on $(host_name "$h") failed: see $d/podman.log"
}
[[ "$CDLAB_GRAPHICAL" == yes ]] && busybox_version="$(release_version busybox-static)"
for h in "${LAB_HOSTS[@]}"; do
  d="$(host_dir "$h")"
  start_machine "$(host_ns "$h")" "$(host_name "$h")" "$d" yes
  in_host "$h" /usr/sbin/sshd -f "$d/ssh/sshd_config" -E "$d/sshd.log"
  [[ "$CDLAB_GRAPHICAL" == yes ]] && load_console_image "$h" "$busybox_version"
  start_conductor "$h"
done

# --- what the tool needs -----------------------------------------------------------------
{
  echo "[ironic-conductor]"
  for h in "${LAB_HOSTS[@]}"; do
    echo "$(host_name "$h") ansible_host=$(host_addr "$h") ansible_user=root ansible_ssh_private_key_file=$CDLAB_DIR/client_key"
  done
} >"$CDLAB_DIR/inventory.ini"
printf 'OS_AUTH_TYPE=none\nOS_ENDPOINT=http://127.0.0.1:%s\n' "$API_PORT" >"$CDLAB_DIR/env"
if [[ "$CDLAB_KEYSTONE" == yes ]]; then
  # Two clouds of one admin user: the system scope Ironic 2025.1+ wants, and its project scope.
  cat >"$CDLAB_DIR/clouds.yaml" <<YAML
clouds:
  cdlab-system:
    auth:
      auth_url: http://127.0.0.1:$KEYSTONE_PORT/v3
      username: admin
      password: $KEYSTONE_ADMIN_PASSWORD
      user_domain_name: Default
      system_scope: all
    region_name: RegionOne
  cdlab-project:
    auth:
      auth_url: http://127.0.0.1:$KEYSTONE_PORT/v3
      username: admin
      password: $KEYSTONE_ADMIN_PASSWORD
      user_domain_name: Default
      project_name: admin
      project_domain_name: Default
    region_name: RegionOne
YAML
  chmod 600 "$CDLAB_DIR/clouds.yaml"
  printf 'OS_CLIENT_CONFIG_FILE=%s\nOS_CLOUD=cdlab-system\n' "$CDLAB_DIR/clouds.yaml" >"$CDLAB_DIR/env"
fi

for h in "${LAB_HOSTS[@]}"; do
  in_hub ssh -o BatchMode=yes -o UserKnownHostsFile="$CDLAB_DIR/known_hosts" -o StrictHostKeyChecking=yes \
    -i "$CDLAB_DIR/client_key" "root@$(host_addr "$h")" true || die "ssh to $(host_name "$h") failed"
done

log "enrolling nodes and enabling consoles"
lab_py setup

echo "up in $((SECONDS - started)) s at $(date -Is)" >"$CDLAB_DIR/lab.ready"
log "lab up in $((SECONDS - started)) s: $CDLAB_DIR (inventory.ini, known_hosts, env)"
