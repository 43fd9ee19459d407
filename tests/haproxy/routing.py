"""Room routing harness: which shard serves each room through HAProxy.

Talks HTTPS to HAProxy nodes on the test network only (addresses come from the
caller), asks `/http-bind?room=<spelling>` and reads the `x-jitsi-shard` header
nginx adds on every shard. A room is *split* when its requests reached more
than one shard, and *moved* when it is served by another shard than before.
Bounded: a fixed number of requests per phase, each with a timeout.
"""

import concurrent.futures
import http.client
import random
import ssl
import threading
import urllib.parse

ALPHABETS = [
    "abcdefghijklmnopqrstuvwxyz",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    "äöüßéèçñÄÖÜÉÈÇÑabcdef",
    "ΑΒΓΔΕΖΗΘαβγδεζηθ",
    "АБВГДЕЖЗабвгдежз",
    "abc-_.~ +!'()*",
]


def room_names(count, seed=1):
    """Distinct room names mixing case, punctuation and non-ASCII letters (Prosody-equal ones removed)."""
    rng = random.Random(seed)
    names, seen = [], set()
    while len(names) < count:
        alphabet = ALPHABETS[len(names) % len(ALPHABETS)]
        name = "".join(rng.choice(alphabet) for _letter in range(rng.randint(6, 24))).strip() or "room"
        key = name.lower()
        if key not in seen:
            seen.add(key)
            names.append(name)
    return names


def spellings(name):
    """Ways clients write the same room in the URL: case and percent-encoding differ."""
    variants = [
        urllib.parse.quote(name, safe=""),
        urllib.parse.quote(name.lower(), safe=""),
        urllib.parse.quote(name.upper(), safe=""),
        urllib.parse.quote(name.swapcase(), safe=""),
        urllib.parse.quote(name, safe="").lower(),  # lower-case hex digits, as Jitsi Meet sends them
        "".join("%%%02X" % b for b in name.encode("utf-8")),  # every byte encoded
    ]
    return variants


class Client(object):
    """One keep-alive HTTPS connection per node and thread."""

    def __init__(self, host_header, timeout=10):
        self.host_header = host_header
        self.timeout = timeout
        self.context = ssl.create_default_context()
        self.context.check_hostname = False
        self.context.verify_mode = ssl.CERT_NONE  # the test bed's self-signed certificate
        self.local = threading.local()

    def _conn(self, address, port):
        conns = getattr(self.local, "conns", None)
        if conns is None:
            conns = self.local.conns = {}
        key = (address, port)
        if key not in conns:
            conns[key] = http.client.HTTPSConnection(address, port, timeout=self.timeout, context=self.context)
        return conns[key]

    def shard_of(self, address, port, spelling):
        """The shard that answered for this room spelling, or raises on any failure."""
        for attempt in (1, 2):
            conn = self._conn(address, port)
            try:
                conn.request("GET", "/http-bind?room=" + spelling, headers={"Host": self.host_header})
                resp = conn.getresponse()
                resp.read()
                shard = resp.getheader("x-jitsi-shard")
                if resp.status != 200 or not shard:
                    raise RuntimeError("HTTP %d without x-jitsi-shard from %s:%s" % (resp.status, address, port))
                return shard
            except (http.client.HTTPException, OSError):
                conn.close()
                self.local.conns.pop((address, port), None)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def jitsi_spelling(name):
    """The one spelling Jitsi Meet sends: lower-cased, percent-encoded with lower-case hex."""
    return [urllib.parse.quote(name.lower(), safe="").lower()]


def probe(client, nodes, rooms, rounds=1, workers=16, seed=7, variants=spellings):
    """Ask every spelling of every room `rounds` times, alternating nodes.

    The first requests of a room go to all nodes at the same moment, the race
    a stick table alone loses. Returns {room: {shard: count}} and the errors.
    """
    rng = random.Random(seed)
    jobs = []
    for name in rooms:
        for r in range(rounds):
            for i, spelling in enumerate(variants(name)):
                node = nodes[(i + r) % len(nodes)] if r or i >= len(nodes) else nodes[i]
                jobs.append((name, node, spelling))
    # keep each room's requests together (so the first ones race), shuffle the rooms
    by_room = {}
    for job in jobs:
        by_room.setdefault(job[0], []).append(job)
    order = list(by_room)
    rng.shuffle(order)
    seen, errors = {}, []
    lock = threading.Lock()

    def run(job):
        name, (address, port), spelling = job
        try:
            shard = client.shard_of(address, port, spelling)
        except Exception as exc:  # pylint: disable=broad-except  # counted, reported by the caller
            with lock:
                errors.append("%s via %s: %s" % (name, address, exc))
            return
        with lock:
            counts = seen.setdefault(name, {})
            counts[shard] = counts.get(shard, 0) + 1

    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(run, [job for name in order for job in by_room[name]]))
    return seen, errors


def split_rooms(seen):
    return sorted(name for name, counts in seen.items() if len(counts) > 1)


def placement(seen):
    """{room: shard} for rooms that reached exactly one shard."""
    return dict((name, next(iter(counts))) for name, counts in seen.items() if len(counts) == 1)


def shard_sets(seen):
    """{room: set of shards that served it}."""
    return dict((name, set(counts)) for name, counts in seen.items())


def moved(before, after):
    """Rooms seen in both runs that are served elsewhere now.

    Takes placements ({room: shard}) or shard sets ({room: {shards}}): a room moved when
    the shards serving it are not the same ones.
    """
    def norm(v):
        return v if isinstance(v, set) else {v}
    return sorted(name for name in before if name in after and norm(before[name]) != norm(after[name]))


def spread(place):
    out = {}
    for shard in place.values():
        out[shard] = out.get(shard, 0) + 1
    return out
