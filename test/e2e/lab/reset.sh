#!/bin/bash
# Back to a known good lab: the whole lab down and up again (about 20-25 s; cheaper and
# surer than healing each scenario's damage).
set -euo pipefail
here="$(dirname "${BASH_SOURCE[0]}")"
bash "$here/down.sh"
bash "$here/up.sh"
