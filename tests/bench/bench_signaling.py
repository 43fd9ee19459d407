"""Signaling load: anonymous participants joining rooms through HAProxy onto the shards.

Each session is what a participant's browser does before media: a TLS websocket through an
HAProxy node to `/xmpp-websocket?room=<room>`, the XMPP stream, SASL ANONYMOUS, bind, and
the MUC join of its room, against the real nginx and Prosody of the shard HAProxy picks.
Rooms are created first by the shard's focus account, as jicofo would (only focus may create
a room). Sessions stay connected until the step ends, so a step of N sessions holds N
participants at once. The clients run on this machine and share its CPUs with the containers.

Participants arrive at a fixed rate (open loop, tests/bench/ws_sessions.py on one asyncio loop per process)
and stay, so what grows from step to step is the number held at once. A step reports join
latency (connect to own presence), errors by kind (a refused upgrade by its HTTP status),
whether every room stayed on one shard, Prosody's CPU and memory on each shard, and the CPU of
every container, of the load generator and of the whole machine, with a verdict on what bound
the step (the CPUs of this machine, one process, or neither). `run` raises the count step by step
until errors pass 1 % or join p99 passes 2 s (the break point). When the given steps run out
first, it goes on by half again each step, until it breaks or the next step needs more sockets
than the load generator may open (then that bound is the reported point). Every step is bounded
in sessions and time and stops by itself, and so is the ramp.
"""

import json
import os
import pathlib
import resource
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "bench"))
# pylint: disable=wrong-import-position
import bench_haproxy  # noqa: E402
from containers import container_address, container_cpu_seconds, machine_busy_seconds  # noqa: E402
from stats import summary  # noqa: E402
from tests.haproxy import runtime  # noqa: E402
from tests.xmpp.c2s import Account  # noqa: E402
from ws_sessions import FILES_PER_PROCESS_MARGIN, allow_many_sockets, sessions_at_once  # noqa: E402

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
        self.haproxy_containers = list(haproxy)
        self.containers = list(haproxy) + list(shards.values())


def process_cpu_seconds(pid):
    """User and system CPU seconds of a live process of this machine (0 once it is gone)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """CPU used between start() and stop(): this generator process, each container, the whole machine.

    Percent of one CPU; the machine's capacity is 100 x its CPUs. When the machine is near its
    capacity, a step measures this test bed, not the servers (everything shares the same CPUs)."""

    def __init__(self, containers, pids=()):
        self.containers = containers
        self.pids = list(pids)  # the generator's other processes, when it needs several

    def _generator(self):
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime + sum(process_cpu_seconds(pid) for pid in self.pids)

    def _sample(self):
        busy, cpus = machine_busy_seconds()
        return time.monotonic(), self._generator(), busy, cpus, dict((c, container_cpu_seconds(c)) for c in self.containers)

    def start(self):
        self.before = self._sample()  # pylint: disable=attribute-defined-outside-init

    def stop(self):
        (t0, gen0, busy0, cpus, cont0), (t1, gen1, busy1, _c, cont1) = self.before, self._sample()
        wall = max(t1 - t0, 1e-9)
        percent = dict((c, (cont1[c] - cont0[c]) / wall * 100) for c in self.containers)
        percent["load generator"] = (gen1 - gen0) / wall * 100
        return {"cpus": cpus, "machine_busy_percent": (busy1 - busy0) / wall * 100,
                "machine_capacity_percent": cpus * 100, "by_process_percent": percent,
                "bound_by": bound_by(percent, (busy1 - busy0) / wall * 100, cpus * 100)}


def bound_by(percent, busy, capacity, saturated=0.9):
    """'machine (<biggest user>)' when the CPUs are nearly all busy, else 'servers' or 'load generator'
    by who used more, or 'latency' when nobody is near one CPU (waiting, not computing)."""
    top = max(percent, key=percent.get)
    if busy >= saturated * capacity:
        return "machine CPUs saturated (largest: %s %.0f %%)" % (top, percent[top])
    if percent[top] >= saturated * 100:
        return "%s (one CPU)" % top
    return "latency (no process near one CPU; largest: %s %.0f %%)" % (top, percent[top])


def haproxy_events(cluster, since="-300s"):
    """HAProxy's recent server state changes on each node (a shard marked DOWN, and why)."""
    events = {}
    for node in cluster.haproxy_containers:
        out = subprocess.run(["docker", "exec", node, "journalctl", "-u", "haproxy", "--since", since, "--no-pager", "-o", "cat"],
                             capture_output=True, text=True, check=False).stdout
        events[node] = [line for line in out.splitlines() if " is DOWN" in line or " is UP" in line][-10:]
    return events


