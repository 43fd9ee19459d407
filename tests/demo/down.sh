#!/usr/bin/env bash
# Remove the demo's containers and networks.
set -euo pipefail
cd "$(dirname "$0")/../.."
molecule --base-config .config/molecule/config.yml destroy -s demo
