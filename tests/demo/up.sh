#!/usr/bin/env bash
# Deploy the demo scenario into local containers and summarize what runs where.
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$SECONDS
molecule create -s demo
molecule converge -s demo
tests/demo/summary.sh
echo "demo deployed in $((SECONDS - start))s; remove it with: make demo-down"