def down_events(events):
    """["node: Server shards/x is DOWN, ..."] once each: HAProxy logs every state change twice to
    the journal (its own warning and the syslog line)."""
    seen = []
    for node, lines in sorted(events.items()):
        for line in lines:
            if " is DOWN" in line and "Server " in line:
                event = "%s: %s" % (node, line[line.index("Server "):])
                if event not in seen:
                    seen.append(event)
    return seen


METRICS = "curl -sf http://127.0.0.1:8404/metrics"


def shard_states(cluster):
    """{HAProxy node: {shard: state}} from each node's metrics endpoint (loopback in the container)."""
    def metrics(node):
        return subprocess.run(["docker", "exec", node, "sh", "-c", METRICS], capture_output=True, text=True, check=True).stdout
    return dict((node, runtime.server_states(metrics(node))) for node in cluster.haproxy_containers)


def wait_for_shards(cluster, timeout=240.0):
    """Seconds until every HAProxy node has every shard UP. A step's rooms are placed only then:
    placed while a shard is out, they would all go to the others (measured: 450 of 450 rooms)."""
    start = time.monotonic()
    while True:
        states = shard_states(cluster)
        if all(state == "UP" for node in states.values() for state in node.values()):
            return time.monotonic() - start
        if time.monotonic() - start > timeout:
            raise RuntimeError("shards not all UP %.0f s after the last step: %s" % (timeout, states))
        time.sleep(0.5)


def busy_after_leave(cluster, answer_within=1.0, timeout=240.0):
    """{shard: seconds} until the shard's Prosody answers GET /http-bind (through its nginx, as
    HAProxy's health check does) within answer_within: how long the leaves kept it busy."""
    start, busy = time.monotonic(), {}
    pending = dict((shard, container_address(c)) for shard, c in cluster.shards.items())
    while pending and time.monotonic() - start < timeout:
        for shard, address in list(pending.items()):
            conn = bench_haproxy.connection(address)
            conn.timeout = answer_within
            try:
                bench_haproxy.get(conn, "/http-bind", cluster.domain)
                busy[shard] = time.monotonic() - start
                del pending[shard]
            except (OSError, RuntimeError):
                pass
            finally:
                conn.close()
        time.sleep(0.2)
    busy.update(dict((shard, None) for shard in pending))
    return busy


def create_rooms(cluster, rooms, prefix):
    """Focus of each room's shard creates it (jicofo's part); returns {room: shard} and the focus accounts."""
    # Which shard HAProxy picks for each room: a page request with the room parameter gets the
    # room its stick-table entry, and the shard's nginx names itself in x-jitsi-shard.
    nodes = [bench_haproxy.connection(address) for address in cluster.haproxy]
    placed = {}
    for i, room in enumerate(rooms):
        placed[room] = bench_haproxy.get(nodes[i % len(nodes)], "/config.js?room=" + room, cluster.domain)[1]
    for conn in nodes:
        conn.close()
    focus = {}
    for shard in sorted(set(placed.values())):
        container = cluster.shards[shard]
        account = Account(container_address(container), "focus@auth." + cluster.domain, focus_password(container, cluster.store))
        account.login()
        focus[shard] = account
    for room, shard in placed.items():
        focus[shard].join("%s@%s" % (room, cluster.conference), "focus-" + prefix)
    return placed, focus


# files the load generator holds besides its sessions (focus accounts, pipes, the interpreter's own)
SOCKET_MARGIN = 100
# The generator shares sessions among processes past one process's open-file limit; on 2 CPUs
# more processes would only share them.
MAX_GENERATOR_PROCESSES = 4


