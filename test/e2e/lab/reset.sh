#!/bin/bash
# Back to a known good lab: the whole lab down and up again (about 20-40 s; cheaper and
# surer than healing each scenario's damage). The new lab runs what the old one ran: its
# release, json-rpc port, Keystone, ipmi and graphical settings (lib.sh reads them from the
# running lab).
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
source "$here/lib.sh"
export CDLAB_IRONIC CDLAB_KEYSTONE CDLAB_JSON_RPC_PORT="$JSON_RPC_PORT" CDLAB_IPMI_CRED_ENV="$IPMI_CRED_ENV" CDLAB_GRAPHICAL
bash "$here/down.sh"
bash "$here/up.sh"
