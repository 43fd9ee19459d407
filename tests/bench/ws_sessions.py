"""Many anonymous XMPP-over-websocket participants at once, in one thread (asyncio).

The load generator's client. tests/xmpp/anonymous.WebSocketClient is the one-at-a-time client
of the Molecule tests; it uses websockets' threaded client, a reader thread per connection
beside the caller. Hundreds of those on TLS sockets read and write one OpenSSL connection from
two threads, which OpenSSL does not allow: the benchmark process died with heap corruption at
500 sessions. Here every connection lives on one event loop, and a session costs no thread.

Same protocol steps as WebSocketClient (RFC 7395): open, SASL ANONYMOUS, open again, bind,
MUC join until the server reflects our own presence.
"""

import asyncio
import multiprocessing
import pathlib
import os
import resource
import sys
import time
import xml.etree.ElementTree as ET

from websockets.asyncio.client import connect

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
# pylint: disable=wrong-import-position
from tests.xmpp.anonymous import (NS_BIND, NS_CLIENT, NS_FRAMING, NS_MUC, NS_MUC_USER, NS_SASL,  # noqa: E402
                                  XmppError, _insecure_tls, _tag)

TLS = _insecure_tls()


# As root the load generator raises its hard limit too, up to this many files (the kernel's
# fs.nr_open caps it): a shell's ulimit -Hn (20,000 here) would end the ramp before a shard breaks.
ROOT_FILE_LIMIT = 262144


def allow_many_sockets():
    """Raise this process's open-file limit as far as it may go: a session holds one socket."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if os.geteuid() == 0 and hard < ROOT_FILE_LIMIT:
        try:
            with open("/proc/sys/fs/nr_open") as f:
                wanted = min(ROOT_FILE_LIMIT, int(f.read()))
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, wanted))
            soft = hard = wanted
        except (OSError, ValueError):
            pass  # not allowed here (no CAP_SYS_RESOURCE): the hard limit stands
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


class Participant:
    """One anonymous participant; `join` returns the shard that answered and the seconds it took."""

    def __init__(self, address, domain, room, nick, port=443, timeout=20.0):
        self.url = "wss://%s:%d/xmpp-websocket?room=%s" % (domain, port, room)
        self.address, self.port, self.domain = address, port, domain
        self.room_jid = "%s@conference.%s" % (room, domain)
        self.nick, self.timeout = nick, timeout
        self.ws = None
        self.step = "connect"  # the join's step under way, named in its error

    async def _next(self, tag):
        while True:
            elem = ET.fromstring(await asyncio.wait_for(self.ws.recv(), self.timeout))
            if _tag(elem) in tag:
                return elem

    async def _stream(self):
        await self.ws.send('<open xmlns="%s" to="%s" version="1.0"/>' % (NS_FRAMING, self.domain))
        await self._next(("open",))
        return await self._next(("features",))

    async def join(self):
        start = time.monotonic()
        self.ws = await connect(self.url, host=self.address, port=self.port, ssl=TLS, server_hostname=self.domain,
                                subprotocols=["xmpp"], open_timeout=self.timeout, ping_interval=None)
        self.step = "stream"
        features = await self._stream()
        if "ANONYMOUS" not in [m.text for m in features.iter("{%s}mechanism" % NS_SASL)]:
            raise XmppError("ANONYMOUS not offered")
        self.step = "auth"
        await self.ws.send('<auth xmlns="%s" mechanism="ANONYMOUS"/>' % NS_SASL)
        if _tag(await self._next(("success", "failure"))) != "success":
            raise XmppError("anonymous login failed")
        self.step = "bind"
        await self._stream()
        await self.ws.send('<iq type="set" id="b" xmlns="%s"><bind xmlns="%s"/></iq>' % (NS_CLIENT, NS_BIND))
        if (await self._next(("iq",))).get("type") != "result":
            raise XmppError("bind failed")
        self.step = "join"
        await self.ws.send('<presence to="%s/%s" xmlns="%s"><x xmlns="%s"/></presence>'
                           % (self.room_jid, self.nick, NS_CLIENT, NS_MUC))
        while True:
            presence = await self._next(("presence",))
            if presence.get("type") == "error":
                raise XmppError("join %s refused" % self.room_jid)
            codes = [s.get("code") for s in presence.findall(".//{%s}status" % NS_MUC_USER)]
            if presence.get("from") == "%s/%s" % (self.room_jid, self.nick) or "110" in codes:
                return self.ws.response.headers.get("x-jitsi-shard"), time.monotonic() - start

    async def close(self):
        if self.ws is not None:
            try:
                await self.ws.send('<close xmlns="%s"/>' % NS_FRAMING)
            except Exception:  # pylint: disable=broad-except  # the server may have closed first
                pass
            await self.ws.close()


class StepTimeLimit(Exception):
    """A join cut off by the step's time limit rather than by a wait on the server."""


