#!/usr/bin/env bash
# Deploy the demo scenario into local containers and summarize what runs where.
# DEMO_PACKAGES=auto (default) takes Jitsi's packages when JITSI_REPO_URL answers, else the
# test doubles; jitsi or standin forces one.
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$SECONDS
choice="$(python tests/demo/packages.py --mode "${DEMO_PACKAGES:-auto}" \
          --url "${JITSI_REPO_URL:-https://download.jitsi.org}" --key-url "${JITSI_REPO_KEY_URL:-}")"
eval "$choice"
export DEMO_PACKAGES DEMO_JITSI_REPO_URL DEMO_JITSI_REPO_KEY_URL DEMO_JAVA_PACKAGE
if [ "$DEMO_PACKAGES" = standin ]; then
  cat <<'BANNER'
################################################################################
#  Jitsi's apt repository did not answer (or DEMO_PACKAGES=standin): jicofo,   #
#  jitsi-videobridge2 and jitsi-meet-web in this demo are the TEST DOUBLE      #
#  packages built from tests/standins (real XMPP to the real Prosody, no       #
#  media, a placeholder page). Not Jitsi.                                      #
################################################################################
BANNER
else
  echo "Jitsi's packages (jicofo, jitsi-videobridge2, jitsi-meet-web) from $DEMO_JITSI_REPO_URL"
fi
molecule --base-config .config/molecule/config.yml create -s demo
molecule --base-config .config/molecule/config.yml converge -s demo
tests/demo/summary.sh
echo "demo ($DEMO_PACKAGES packages) deployed in $((SECONDS - start))s; remove it with: make demo-down"
