#!/usr/bin/env bash
# Builds the offline bundle for hosts without a compiler or registry access:
#   artifacts/console-doctor-<version>.tgz                    (npm pack, prepack builds dist/)
#   artifacts/console-doctor-<version>-<platform>-<arch>.tar.gz
# The bundle is the npm package's files plus the production dependencies from
# package-lock.json, with the native modules this checkout's `npm ci` compiled copied in
# (same versions, checked by loading them with this node), and bin/console-doctor, a sh
# launcher that refuses a node older than 20.19 or with another native-module ABI.
set -euo pipefail
cd "$(dirname "$0")/.."

out=artifacts
version=$(node -p 'require("./package.json").version')
target=$(node -p 'process.platform + "-" + process.arch')
name=console-doctor-$version
stage=$out/stage
root=$stage/$name
bundle=$out/$name-$target.tar.gz

step() { printf 'bundle: %s\n' "$*" >&2; }
die() { printf 'bundle: %s\n' "$*" >&2; exit 1; }

# Native modules the bundle ships: package, the compiled file inside it, and whether the
# package works without it (ssh2 falls back to JavaScript crypto when its binding is absent).
native_modules=(
  better-sqlite3:build/Release/better_sqlite3.node:required
  ssh2:lib/protocol/crypto/build/Release/sshcrypto.node:optional
)
shipped=()

version_of() { node -p "require('./$1/package.json').version"; }

copy_native() {
  local pkg file need
  IFS=: read -r pkg file need <<<"$1"
  if [ ! -f "node_modules/$pkg/$file" ]; then
    [ "$need" = optional ] && { step "node_modules/$pkg/$file was not built: shipping $pkg without it"; return; }
    die "node_modules/$pkg/$file is missing: run npm ci (or npm rebuild $pkg) first"
  fi
  local ours theirs
  ours=$(version_of "node_modules/$pkg")
  theirs=$(version_of "$root/node_modules/$pkg")
  [ "$ours" = "$theirs" ] || die "node_modules/$pkg is $ours but package-lock.json wants $theirs: run npm ci first"
  mkdir -p "$(dirname "$root/node_modules/$pkg/$file")"
  cp "node_modules/$pkg/$file" "$root/node_modules/$pkg/$file"
  shipped+=("$root/node_modules/$pkg/$file")
}

# The newest glibc symbol version the native modules need (the oldest glibc they run on).
glibc_needed() {
  command -v objdump >/dev/null || { echo unknown; return; }
  objdump -T "${shipped[@]}" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -t. -k1,1n -k2,2n -k3,3n | tail -1
}

rm -rf "$stage"
mkdir -p "$stage"
step "npm pack (builds dist/)"
npm pack --pack-destination "$out" --silent >/dev/null
tar -xzf "$out/$name.tgz" -C "$stage"
mv "$stage/package" "$root"
cp package-lock.json "$root/"

step "production dependencies from package-lock.json"
(cd "$root" && npm ci --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund --silent)
for module in "${native_modules[@]}"; do copy_native "$module"; done
rm -rf "$root/node_modules/better-sqlite3/deps" # the SQLite sources it was compiled from
# Each shipped module must load with this node: the ABI recorded below is this node's.
for module in "${shipped[@]}"; do
  node -e 'process.dlopen({ exports: {} }, process.argv[1])' "$module" 2>/dev/null || die "$module does not load with $(command -v node) $(node --version): run npm rebuild better-sqlite3 ssh2"
done
(cd "$root" && node -e 'new (require("better-sqlite3"))(":memory:").prepare("select 1").get()') || die "the copied native modules do not load with $(command -v node) $(node --version): run npm rebuild better-sqlite3 ssh2"

step "launcher"
abi=$(node -p 'process.versions.modules')
node_version=$(node -p 'process.versions.node')
sed -e "s/@NODE_ABI@/$abi/" -e "s/@NODE_VERSION@/$node_version/" scripts/bundle-launcher.sh >"$root/bin/console-doctor"
chmod 755 "$root/bin/console-doctor" "$root/bin/console-doctor.js"
cat >"$root/bundle.json" <<JSON
{
  "name": "console-doctor",
  "version": "$version",
  "target": "$target",
  "node_abi": "$abi",
  "built_with_node": "$node_version",
  "glibc_min": "$(glibc_needed)"
}
JSON

step "archive"
epoch=$(git log -1 --format=%ct 2>/dev/null || date +%s)
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" -czf "$bundle" -C "$stage" "$name"
rm -rf "$stage"
step "$bundle ($(du -h "$bundle" | cut -f1)), for Node.js $node_version's ABI $abi"
