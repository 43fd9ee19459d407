"""What HAProxy adds to a request: through an HAProxy node versus straight to the shard's nginx.

Both paths are measured from this machine over one kept-alive TLS connection each, the same
request (`GET /config.js?room=<room>`, a file every participant loads, served by nginx itself), interleaved one for one so drift
in the machine's load hits both alike. HAProxy decodes the room, looks it up in the stick
table, re-encrypts to the shard's nginx; the direct path is only nginx. Then the stick table
is filled with 200,000 rooms by real requests (as 200,000 rooms opened in a day would) and the
comparison runs twice: at once, while the node still pushes the new rooms to its peer (a burst
of new rooms costs a few ms at p99 for as long as that lasts), and once the peers task is quiet.
Only the scenario's containers are addressed.
"""

import http.client
import pathlib
import ssl
import subprocess
import sys
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))
# pylint: disable=wrong-import-position
from containers import container_address, wait_until_quiet  # noqa: E402
from stats import summary  # noqa: E402
from tests.haproxy import runtime as haproxy_runtime  # noqa: E402

PATH = "/config.js?room=%s"
ADMIN_SOCKET = "/run/haproxy/admin.sock"


def connection(address, port=443):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # the test containers' certificates are self-signed
    return http.client.HTTPSConnection(address, port, context=ctx, timeout=10)


def get(conn, path, domain):
    """(seconds, shard header) of one request on a kept-alive connection."""
    start = time.perf_counter()
    conn.request("GET", path, headers={"Host": domain})
    resp = conn.getresponse()
    resp.read()
    elapsed = time.perf_counter() - start
    if resp.status != 200:
        raise RuntimeError("GET %s answered %d" % (path, resp.status))
    return elapsed, resp.getheader("x-jitsi-shard")


def compare(haproxy, shard_hosts, domain, count, room="bench-latency"):
    """Interleaved samples through HAProxy and straight to the shard the room lives on."""
    via = connection(haproxy)
    _t, shard = get(via, PATH % room, domain)
    direct = connection(container_address(shard_hosts[shard]))
    samples = {"haproxy": [], "direct": [], "at": []}
    start = time.perf_counter()
    for i in range(count + 200):
        at = time.perf_counter() - start
        t_via, seen = get(via, PATH % room, domain)
        t_direct, _shard = get(direct, PATH % room, domain)
        if seen != shard:
            raise RuntimeError("room %s moved from %s to %s" % (room, shard, seen))
        if i >= 200:  # warm-up: TLS session, nginx and HAProxy caches
            samples["haproxy"].append(t_via)
            samples["direct"].append(t_direct)
            samples["at"].append(at)
    via.close()
    direct.close()
    hap, nginx = summary(samples["haproxy"], 1000.0), summary(samples["direct"], 1000.0)
    return {"shard": shard, "haproxy_ms": hap, "direct_ms": nginx,
            "added_p50_ms": hap["p50"] - nginx["p50"], "added_p99_ms": hap["p99"] - nginx["p99"],
            "slow": slow_samples(samples, nginx["p50"] / 1000.0 + 0.001)}


def slow_samples(samples, threshold):
    """Which requests were slow on each path (over the direct p50 plus 1 ms), and when: whether
    they cluster at the start, come at a period (health checks) or hit both paths together."""
    out = {}
    for path in ("haproxy", "direct"):
        slow = [(at, t) for at, t in zip(samples["at"], samples[path]) if t > threshold]
        out[path] = {"count": len(slow), "share": len(slow) / max(1, len(samples[path])),
                     "at_s": [round(at, 3) for at, _t in slow[:20]], "ms": [round(t * 1000, 2) for _at, t in slow[:20]]}
    out["threshold_ms"] = threshold * 1000
    out["run_s"] = samples["at"][-1] if samples["at"] else 0.0
    return out


def fill(haproxy, domain, rooms, threads=4):
    """Open `rooms` distinct rooms through HAProxy (each a stick-table entry); returns seconds."""
    errors = []

    def worker(offset):
        conn = connection(haproxy)
        try:
            for n in range(offset, rooms, threads):
                get(conn, PATH % ("fill-%06d" % n), domain)
        except Exception as exc:  # pylint: disable=broad-except
            errors.append(repr(exc))
        finally:
            conn.close()
    start = time.monotonic()
    workers = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if errors:
        raise RuntimeError("filling the stick table failed: %s" % errors[:3])
    return time.monotonic() - start


def runtime(node, command):
    """One command to the node's runtime API (its admin socket, inside the container)."""
    return subprocess.run(["docker", "exec", node, "python3", "-c", haproxy_runtime.ADMIN_COMMAND, ADMIN_SOCKET, command], capture_output=True, text=True,
                          check=True).stdout


def peer_task_calls(node):
    """How often the node's peers task has run so far: it keeps growing while the node pushes
    stick-table entries to the other nodes."""
    for line in runtime(node, "show peers").splitlines():
        if " id=" in line and "task_calls=" in line:
            return int(line.split("task_calls=")[1].split()[0])
    raise RuntimeError("no peers section on %s" % node)


def wait_for_peer_sync(node, timeout=180.0, still=50):
    """Seconds until the peers task of `node` ran fewer than `still` times in one second."""
    start = time.monotonic()
    before = peer_task_calls(node)
    while time.monotonic() - start < timeout:
        time.sleep(1.0)
        now = peer_task_calls(node)
        if now - before < still:
            break
        before = now
    return time.monotonic() - start


def table_used(node):
    """Entries in the node's stick table, from HAProxy's runtime API."""
    out = runtime(node, "show table")
    for line in out.splitlines():
        if "used:" in line:
            return int(line.split("used:")[1].split()[0].rstrip(","))
    raise RuntimeError("no stick table on %s: %s" % (node, out))


def run(haproxy_node, shard_hosts, domain, count=3000, rooms=200000):
    address = container_address(haproxy_node)
    quiet = wait_until_quiet()
    empty = compare(address, shard_hosts, domain, count)
    empty["table_entries"] = table_used(haproxy_node)
    empty["waited_for_quiet_s"] = quiet
    fill_s = fill(address, domain, rooms)
    # Right after the new rooms, the node is still pushing them to its peer: measured on its own.
    syncing = compare(address, shard_hosts, domain, count, room="bench-latency-syncing")
    synced = wait_for_peer_sync(haproxy_node)
    full = compare(address, shard_hosts, domain, count)
    full["table_entries"] = table_used(haproxy_node)
    full["waited_for_peer_sync_s"] = synced
    return {"name": "HAProxy cost per request (%s)" % haproxy_node, "requests_per_path": count,
            "small_table": empty, "table_200k": full, "table_200k_while_peers_sync": syncing,
            "fill": {"rooms": rooms, "seconds": fill_s, "rooms_per_s": rooms / fill_s},
            "target_added_p99_ms": 1.0}
