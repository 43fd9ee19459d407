"""Signaling load: anonymous participants joining rooms through HAProxy onto the shards.

Each session is what a participant's browser does before media: a TLS websocket through an
HAProxy node to `/xmpp-websocket?room=<room>`, the XMPP stream, SASL ANONYMOUS, bind, and
the MUC join of its room, against the real nginx and Prosody of the shard HAProxy picks.
Rooms are created first by the shard's focus account, as jicofo would (only focus may create
a room). Sessions stay connected until the step ends, so a step of N sessions holds N
participants at once. The clients run on this machine and share its CPUs with the containers.

A step reports join latency (connect to own presence), errors, whether every room stayed on
one shard, and Prosody's CPU and memory on each shard. `run` raises the count step by step
until errors pass 1 % or join p99 passes 2 s (the break point), or the steps run out; every
step is bounded in sessions and time and stops by itself.
"""

import concurrent.futures
import json
import pathlib
import subprocess
import sys
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "bench"))
# pylint: disable=wrong-import-position
from containers import container_address  # noqa: E402
from stats import summary  # noqa: E402
from tests.xmpp.anonymous import WebSocketClient  # noqa: E402
from tests.xmpp.c2s import Account  # noqa: E402

PROSODY_USAGE = ("pid=$(systemctl show -P MainPID prosody); "
                 "awk '{print $14 + $15}' /proc/$pid/stat; awk '/VmRSS/{print $2}' /proc/$pid/status; getconf CLK_TCK")


def prosody_usage(container):
    """(CPU seconds so far, RSS in MiB) of a shard's Prosody."""
    out = subprocess.run(["docker", "exec", container, "sh", "-c", PROSODY_USAGE],
                         capture_output=True, text=True, check=True).stdout.split()
    ticks, rss_kib, hz = int(out[0]), int(out[1]), int(out[2])
    return ticks / hz, rss_kib / 1024.0


def focus_password(container, store):
    doc = json.loads(subprocess.run(["docker", "exec", container, "cat", store], capture_output=True, text=True, check=True).stdout)
    return doc["secrets"]["focus_password"]["value"]


class Cluster:
    """Where the sessions go: HAProxy nodes, shards (name to container), domains, secrets store."""

    def __init__(self, haproxy, shards, domain, store):
        self.haproxy = [container_address(h) for h in haproxy]
        self.shards = shards
        self.domain = domain
        self.conference = "conference." + domain
        self.store = store


def session(cluster, hap, room, nick, deadline):
    """One participant: (client, shard, join seconds) or raises."""
    start = time.monotonic()
    client = WebSocketClient(hap, cluster.domain, path="/xmpp-websocket?room=" + room)
    try:
        client.login_anonymous()
        client.join("%s@%s" % (room, cluster.conference), nick)
    except Exception:
        client.close()
        raise
    if time.monotonic() > deadline:
        client.close()
        raise TimeoutError("step deadline passed")
    return client, client.response_headers.get("x-jitsi-shard"), time.monotonic() - start


def create_rooms(cluster, rooms, prefix):
    """Focus of each room's shard creates it (jicofo's part); returns {room: shard} and the focus accounts."""
    placed = {}
    for i, room in enumerate(rooms):  # which shard HAProxy picks for the room
        probe = WebSocketClient(cluster.haproxy[i % len(cluster.haproxy)], cluster.domain, path="/xmpp-websocket?room=" + room)
        placed[room] = probe.response_headers.get("x-jitsi-shard")
        probe.close()
    focus = {}
    for shard in sorted(set(placed.values())):
        container = cluster.shards[shard]
        account = Account(container_address(container), "focus@auth." + cluster.domain, focus_password(container, cluster.store))
        account.login()
        focus[shard] = account
    for room, shard in placed.items():
        focus[shard].join("%s@%s" % (room, cluster.conference), "focus-" + prefix)
    return placed, focus


