"""Stand-in for jicofo (TEST DOUBLE, see the package docstring).

Reads jicofo.conf like jicofo: logs in as focus on the client connection (or
the service connection when jicofo.bridge.xmpp-connection-name = Service),
joins the brewery and tracks every bridge's colibri stats from its presence.
Serves /about/health, /stats and /debug on jicofo's REST address; /debug
lists the bridges it sees with region, relay id, stress and drain state.
/stats has jicofo's top-level "conferences" and "participants" counts, which the
double does not run itself: POST /test-double/conferences sets them (as the
bridge double's hook does), so a test can hold a shard busy while it drains.
"""

import asyncio
import logging
import threading

from . import hocon, http, service, xmpp

log = logging.getLogger("standin.jicofo")


class Focus(object):
    def __init__(self, conf):
        self.conf = conf
        self.lock = threading.Lock()
        self.bridges = {}
        self.member = None
        self.conferences = 0
        self.participants = 0

    def on_presence(self, _room, nick, real_jid, ptype, stats):
        key = real_jid or nick
        with self.lock:
            if ptype == "unavailable":
                if self.bridges.pop(key, None) is not None:
                    log.info("bridge %s left the brewery", key)
                return
            if key not in self.bridges:
                log.info("bridge %s joined the brewery (region %s)", key, stats.get("region"))
            self.bridges[key] = {
                "jid": key,
                "nickname": nick,
                "region": stats.get("region"),
                "relay_id": stats.get("relay_id"),
                "stress": float(stats.get("stress_level") or 0),
                "draining": hocon.as_bool(stats.get("drain", False)),
                "graceful_shutdown": hocon.as_bool(stats.get("graceful_shutdown", False)),
                "operational": hocon.as_bool(stats.get("healthy", True)),
                "version": stats.get("version"),
            }

    def on_offline(self):
        # Like jicofo, forget the bridges when the brewery is lost: after reconnecting, the
        # presences of the bridges there now fill the table again.
        with self.lock:
            self.bridges.clear()

    def snapshot(self):
        with self.lock:
            return dict((k, dict(v)) for k, v in self.bridges.items())

    def r_health(self, _body):
        bridges = self.snapshot()
        if not (self.member and self.member.sd_online):
            return 500, "not connected to XMPP"
        if not any(b["operational"] and not b["draining"] for b in bridges.values()):
            return 503, "no operational bridges"
        return 200, ""

    def r_stats(self, _body):
        bridges = self.snapshot().values()
        with self.lock:
            counts = {"conferences": self.conferences, "participants": self.participants}
        return 200, dict(counts, bridge_selector={
            "bridge_count": len(bridges),
            "operational_bridge_count": sum(1 for b in bridges if b["operational"]),
            "in_shutdown_bridge_count": sum(1 for b in bridges if b["graceful_shutdown"]),
            "draining_bridge_count": sum(1 for b in bridges if b["draining"]),
        }, test_double=True)

    def r_test_conferences(self, body):
        with self.lock:
            self.conferences = int(body.get("conferences", self.conferences))
            self.participants = int(body.get("participants", self.participants))
        return self.r_stats(None)

    def r_debug(self, _body):
        c = self.conf
        return 200, {"bridge_selector": {
            "strategy": hocon.get(c, "jicofo.bridge.selection-strategy", "SingleBridgeSelectionStrategy"),
            "local_region": hocon.get(c, "jicofo.local-region"),
            "region_groups": hocon.get(c, "jicofo.bridge.region-groups", []),
            "bridges": self.snapshot(),
        }, "octo_enabled": hocon.as_bool(hocon.get(c, "jicofo.octo.enabled", False)), "test_double": True}

    def run(self):
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        c = self.conf
        connection = hocon.get(c, "jicofo.bridge.xmpp-connection-name", "Service")
        if connection == "Service" and hocon.as_bool(hocon.get(c, "jicofo.xmpp.service.enabled", False)):
            x = hocon.get(c, "jicofo.xmpp.service")
        else:
            x = hocon.get(c, "jicofo.xmpp.client")
        brewery = hocon.get(c, "jicofo.bridge.brewery-jid")
        if not brewery:
            raise SystemExit("jicofo.bridge.brewery-jid is not set")
        self.member = xmpp.BreweryMember(
            "focus", "%s@%s" % (hocon.get(x, "username", "focus"), x["domain"]), x["password"],
            hocon.get(x, "hostname", "localhost"), hocon.get(x, "port", 5222), [brewery], "focus",
            not hocon.as_bool(hocon.get(x, "disable-certificate-verification", False)), on_presence=self.on_presence,
            on_offline=self.on_offline)
        self.member.start()
        if hocon.as_bool(hocon.get(c, "jicofo.rest.enabled", True)):
            http.serve(hocon.get(c, "jicofo.rest.host", "127.0.0.1"), hocon.get(c, "jicofo.rest.port", 8888), {
                ("GET", "/about/health"): self.r_health,
                ("GET", "/stats"): self.r_stats,
                ("GET", "/debug"): self.r_debug,
                ("POST", "/test-double/conferences"): self.r_test_conferences,
            })
        loop.run_forever()


def main():
    service.run(Focus, "/etc/jitsi/jicofo", "jicofo.conf")


if __name__ == "__main__":
    main()