async def arrive(participants, rate, deadline, on_result, start=None, indices=None):
    """Join each participant at start + i/rate (open loop), i its place in the arrivals of all
    generator processes (indices; by default its place in the list); start is time.monotonic(),
    one clock for every process of the machine. on_result(participant, shard, seconds, error)."""
    start = time.monotonic() if start is None else start
    indices = range(len(participants)) if indices is None else indices

    async def one(i, participant):
        await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
        try:
            shard, seconds = await asyncio.wait_for(participant.join(), max(0.1, deadline - time.monotonic()))
        except Exception as exc:  # pylint: disable=broad-except  # counted by kind by the caller
            if isinstance(exc, TimeoutError) and time.monotonic() >= deadline:
                exc = StepTimeLimit("still joining when the step's time limit passed")
            on_result(participant, None, None, exc)
            return
        on_result(participant, shard, seconds, None)
    await asyncio.gather(*(one(i, p) for i, p in zip(indices, participants)))
    return time.monotonic() - start


async def leave(participants):
    await asyncio.gather(*(p.close() for p in participants), return_exceptions=True)


def error_kind(exc, step=None):
    """What failed, precise enough to act on: a refused websocket upgrade names its HTTP status,
    and the join's step (connect, stream, auth, bind, join) tells nginx/HAProxy from Prosody."""
    status = getattr(getattr(exc, "response", None), "status_code", None)
    return type(exc).__name__ + (" HTTP %d" % status if status else "") + (" in %s" % step if step else "")


# A process may hold only so many sockets (ulimit -Hn, 20,000 on this machine, and it cannot be
# raised without CAP_SYS_RESOURCE): past that the sessions are shared by several processes.
FILES_PER_PROCESS_MARGIN = 100


async def _hold(specs, rate, start, time_limit, after_arrivals):
    """Join each of specs ([(index, Participant arguments)]) at its place in the arrivals, await
    after_arrivals(wall, outcomes), then leave all together.
    Returns (wall, [(room, shard, seconds, error kind)], what after_arrivals returned, leave seconds)."""
    participants = [Participant(*args) for _index, args in specs]
    outcomes = []

    def on_result(participant, shard, seconds, exc):
        outcomes.append((participant.room_jid, shard, seconds, None if exc is None else error_kind(exc, participant.step)))
    wall = await arrive(participants, rate, start + time_limit, on_result, start=start, indices=[i for i, _a in specs])
    arrived = await after_arrivals(wall, outcomes)
    started = time.monotonic()
    await leave(participants)
    return wall, outcomes, arrived, time.monotonic() - started


def _worker(conn, specs, rate, time_limit):
    """One generator process of several: its share of the arrivals, on the machine's one clock;
    reports them, leaves when told."""
    allow_many_sockets()

    async def report_then_wait(wall, outcomes):
        conn.send((wall, outcomes))
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)
    conn.send("ready")
    start = conn.recv()
    leave_s = asyncio.run(_hold(specs, rate, start, time_limit, report_then_wait))[3]
    conn.send(leave_s)


def sessions_at_once(specs, rate, time_limit, per_process, on_all_arrived, on_started=None):
    """Hold len(specs) sessions: each joins at its place in the arrivals (specs: [(index,
    Participant arguments)]), on_all_arrived() once every join ended, then all leave together.
    More sessions than per_process are shared among processes, every K-th arrival to each.
    on_started(pids of the generator processes besides this one) before the first arrival.
    Returns (wall, [(room, shard, seconds, error kind)], what on_all_arrived returned, seconds the leave took)."""
    processes = max(1, -(-len(specs) // per_process))
    if processes == 1:
        if on_started:
            on_started([])

        async def measure(_wall, _outcomes):
            return on_all_arrived()
        return asyncio.run(_hold(specs, rate, time.monotonic(), time_limit, measure))
    context = multiprocessing.get_context("spawn")  # no fork: the caller holds threads and TLS state
    pipes, workers = [], []
    for share in range(processes):
        parent, child = context.Pipe()
        worker = context.Process(target=_worker, args=(child, specs[share::processes], rate, time_limit), daemon=True)
        worker.start()
        pipes.append(parent)
        workers.append(worker)
    try:
        for pipe, worker in zip(pipes, workers):  # every process ready before the first arrival
            try:
                ready = pipe.poll(120) and pipe.recv() == "ready"
            except EOFError:
                ready = False
            if not ready:
                raise RuntimeError("load generator process %d did not start (exit code %s)" % (worker.pid, worker.exitcode))
        if on_started:
            on_started([w.pid for w in workers])
        start = time.monotonic() + 0.2
        for pipe in pipes:
            pipe.send(start)
        outcomes, wall = [], 0.0
        for pipe in pipes:
            if not pipe.poll(time_limit + 120):
                raise RuntimeError("a load generator process did not report its arrivals in time")
            share_wall, share_outcomes = pipe.recv()
            wall, outcomes = max(wall, share_wall), outcomes + share_outcomes
        arrived = on_all_arrived()
        for pipe in pipes:
            pipe.send("leave")
        leave_s = max(pipe.recv() if pipe.poll(300) else float("nan") for pipe in pipes)
        return wall, outcomes, arrived, leave_s
    finally:
        for worker in workers:
            worker.join(30)
            if worker.is_alive():
                worker.terminate()
