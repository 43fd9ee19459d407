"""Anonymous XMPP clients over the web transports Jitsi Meet uses.

slixmpp speaks XMPP over TCP only, so the two web transports are implemented
here on the `websockets` library and the standard HTTP client, following
RFC 7395 (XMPP over WebSocket) and XEP-0124/XEP-0206 (BOSH). They speak the
real protocol to the real Prosody through the real nginx; they are test tools,
not stand-ins for any Jitsi component.
"""

import http.client
import itertools
import random
import socket
import ssl
import time
import xml.etree.ElementTree as ET

from websockets.exceptions import ConnectionClosedError, InvalidStatus
from websockets.sync.client import connect as ws_connect

NS_FRAMING = "urn:ietf:params:xml:ns:xmpp-framing"
NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl"
NS_BIND = "urn:ietf:params:xml:ns:xmpp-bind"
NS_BOSH = "http://jabber.org/protocol/httpbind"
NS_MUC = "http://jabber.org/protocol/muc"
NS_MUC_USER = "http://jabber.org/protocol/muc#user"
NS_CLIENT = "jabber:client"


class XmppError(Exception):
    pass


def _insecure_tls():
    # Test containers use self-signed certificates.
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def _tag(elem):
    return elem.tag.split("}", 1)[-1]


class _Session(object):
    """What both transports share once stanzas flow: bind, join a room, read presence."""

    domain = None
    jid = None
    inbox = None  # stanzas received and not yet consumed

    def send(self, xml):
        raise NotImplementedError

    def receive(self, timeout):
        """Return a list of top-level elements."""
        raise NotImplementedError

    def expect(self, predicate, timeout=10.0, what="stanza"):
        """Return the first stanza, already received or arriving, that matches."""
        deadline = time.monotonic() + timeout
        while True:
            for index, elem in enumerate(self.inbox):
                if predicate(elem):
                    return self.inbox.pop(index)
            left = deadline - time.monotonic()
            if left <= 0:
                raise XmppError("no %s received within %ss" % (what, timeout))
            try:
                self.inbox.extend(self.receive(left))
            except TimeoutError:
                continue

    def bind(self):
        self.send('<iq type="set" id="bind1" xmlns="%s"><bind xmlns="%s"/></iq>' % (NS_CLIENT, NS_BIND))
        result = self.expect(lambda e: _tag(e) == "iq" and e.get("id") == "bind1", what="bind result")
        if result.get("type") != "result":
            raise XmppError("bind failed: %s" % ET.tostring(result))
        self.jid = result.find(".//{%s}jid" % NS_BIND).text
        return self.jid

    def join(self, room_jid, nick):
        """Send MUC presence; return (own presence, other occupants' nicks) or raise on error."""
        self.send('<presence to="%s/%s" xmlns="%s"><x xmlns="%s"/></presence>' % (room_jid, nick, NS_CLIENT, NS_MUC))
        others = set()
        while True:
            p = self.expect(lambda e: _tag(e) == "presence" and e.get("from", "").startswith(room_jid + "/"),
                            what="presence from %s" % room_jid)
            if p.get("type") == "error":
                cond = p.find("{%s}error" % NS_CLIENT)
                raise XmppError("join %s refused: %s" % (room_jid, [_tag(c) for c in cond] if cond is not None else "error"))
            occupant = p.get("from").split("/", 1)[1]
            statuses = [s.get("code") for s in p.findall(".//{%s}status" % NS_MUC_USER)]
            if occupant == nick or "110" in statuses:
                return p, others
            others.add(occupant)

    def wait_for_occupant(self, room_jid, nick, timeout=10.0):
        return self.expect(lambda e: _tag(e) == "presence" and e.get("from") == "%s/%s" % (room_jid, nick),
                           timeout=timeout, what="presence of %s" % nick)


