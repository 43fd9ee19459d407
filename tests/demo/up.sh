#!/usr/bin/env bash
# Deploy the demo scenario into local containers and summarize what runs where.
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$SECONDS
cat <<'BANNER'
################################################################################
#  Jitsi's apt repository is not reachable from this machine: jicofo and       #
#  jitsi-videobridge2 in this demo are the TEST DOUBLE packages built from     #
#  tests/standins (real XMPP to the real Prosody, no media). Not Jitsi.        #
################################################################################
BANNER
molecule create -s demo
molecule converge -s demo
tests/demo/summary.sh
echo "demo deployed in $((SECONDS - start))s; remove it with: make demo-down"
