"""Stand-in for jitsi-videobridge2 (TEST DOUBLE, see the package docstring).

Reads jvb.conf like the bridge: every videobridge.apis.xmpp-client.configs
entry logs in and joins its brewery MUCs with the bridge's colibri stats in
presence (region, relay_id, stress_level, drain, graceful_shutdown). Serves
/about/health, /about/version, /colibri/stats, /colibri/drain/enable|disable
and /colibri/shutdown on the private HTTP server, and counts UDP datagrams on
the ICE port. /test-double/conferences sets conference and participant counts,
since no real conference runs on a double.
"""

import asyncio
import logging
import os
import socket
import threading

from . import hocon, http, service, xmpp

log = logging.getLogger("standin.jvb")
VERSION = os.environ.get("STANDIN_VERSION", "0")


class Bridge(object):
    def __init__(self, conf):
        self.conf = conf
        self.lock = threading.Lock()
        self.drain = hocon.as_bool(hocon.get(conf, "videobridge.initial-drain-mode", False))
        self.graceful = False
        self.conferences = 0
        self.participants = 0
        self.udp_packets = 0
        self.relay_enabled = hocon.as_bool(hocon.get(conf, "videobridge.relay.enabled", False))
        self.region = hocon.get(conf, "videobridge.relay.region")
        self.relay_id = hocon.get(conf, "videobridge.relay.relay-id")
        if self.relay_enabled and (not self.region or not self.relay_id):
            # The bridge refuses this too: region and relay-id must be set when relays are enabled.
            raise SystemExit("videobridge.relay.enabled is true but region or relay-id is not set")
        self.members = []
        self.loop = None

    def stats(self):
        with self.lock:
            return {
                "conferences": self.conferences,
                "participants": self.participants,
                "stress_level": round(min(1.0, self.participants * 0.01), 3),
                "drain": self.drain,
                "graceful_shutdown": self.graceful,
                "shutting_down": False,
                "healthy": True,
                "region": self.region or "",
                "relay_id": self.relay_id or "",
                "version": VERSION,
                "test_double": True,
                "test_double_udp_packets_received": self.udp_packets,
            }

    def presence_stats(self):
        s = self.stats()
        keys = ["stress_level", "drain", "graceful_shutdown", "shutting_down", "healthy", "version", "conferences", "participants"]
        if self.region:
            keys.append("region")
        if self.relay_id:
            keys.append("relay_id")
        return xmpp.stats_element(dict((k, s[k]) for k in keys))

    def announce(self):
        for member in self.members:
            self.loop.call_soon_threadsafe(member.refresh)

    def check_shutdown(self):
        with self.lock:
            done = self.graceful and self.participants == 0
        if done:
            log.info("graceful shutdown: no participants left, exiting")
            self.loop.call_soon_threadsafe(self.loop.stop)

    # --- REST
    def r_health(self, _body):
        return 200, ""

    def r_version(self, _body):
        return 200, {"name": "JVB (test double)", "version": VERSION, "os": "Linux"}

    def r_stats(self, _body):
        return 200, self.stats()

    def _set_drain(self, value):
        with self.lock:
            self.drain = value
        log.info("drain %s", "enabled" if value else "disabled")
        self.announce()
        return 200, ""

    def r_shutdown(self, body):
        if not hocon.as_bool(body.get("graceful-shutdown", False)):
            self.loop.call_soon_threadsafe(self.loop.stop)
            return 200, ""
        with self.lock:
            self.graceful = True
        self.announce()
        self.check_shutdown()
        return 200, ""

    def r_test_conferences(self, body):
        with self.lock:
            self.conferences = int(body.get("conferences", self.conferences))
            self.participants = int(body.get("participants", self.participants))
        self.announce()
        self.check_shutdown()
        return 200, self.stats()

    def routes(self):
        conf = self.conf
        routes = {("GET", "/about/version"): self.r_version, ("GET", "/colibri/stats"): self.r_stats,
                  ("POST", "/test-double/conferences"): self.r_test_conferences}
        if hocon.as_bool(hocon.get(conf, "videobridge.rest.health.enabled", True)):
            routes[("GET", "/about/health")] = self.r_health
        if hocon.as_bool(hocon.get(conf, "videobridge.rest.drain.enabled", True)):
            routes[("POST", "/colibri/drain/enable")] = lambda _b: self._set_drain(True)
            routes[("POST", "/colibri/drain/disable")] = lambda _b: self._set_drain(False)
        # As in the bridge, the shutdown API needs the COLIBRI REST API too.
        if hocon.as_bool(hocon.get(conf, "videobridge.rest.shutdown.enabled", False)) and \
                hocon.as_bool(hocon.get(conf, "videobridge.apis.rest.enabled", False)):
            routes[("POST", "/colibri/shutdown")] = self.r_shutdown
        return routes

    def udp_counter(self, port):
        sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind(("::", int(port)))

        def run():
            while True:
                data, peer = sock.recvfrom(65535)
                with self.lock:
                    self.udp_packets += 1
                log.info("UDP datagram of %d bytes from %s on the ICE port", len(data), peer[0])
        threading.Thread(target=run, daemon=True).start()

    def run(self):
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)
        configs = hocon.get(self.conf, "videobridge.apis.xmpp-client.configs", {}) or {}
        for name in configs:
            c = configs[name]
            rooms = hocon.get(c, "muc_jids", "")
            rooms = [r.strip() for r in (rooms if isinstance(rooms, list) else str(rooms).split(",")) if r.strip()]
            member = xmpp.BreweryMember(
                name, "%s@%s" % (c["username"], c["domain"]), c["password"], hocon.get(c, "hostname", "localhost"),
                hocon.get(c, "port", 5222), rooms, hocon.get(c, "muc_nickname", c["username"]),
                not hocon.as_bool(hocon.get(c, "disable_certificate_verification", False)), payload=self.presence_stats)
            member.start()
            self.members.append(member)
        interval = 5

        async def publish():
            while True:
                await asyncio.sleep(interval)
                for member in self.members:
                    member.refresh()
        self.loop.create_task(publish())
        http.serve(hocon.get(self.conf, "videobridge.http-servers.private.host", "127.0.0.1"),
                   hocon.get(self.conf, "videobridge.http-servers.private.port", 8080), self.routes())
        self.udp_counter(hocon.get(self.conf, "videobridge.ice.udp.port", 10000))
        self.loop.run_forever()


def main():
    service.run(Bridge, "/etc/jitsi/videobridge", "jvb.conf")


if __name__ == "__main__":
    main()
