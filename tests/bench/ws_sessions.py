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
import pathlib
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


def allow_many_sockets():
    """Raise this process's open-file limit to its hard limit: a session holds one socket."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
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
        features = await self._stream()
        if "ANONYMOUS" not in [m.text for m in features.iter("{%s}mechanism" % NS_SASL)]:
            raise XmppError("ANONYMOUS not offered")
        await self.ws.send('<auth xmlns="%s" mechanism="ANONYMOUS"/>' % NS_SASL)
        if _tag(await self._next(("success", "failure"))) != "success":
            raise XmppError("anonymous login failed")
        await self._stream()
        await self.ws.send('<iq type="set" id="b" xmlns="%s"><bind xmlns="%s"/></iq>' % (NS_CLIENT, NS_BIND))
        if (await self._next(("iq",))).get("type") != "result":
            raise XmppError("bind failed")
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


async def arrive(participants, rate, deadline, on_result):
    """Join each participant at start + i/rate (open loop); on_result(participant, shard, seconds, error)."""
    start = time.monotonic()

    async def one(i, participant):
        await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
        try:
            shard, seconds = await asyncio.wait_for(participant.join(), max(0.1, deadline - time.monotonic()))
        except Exception as exc:  # pylint: disable=broad-except  # counted by kind by the caller
            on_result(participant, None, None, exc)
            return
        on_result(participant, shard, seconds, None)
    await asyncio.gather(*(one(i, p) for i, p in enumerate(participants)))
    return time.monotonic() - start


async def leave(participants):
    await asyncio.gather(*(p.close() for p in participants), return_exceptions=True)
