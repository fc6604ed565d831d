#!/usr/bin/env bash
# The end-to-end suite on every Ironic in the field (issue 11): the real Debian builds of
# four series, each lab run from that suite's own root filesystem (test/e2e/lab/rootfs.sh).
#   bookworm 21.4 (2023.1)  every scenario (the default lab, this machine's packages)
#   sid      39.0 (newest)  every scenario, behind a real Keystone (token scope enforced;
#                           the tool reads with system_scope: all, and a project scope is refused)
#   sid-graphical           a second sid lab with graphical consoles (CDLAB_GRAPHICAL: podman
#                           containers of Ironic's `container` provider) and their scenarios
#                           (test/e2e/graphical.test.ts)
#   trixie   29.0 (2025.1)  conductor-killed, conductor-restarted, console-disabled-leftover,
#                           conductor-lingering (SIGTERM: deregistered at once, runs on 60 s),
#                           with [json_rpc]port 8090: conductors register as host:8090
#   forky    35.0 (2026.1)  conductor-killed, conductor-restarted, console-disabled-leftover and
#                           conductor-drained, with [ipmi]store_cred_in_env:
#                           ipmitool -E, the password in socat's environment, no .pw files
# Usage: scripts/e2e-matrix.sh [SUITE...]   (default: all five, oldest and newest first)
# Needs root; `npm run build` first. Each suite's lab is torn down before the next starts.
set -euo pipefail
cd "$(dirname "$0")/.."

suites=("$@")
[ "${#suites[@]}" -gt 0 ] || suites=(bookworm sid sid-graphical trixie forky)
between=conductor-killed,conductor-restarted,console-disabled-leftover

for suite in "${suites[@]}"; do
  env=(CDLAB_IRONIC="${suite%-graphical}")
  case "$suite" in
    bookworm) ;;
    sid) env+=(CDLAB_KEYSTONE=yes) ;;
    sid-graphical) env+=(CDLAB_GRAPHICAL=yes) ;;
    trixie) env+=(CDLAB_SCENARIOS="$between,conductor-lingering" CDLAB_JSON_RPC_PORT=8090) ;;
    forky) env+=(CDLAB_SCENARIOS="$between,conductor-drained" CDLAB_IPMI_CRED_ENV=yes) ;;
    *) echo "e2e-matrix: unknown suite $suite (bookworm, trixie, forky, sid, sid-graphical)" >&2; exit 2 ;;
  esac
  [ "$suite" = bookworm ] || bash test/e2e/lab/rootfs.sh "${suite%-graphical}" >/dev/null
  started=$SECONDS
  echo "== e2e on Debian $suite: ${env[*]}" >&2
  env "${env[@]}" npx vitest run --config vitest.e2e.config.ts
  echo "== e2e on Debian $suite passed in $((SECONDS - started)) s" >&2
done