def step(cluster, sessions, per_room=10, workers=64, time_limit=300.0):
    """sessions participants in sessions/per_room rooms, joined with `workers` at a time."""
    prefix = "load%d-%d" % (sessions, int(time.time()))
    rooms = ["%s-r%04d" % (prefix, i) for i in range(max(1, sessions // per_room))]
    placed, focus = create_rooms(cluster, rooms, prefix)
    before = dict((s, prosody_usage(c)) for s, c in cluster.shards.items())
    deadline = time.monotonic() + time_limit
    clients, latencies, errors, seen = [], [], {}, dict((r, set()) for r in rooms)
    lock = threading.Lock()

    def one(i):
        room = rooms[i % len(rooms)]
        try:
            client, shard, seconds = session(cluster, cluster.haproxy[i % len(cluster.haproxy)], room, "p%05d" % i, deadline)
        except Exception as exc:  # pylint: disable=broad-except  # counted, reported by kind
            with lock:
                kind = type(exc).__name__
                errors[kind] = errors.get(kind, 0) + 1
            return
        with lock:
            clients.append(client)
            latencies.append(seconds)
            seen[room].add(shard)
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(one, range(sessions)))
    wall = time.monotonic() - start
    after = dict((s, prosody_usage(c)) for s, c in cluster.shards.items())
    for client in clients:
        try:
            client.close()
        except Exception:  # pylint: disable=broad-except  # closing what the server may have dropped
            pass
    for account in focus.values():
        account.close()
    failed = sum(errors.values())
    return {
        "sessions": sessions, "rooms": len(rooms), "joined": len(latencies), "errors": errors,
        "error_rate": failed / sessions, "wall_s": wall, "joins_per_s": len(latencies) / wall if wall else 0.0,
        "join_ms": summary(latencies, 1000.0) if latencies else None,
        "rooms_on_one_shard": sum(1 for r in rooms if len(seen[r]) == 1 and seen[r] == {placed[r]}),
        "rooms_per_shard": dict((s, sum(1 for r in rooms if placed[r] == s)) for s in cluster.shards),
        "prosody": dict((s, {"cpu_percent": (after[s][0] - before[s][0]) / wall * 100 if wall else 0.0,
                             "rss_mib": after[s][1]}) for s in cluster.shards),
    }


def broken(result, max_error_rate=0.01, max_p99_ms=2000.0):
    """Why a step counts as the break point, or None."""
    if result["error_rate"] > max_error_rate:
        return "errors %.1f %% > %.0f %%" % (result["error_rate"] * 100, max_error_rate * 100)
    if result["join_ms"] is None or result["join_ms"]["p99"] > max_p99_ms:
        return "join p99 %s ms > %.0f ms" % ("n/a" if result["join_ms"] is None else "%.0f" % result["join_ms"]["p99"], max_p99_ms)
    return None


def run(cluster, steps=(250, 500, 1000, 1500, 2000, 3000), headline=1000):
    """The headline step (1,000 sessions in 100 rooms), then the ramp until it breaks."""
    results, break_point = [], None
    for sessions in sorted(set(steps) | {headline}):
        result = step(cluster, sessions)
        result["break"] = broken(result)
        results.append(result)
        print("  signaling: %d sessions: %d joined, error rate %.3f, p99 %s ms%s" % (
            sessions, result["joined"], result["error_rate"],
            "%.0f" % result["join_ms"]["p99"] if result["join_ms"] else "n/a",
            ", BREAKS: " + result["break"] if result["break"] else ""), flush=True)
        if result["break"]:
            break_point = {"sessions": sessions, "reason": result["break"]}
            break
        time.sleep(5)  # let the shards settle (closed sessions leave the rooms)
    return {"name": "signaling load through HAProxy onto %d shards" % len(cluster.shards),
            "headline": next((r for r in results if r["sessions"] == headline), None),
            "break_point": break_point or {"sessions": None, "reason": "did not break up to %d sessions" % max(steps)},
            "steps": results}
