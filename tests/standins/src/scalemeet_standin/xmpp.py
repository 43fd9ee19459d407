"""One XMPP client account that joins the brewery MUC, as jicofo and the bridges do."""

import asyncio
import inspect
import logging
import ssl
import xml.etree.ElementTree as ET

import slixmpp

COLIBRI_NS = "http://jitsi.org/protocol/colibri"
MUC_NS = "http://jabber.org/protocol/muc"
MUC_USER_NS = "http://jabber.org/protocol/muc#user"

log = logging.getLogger("standin.xmpp")


def stats_element(stats):
    """<stats xmlns=colibri><stat name= value=/>..</stats>, the bridge presence extension jicofo reads."""
    el = ET.Element("{%s}stats" % COLIBRI_NS)
    for name in sorted(stats):
        value = stats[name]
        if isinstance(value, bool):
            value = "true" if value else "false"
        ET.SubElement(el, "{%s}stat" % COLIBRI_NS, name=name, value=str(value))
    return el


def parse_stats(presence_xml):
    el = presence_xml.find("{%s}stats" % COLIBRI_NS)
    if el is None:
        return {}
    return dict((s.get("name"), s.get("value")) for s in el.findall("{%s}stat" % COLIBRI_NS))


class BreweryMember(slixmpp.ClientXMPP):
    """Logs in, joins each room with a nickname and keeps rejoining after a disconnect."""

    def __init__(self, name, jid, password, host, port, rooms, nick, verify_tls, payload=None, on_presence=None,
                 on_offline=None):
        super(BreweryMember, self).__init__(jid, password)
        self.sd_name = name
        self.sd_server = (host, int(port))
        self.sd_rooms = rooms
        self.sd_nick = nick
        self.sd_payload = payload
        self.sd_on_presence = on_presence
        self.sd_on_offline = on_offline  # the rooms' occupants are unknown until rejoined
        self.sd_online = False
        self.sd_joined = set()
        if not verify_tls:
            self.ssl_context.check_hostname = False
            self.ssl_context.verify_mode = ssl.CERT_NONE
        self.add_event_handler("session_start", self._session_start)
        self.add_event_handler("disconnected", self._disconnected)
        self.add_event_handler("presence", self._presence)
        self.add_event_handler("failed_all_auth", lambda _e: log.error("%s: login refused for %s", name, jid))

    def start(self):
        params = inspect.signature(self.connect).parameters
        if "host" in params:
            self.connect(host=self.sd_server[0], port=self.sd_server[1])
        else:  # slixmpp before 1.9
            self.connect(address=self.sd_server)

    async def _pick_dns_answer(self, domain, port=None):
        # slixmpp 1.8 resolves the host again and would fall back to port 5222,
        # losing the port given to connect(): pass the configured one down.
        return await super(BreweryMember, self)._pick_dns_answer(domain, port or self.sd_server[1])

    async def _session_start(self, _event):
        self.sd_online = True
        log.info("%s: logged in as %s", self.sd_name, self.boundjid)
        self.send_presence()
        self.refresh()

    def _disconnected(self, _event):
        if self.sd_online:
            log.warning("%s: disconnected, reconnecting", self.sd_name)
        self.sd_online = False
        self.sd_joined.clear()
        if self.sd_on_offline is not None:
            self.sd_on_offline()
        asyncio.get_event_loop().call_later(3, self.start)

    def refresh(self):
        """(Re)send the MUC presence with the current payload to every room."""
        if not self.sd_online:
            return
        for room in self.sd_rooms:
            pres = self.make_presence(pto="%s/%s" % (room, self.sd_nick))
            pres.append(ET.Element("{%s}x" % MUC_NS))
            if self.sd_payload is not None:
                pres.append(self.sd_payload())
            pres.send()

    def _presence(self, pres):
        room = pres["from"].bare
        if room not in self.sd_rooms:
            return
        nick = pres["from"].resource
        if nick == self.sd_nick:
            if pres["type"] == "error":
                log.error("%s: refused by %s: %s", self.sd_name, room, pres["error"]["condition"])
                return
            if room not in self.sd_joined:
                log.info("%s: joined %s as %s", self.sd_name, room, nick)
                self.sd_joined.add(room)
            return
        if self.sd_on_presence is not None:
            item = pres.xml.find("{%s}x/{%s}item" % (MUC_USER_NS, MUC_USER_NS))
            real_jid = item.get("jid") if item is not None else None
            self.sd_on_presence(room, nick, real_jid, pres["type"], parse_stats(pres.xml))
