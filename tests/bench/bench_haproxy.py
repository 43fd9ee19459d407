"""What HAProxy adds to a request: through an HAProxy node versus straight to the shard's nginx.

Both paths are measured from this machine over one kept-alive TLS connection each, the same
request (`GET /config.js?room=<room>`, a file every participant loads, served by nginx itself), interleaved one for one so drift
in the machine's load hits both alike. HAProxy decodes the room, looks it up in the stick
table, re-encrypts to the shard's nginx; the direct path is only nginx. Then the stick table
is filled with 200,000 rooms by real requests (as 200,000 rooms opened in a day would) and the
comparison runs again. Only the scenario's containers are addressed.
"""

import http.client
import ssl
import subprocess
import threading
import time

from containers import container_address
from stats import summary

PATH = "/config.js?room=%s"
TABLE_QUERY = ("import socket; s = socket.socket(socket.AF_UNIX); s.connect('/run/haproxy/admin.sock'); "
               "s.sendall(b'show table\\n'); print(s.recv(65536).decode())")


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
    samples = {"haproxy": [], "direct": []}
    for i in range(count + 200):
        t_via, seen = get(via, PATH % room, domain)
        t_direct, _shard = get(direct, PATH % room, domain)
        if seen != shard:
            raise RuntimeError("room %s moved from %s to %s" % (room, shard, seen))
        if i >= 200:  # warm-up: TLS session, nginx and HAProxy caches
            samples["haproxy"].append(t_via)
            samples["direct"].append(t_direct)
    via.close()
    direct.close()
    hap, nginx = summary(samples["haproxy"], 1000.0), summary(samples["direct"], 1000.0)
    return {"shard": shard, "haproxy_ms": hap, "direct_ms": nginx,
            "added_p50_ms": hap["p50"] - nginx["p50"], "added_p99_ms": hap["p99"] - nginx["p99"]}


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


def table_used(node):
    """Entries in the node's stick table, from HAProxy's runtime API."""
    out = subprocess.run(["docker", "exec", node, "python3", "-c", TABLE_QUERY], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if "used:" in line:
            return int(line.split("used:")[1].split()[0].rstrip(","))
    raise RuntimeError("no stick table on %s: %s" % (node, out))


def run(haproxy_node, shard_hosts, domain, count=3000, rooms=200000):
    address = container_address(haproxy_node)
    empty = compare(address, shard_hosts, domain, count)
    empty["table_entries"] = table_used(haproxy_node)
    fill_s = fill(address, domain, rooms)
    full = compare(address, shard_hosts, domain, count)
    full["table_entries"] = table_used(haproxy_node)
    return {"name": "HAProxy cost per request (%s)" % haproxy_node, "requests_per_path": count,
            "small_table": empty, "table_200k": full,
            "fill": {"rooms": rooms, "seconds": fill_s, "rooms_per_s": rooms / fill_s},
            "target_added_p99_ms": 1.0}
