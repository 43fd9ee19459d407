#!/usr/bin/env bash
# One screen about the running demo, read from the containers themselves.
set -euo pipefail
# shellcheck source=../testbed/lib.sh
. "$(dirname "$0")/../testbed/lib.sh"

mapfile -t hosts < <(docker_cli ps --filter label=scalemeet.testbed=true --format '{{.Names}}' | grep '^demo-' | sort)
[ "${#hosts[@]}" -gt 0 ] || die "no demo containers run; start them with: make demo"

printf '\n%s\n' "scalemeet.jitsi demo: ${#hosts[@]} hosts"
printf '%-16s %-16s %-62s %-8s %s\n' HOST DEBIAN NETWORKS NOFILE "UDP rmem_max (file)"
for h in "${hosts[@]}"; do
  # shellcheck disable=SC2016  # expanded inside the container / by docker's template
  debian="$(docker_cli exec "$h" sh -c '. /etc/os-release; echo "$VERSION_CODENAME $(cat /etc/debian_version)"')"
  # shellcheck disable=SC2016
  nets="$(docker_cli inspect -f '{{range $n, $c := .NetworkSettings.Networks}}{{$n}}={{$c.IPAddress}} {{end}}' "$h")"
  nofile="$(docker_cli exec "$h" systemctl show --property DefaultLimitNOFILE --value)"
  rmem="$(docker_cli exec "$h" sh -c "sed -n 's/^net.core.rmem_max = //p' /etc/sysctl.d/60-scalemeet-media.conf" || true)"
  printf '%-16s %-16s %-62s %-8s %s\n' "$h" "$debian" "$(echo "$nets" | xargs | sed "s/ /, /g")" "$nofile" "${rmem:-missing}"
done
# shellcheck disable=SC2016  # dpkg-query's own ${Version} format
prosody_version="$(docker_cli exec demo-signal-1 dpkg-query -W -f '${Version}' prosody)"
signal_ip="$(docker_cli inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}' demo-signal-1 | awk '{print $1}')"
bosh="$(curl -sk --max-time 5 --resolve "meet.demo.test:443:$signal_ip" -o /dev/null -w '%{http_code}' https://meet.demo.test/http-bind || true)"
accounts="$(docker_cli exec demo-signal-1 sh -c 'ls /var/lib/prosody/auth%2emeet%2edemo%2etest/accounts/ | wc -l')"
cat <<TXT

Signaling (demo-signal-1): Prosody $prosody_version, nginx in front
  https://meet.demo.test/  -> $signal_ip   (BOSH /http-bind answers HTTP $bosh)
  auth.meet.demo.test accounts: $accounts (focus and one per bridge slot)
  Try it: curl -k --resolve meet.demo.test:443:$signal_ip https://meet.demo.test/config.js
  The Jitsi Meet web app itself (jitsi-meet-web) comes from Jitsi's apt repository, which this
  machine cannot reach, so the page root is empty; BOSH, websocket and config.js are live.

Shard shard1: jicofo (TEST DOUBLE package) sees these bridges in its brewery:
$(docker_cli exec demo-signal-1 curl -sf http://127.0.0.1:8888/debug | python3 -c 'import json,sys
for b in sorted(json.load(sys.stdin)["bridge_selector"]["bridges"].values(), key=lambda b: b["nickname"]):
    print("  %-8s region %-8s relay id %-16s stress %.2f %s" % (b["nickname"], b["region"], b["relay_id"], b["stress"], "draining" if b["draining"] else ""))' || echo "  (jicofo not answering)")

Deployed by playbooks/site.yml: common everywhere; Prosody, nginx and jicofo on the
signaling host; a videobridge on each bridge host. HAProxy and the overlay join this
demo as their roles land.
Open a shell on a host: docker exec -it demo-signal-1 bash
TXT
