#!/usr/bin/env bash
# One screen about the running demo, read from the containers themselves.
set -euo pipefail
# shellcheck source=../testbed/lib.sh
. "$(dirname "$0")/../testbed/lib.sh"

mapfile -t hosts < <(docker_cli ps --filter label=scalemeet.testbed=true --format '{{.Names}}' | grep '^demo-' | sort)
[ "${#hosts[@]}" -gt 0 ] || die "no demo containers run; start them with: make demo"
ip_of() { docker_cli inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' "$1" | awk '{print $1}'; }

printf '\n%s\n' "scalemeet.jitsi demo: ${#hosts[@]} hosts"
printf '  %-13s %-20s %-15s %s\n' HOST DEBIAN ADDRESS RUNS
for h in "${hosts[@]}"; do
  # shellcheck disable=SC2016  # expanded inside the container
  debian="$(docker_cli exec "$h" sh -c '. /etc/os-release; echo "$VERSION_CODENAME $(cat /etc/debian_version)"')"
  # shellcheck disable=SC2016  # expanded inside the container
  runs="$(docker_cli exec "$h" sh -c 'for s in haproxy prosody nginx jicofo jitsi-videobridge2 wg-quick@wg-scalemeet; do systemctl is-active --quiet $s && printf "%s " $s; done' || true)"
  printf '  %-13s %-20s %-15s %s\n' "$h" "$debian" "$(ip_of "$h")" "$runs"
done

hap="$(ip_of demo-hap1)"
# What is installed, not what was asked for: the doubles' versions end in +standin.
# shellcheck disable=SC2016  # dpkg-query's own format fields
packages="$(docker_cli exec demo-shard1 dpkg-query -W -f '${Package} ${Version}, ' jicofo jitsi-meet-web 2>/dev/null || true)"
packages="${packages%, }"
case "$packages" in
  *+standin*) kind="TEST DOUBLE packages from tests/standins, not Jitsi: $packages" ;;
  *) kind="Jitsi's packages: $packages" ;;
esac
echo
echo "Shards (each jicofo's brewery; $kind):"
for shard in demo-shard1 demo-shard2; do
  docker_cli exec "$shard" curl -sf http://127.0.0.1:8888/debug | python3 -c '
import json, sys
d = json.load(sys.stdin)["bridge_selector"]
print("  %s (region %s, %s):" % (sys.argv[1], d["local_region"], d["strategy"]))
for b in sorted(d["bridges"].values(), key=lambda b: b["region"]):
    print("    bridge %-8s region %-8s relay id %-16s stress %.2f" % (b["nickname"], b["region"], b["relay_id"], b["stress"]))
' "$shard" || echo "  $shard: jicofo not answering"
done

echo
echo "Overlay (WireGuard, relays between regions):"
for b in demo-jvb-a1 demo-jvb-b1; do
  # shellcheck disable=SC2016  # expanded inside the container
  docker_cli exec "$b" sh -c 'printf "  %s %s, peers: " "$(hostname)" "$(ip -o -4 addr show wg-scalemeet | awk "{print \$4}")"; wg show wg-scalemeet latest-handshakes | awk "{printf \"%s \", (\$2 > 0 ? \"handshake ok\" : \"no handshake\")}"; echo'
done

echo
echo "Rooms through HAProxy (sticky on the room parameter):"
for room in standup retro all-hands; do
  shard="$(curl -sk --max-time 5 --resolve "meet.demo.test:443:$hap" -D - -o /dev/null "https://meet.demo.test/http-bind?room=$room" \
           | awk -F': ' 'tolower($1)=="x-jitsi-shard" {print $2}' | tr -d '\r')"
  printf '  %-10s -> %s\n' "$room" "${shard:-(no answer)}"
done

cat <<TXT

Open it: add "$hap meet.demo.test" to /etc/hosts, then https://meet.demo.test/<room>
  (self-signed certificate). With the test doubles the page is a placeholder saying so;
  BOSH, the XMPP websocket and config.js answer through HAProxy either way:
  curl -k --resolve meet.demo.test:443:$hap https://meet.demo.test/config.js
A shell on a host: docker exec -it demo-shard1 bash
TXT