def generator_capacity(destinations):
    """(sessions the load generator can hold at once, what bounds it): open files of its
    processes, or the local ports towards the HAProxy addresses."""
    per_process = allow_many_sockets() - FILES_PER_PROCESS_MARGIN
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        low, high = (int(v) for v in f.read().split())
    ports = (high - low + 1) * destinations
    if per_process * MAX_GENERATOR_PROCESSES <= ports:
        return per_process * MAX_GENERATOR_PROCESSES, "%d processes of ulimit -Hn %d" % (
            MAX_GENERATOR_PROCESSES, per_process + FILES_PER_PROCESS_MARGIN)
    return ports, "%d local ports towards each of %d HAProxy addresses" % (high - low + 1, destinations)


def step(cluster, sessions, per_room=10, rate=25.0, time_limit=None):
    """sessions participants in sessions/per_room rooms, arriving at `rate` a second (open loop).

    Arrivals are paced, not a fixed number at a time: with a fixed concurrency C the join latency
    is C divided by the throughput (Little's law), so it would measure the chosen C on this
    machine's CPUs rather than the servers. The default rate stays below what the test bed
    sustains (about 40 joins/s on 2 CPUs, the load generator using most of it); what grows from
    step to step is the number of sessions held at once."""
    time_limit = time_limit or sessions / rate * 1.5 + 60  # bounded: the step stops by itself
    per_process = allow_many_sockets() - FILES_PER_PROCESS_MARGIN
    prefix = "load%d-%d" % (sessions, int(time.time()))
    rooms = ["%s-r%04d" % (prefix, i) for i in range(max(1, sessions // per_room))]
    placed, focus = create_rooms(cluster, rooms, prefix)
    before = dict((s, prosody_usage(c)) for s, c in cluster.shards.items())
    meter = CpuMeter(cluster.containers)
    specs = [(i, (cluster.haproxy[i % len(cluster.haproxy)], cluster.domain, rooms[i % len(rooms)], "p%05d" % i))
             for i in range(sessions)]
    wall, outcomes, cpu, leave_s = sessions_at_once(
        specs, rate, time_limit, per_process, meter.stop,
        on_started=lambda pids: (meter.pids.extend(pids), meter.start()))
    errors, latencies, seen = {}, [], dict((r, set()) for r in rooms)
    for room_jid, shard, seconds, kind in outcomes:
        if kind is not None:
            errors[kind] = errors.get(kind, 0) + 1
            continue
        latencies.append(seconds)
        seen[room_jid.split("@")[0]].add(shard)
    busy = busy_after_leave(cluster)
    after = dict((s, prosody_usage(c)) for s, c in cluster.shards.items())
    for account in focus.values():
        account.close()
    failed = sum(errors.values())
    return {
        "sessions": sessions, "rooms": len(rooms), "offered_joins_per_s": rate, "joined": len(latencies), "errors": errors,
        "generator_processes": max(1, len(meter.pids)),
        "error_rate": failed / sessions, "wall_s": wall, "joins_per_s": len(latencies) / wall if wall else 0.0,
        "join_ms": summary(latencies, 1000.0) if latencies else None,
        "rooms_on_one_shard": sum(1 for r in rooms if len(seen[r]) == 1 and seen[r] == {placed[r]}),
        "rooms_per_shard": dict((s, sum(1 for r in rooms if placed[r] == s)) for s in cluster.shards),
        "prosody": dict((s, {"cpu_percent": (after[s][0] - before[s][0]) / wall * 100 if wall else 0.0,
                             "rss_mib": after[s][1]}) for s in cluster.shards),
        "cpu": cpu,
        # all sessions leave together at the end of the step: how long closing them took, and
        # how long each Prosody stayed busy after that
        "leave_s": leave_s,
        "prosody_busy_after_leave_s": busy,
    }


def broken(result, max_error_rate=0.01, max_p99_ms=2000.0):
    """Why a step counts as the break point, or None."""
    if result["error_rate"] > max_error_rate:
        return "errors %.1f %% > %.0f %%" % (result["error_rate"] * 100, max_error_rate * 100)
    if result["join_ms"] is None or result["join_ms"]["p99"] > max_p99_ms:
        return "join p99 %s ms > %.0f ms" % ("n/a" if result["join_ms"] is None else "%.0f" % result["join_ms"]["p99"], max_p99_ms)
    return None


def next_steps(steps, growth=1.5, rounding=500):
    """The given steps, then each half again (rounded up to `rounding`), without end: the caller stops."""
    yield from steps
    sessions = steps[-1]
    while True:
        sessions = -(-int(sessions * growth) // rounding) * rounding
        yield sessions


def run(cluster, steps=(250, 500, 1000, 2000, 3000, 4500, 6000), headline=1000, rate=25.0, sockets=None,
        max_sessions=None):
    """The ramp until it breaks; the headline step (1,000 sessions in 100 rooms) runs even when a
    smaller step broke first, so the issue's fixed point is always reported. Past the given steps
    the ramp goes on until it breaks, a step would need more sockets than `sockets` (what the
    generator's processes, or its local ports, allow; by default generator_capacity) leaves after its
    own files, or a step would pass max_sessions (a bound on the bench's time: each step takes
    sessions / rate seconds to fill)."""
    sockets, bound = (sockets, "ulimit -Hn %d" % sockets) if sockets else generator_capacity(len(cluster.haproxy))
    results, break_point, done = [], None, 0
    for sessions in next_steps(sorted(set(steps) | {headline})):
        if break_point and sessions != headline:
            if sessions > headline:
                break
            continue
        if max_sessions and sessions > max_sessions:
            break_point = {"sessions": None, "reason": "did not break up to %d sessions; the next step, %d, is past the "
                           "bench's bound (--max-sessions %d)" % (done, sessions, max_sessions)}
            break
        if sessions + SOCKET_MARGIN > sockets:
            break_point = {"sessions": None, "reason": "did not break up to %d sessions; the next step, %d, needs more "
                           "sockets than the load generator may open (%s)" % (done, sessions, bound)}
            break
        try:
            waited = wait_for_shards(cluster)
            since = time.time()
            result = step(cluster, sessions, rate=rate)
            result["waited_for_shards_up_s"] = waited
            result["haproxy_down_events"] = down_events(haproxy_events(cluster, "@%d" % since))
            result["break"] = broken(result)
        except Exception as exc:  # pylint: disable=broad-except  # a step that cannot run is where it broke
            result = {"sessions": sessions, "joined": 0, "error_rate": 1.0, "join_ms": None, "error": str(exc)[:500],
                      "haproxy_log": haproxy_events(cluster), "cpu": {"bound_by": "n/a (step failed)"},
                      "break": "step failed: %s" % str(exc)[:200]}
        results.append(result)
        done = max(done, sessions)
        busy = ", ".join("%s %s s" % (shard, "n/a" if s is None else "%.1f" % s)
                         for shard, s in sorted(result.get("prosody_busy_after_leave_s", {}).items()))
        print("  signaling: %d sessions: %d joined, error rate %.3f, p99 %s ms, %s; rooms per shard %s; "
              "leave %s s, Prosody busy after it: %s; HAProxy DOWN events: %d%s" % (
                  sessions, result["joined"], result["error_rate"],
                  "%.0f" % result["join_ms"]["p99"] if result["join_ms"] else "n/a", result["cpu"]["bound_by"],
                  result.get("rooms_per_shard"), "%.1f" % result["leave_s"] if "leave_s" in result else "n/a",
                  busy or "n/a", len(result.get("haproxy_down_events", [])),
                  ", BREAKS: " + result["break"] if result["break"] else ""), flush=True)
        if result["break"] and not break_point:
            break_point = {"sessions": sessions, "reason": result["break"]}
    return {"name": "signaling load through HAProxy onto %d shards" % len(cluster.shards),
            "headline": next((r for r in results if r["sessions"] == headline), None),
            "break_point": break_point, "steps": results}
