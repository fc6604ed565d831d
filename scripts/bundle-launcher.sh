#!/bin/sh
# console-doctor's offline-bundle launcher: runs the CLI with the system's `node` (or
# $CONSOLE_DOCTOR_NODE) once it is known to be new enough and to load the native modules
# this bundle ships. scripts/bundle.sh fills in the @...@ values when it builds the bundle.
BUNDLE_NODE_ABI='@NODE_ABI@'
BUNDLE_NODE_VERSION='@NODE_VERSION@'

fail() {
  printf 'console-doctor: %s\n' "$1" >&2
  exit 3
}

here=$(dirname "$(readlink -f "$0")")
node=${CONSOLE_DOCTOR_NODE:-node}
node_path=$(command -v "$node") || fail "needs Node.js >= 20.19 (the $BUNDLE_NODE_VERSION line this bundle was built with), but no \`$node\` is on PATH"

# One call prints "<version> <abi>"; anything else is a node we cannot tell about.
info=$("$node_path" -e 'process.stdout.write(process.versions.node + " " + process.versions.modules)' 2>/dev/null)
version=${info%% *}
version=${version#v}
abi=${info#* }
[ "$abi" = "$info" ] && abi=unknown
major=${version%%.*}
minor=${version#*.}
minor=${minor%%.*}
case "$major.$minor" in
  *[!0-9.]* | .* | *.) fail "needs Node.js >= 20.19, but $node_path does not say its version (it printed: '$info')" ;;
esac
if [ "$major" -lt 20 ] || { [ "$major" -eq 20 ] && [ "$minor" -lt 19 ]; }; then
  fail "needs Node.js >= 20.19, but $node_path is v$version"
fi
if [ "$abi" != "$BUNDLE_NODE_ABI" ]; then
  fail "this bundle's native modules were built for Node.js ${BUNDLE_NODE_VERSION%%.*} (ABI $BUNDLE_NODE_ABI), but $node_path is v$version (ABI $abi): use Node.js ${BUNDLE_NODE_VERSION%%.*}.x >= 20.19, or the npm package"
fi
exec "$node_path" "$here/console-doctor.js" "$@"