class WebSocketClient(_Session):
    """Anonymous login over /xmpp-websocket (RFC 7395)."""

    def __init__(self, address, domain, port=443, path="/xmpp-websocket", web_domain=None):
        self.domain = domain  # the XMPP host the stream opens to (e.g. a guest domain)
        web_domain = web_domain or domain
        self.inbox = []
        # The URI names the web domain (Host header, SNI); the socket goes to the test host.
        # The opening handshake is tried up to three times: on a loaded 2-core test machine a TLS
        # handshake occasionally breaks off; a server that refuses keeps failing and is reported.
        # websockets reports a handshake cut short by its open_timeout as ConnectionClosedError
        # (the TLS write then fails on the socket it closed), so that counts as broken off too.
        # So does HTTP 408 (HAProxy's `timeout http-request` ran out before the request arrived):
        # RFC 9110 lets a client repeat the request on a new connection.
        for attempt in (1, 2, 3):
            sock = socket.create_connection((address, port), timeout=20)
            try:
                self.ws = ws_connect("wss://%s:%d%s" % (web_domain, port, path), sock=sock, subprotocols=["xmpp"],
                                     ssl=_insecure_tls(), server_hostname=web_domain,
                                     open_timeout=20).__enter__()  # pylint: disable=unnecessary-dunder-call  # closed in close()
                break
            except (ssl.SSLError, TimeoutError, ConnectionResetError, ConnectionClosedError, InvalidStatus) as error:
                sock.close()
                if attempt == 3 or (isinstance(error, InvalidStatus) and error.response.status_code != 408):
                    raise
                time.sleep(0.5 * attempt)
        if self.ws.subprotocol != "xmpp":
            raise XmppError("server did not accept the xmpp subprotocol")
        # what answered the upgrade, e.g. the x-jitsi-shard header each shard's nginx adds
        self.response_headers = self.ws.response.headers

    def send(self, xml):
        self.ws.send(xml)

    def receive(self, timeout):
        return [ET.fromstring(self.ws.recv(timeout=timeout))]

    def _open(self):
        self.send('<open xmlns="%s" to="%s" version="1.0"/>' % (NS_FRAMING, self.domain))
        self.expect(lambda e: _tag(e) == "open", what="open")
        return self.expect(lambda e: _tag(e) == "features", what="stream features")

    def login_anonymous(self):
        features = self._open()
        mechanisms = [m.text for m in features.iter("{%s}mechanism" % NS_SASL)]
        if "ANONYMOUS" not in mechanisms:
            raise XmppError("ANONYMOUS not offered (got %s)" % mechanisms)
        self.send('<auth xmlns="%s" mechanism="ANONYMOUS"/>' % NS_SASL)
        outcome = self.expect(lambda e: _tag(e) in ("success", "failure"), what="SASL outcome")
        if _tag(outcome) != "success":
            raise XmppError("anonymous login failed")
        self._open()
        return self.bind()

    def close(self):
        try:
            self.send('<close xmlns="%s"/>' % NS_FRAMING)
        finally:
            self.ws.close()


class BoshClient(_Session):
    """Anonymous login over /http-bind (XEP-0124, XEP-0206)."""

    def __init__(self, address, domain, port=443, path="/http-bind"):
        self.domain = domain
        self.inbox = []
        self.path = path
        self.conn = http.client.HTTPSConnection(address, port, context=_insecure_tls(), timeout=30)
        self.rid = itertools.count(random.randint(10 ** 6, 10 ** 7))
        self.sid = None

    def _post(self, payload="", **attrs):
        attrs.setdefault("rid", str(next(self.rid)))
        if self.sid:
            attrs["sid"] = self.sid
        attr_text = " ".join('%s="%s"' % (k.replace("__", ":").replace("_", "-") if k.startswith("xmpp") else k, v)
                             for k, v in attrs.items())
        body = '<body xmlns="%s" xmlns:xmpp="urn:xmpp:xbosh" %s>%s</body>' % (NS_BOSH, attr_text, payload)
        self.conn.request("POST", self.path, body=body.encode(), headers={
            "Host": self.domain, "Content-Type": "text/xml; charset=utf-8"})
        response = self.conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise XmppError("BOSH HTTP %d: %r" % (response.status, data[:200]))
        root = ET.fromstring(data)
        if root.get("type") == "terminate":
            raise XmppError("BOSH session terminated: %s" % root.get("condition"))
        return root

    def send(self, xml):
        self.inbox.extend(self._post(xml))

    def receive(self, timeout):
        return list(self._post())

    def login_anonymous(self):
        root = self._post(to=self.domain, wait="3", hold="1", ver="1.6", xmpp__version="1.0")
        self.sid = root.get("sid")
        features = root.find("{http://etherx.jabber.org/streams}features")
        if features is None:
            features = self.expect(lambda e: _tag(e) == "features", what="stream features")
        if "ANONYMOUS" not in [m.text for m in features.iter("{%s}mechanism" % NS_SASL)]:
            raise XmppError("ANONYMOUS not offered over BOSH")
        self.send('<auth xmlns="%s" mechanism="ANONYMOUS"/>' % NS_SASL)
        outcome = self.expect(lambda e: _tag(e) in ("success", "failure"), what="SASL outcome")
        if _tag(outcome) != "success":
            raise XmppError("anonymous login failed over BOSH")
        restarted = self._post(to=self.domain, xmpp__restart="true")
        self.inbox.extend(e for e in restarted if _tag(e) != "features")
        return self.bind()

    def close(self):
        try:
            self._post(type="terminate")
        except XmppError as exc:
            if "terminated" not in str(exc):  # the answer to our own terminate
                raise
        finally:
            self.conn.close()
