"""The seed's first stage: Prosody, nginx, jicofo and a bridge on one server.

jicofo and jitsi-videobridge2 are TEST DOUBLES (tests/standins) speaking real XMPP to the
real Prosody. Clients come in through the real nginx on 443, as browsers do.
"""

import json
import pathlib
import subprocess
import sys
import time

import testinfra

ROOT = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "molecule" / "resources" / "tests"))
# pylint: disable=wrong-import-position
from scenario_helpers import secret_values  # noqa: E402
from tests.xmpp.anonymous import BoshClient, WebSocketClient  # noqa: E402
from tests.xmpp.c2s import Account  # noqa: E402

DOMAIN = "meet.test"
HOST = testinfra.get_host("docker://single")


def address():
    return subprocess.run(["docker", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", "single"],
                          capture_output=True, text=True, check=True).stdout.strip()


def jicofo_bridges():
    return json.loads(HOST.check_output("curl -sf http://127.0.0.1:8888/debug"))["bridge_selector"]["bridges"]


def test_every_service_runs_on_the_one_host():
    for service in ("prosody", "nginx", "jicofo", "jitsi-videobridge2"):
        assert HOST.service(service).is_running, service


def test_jicofo_sees_the_local_bridge():
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(jicofo_bridges()) != 1:
        time.sleep(1)
    bridges = list(jicofo_bridges().values())
    assert len(bridges) == 1 and bridges[0]["region"] == "default" and bridges[0]["relay_id"] == "main-jvb-01"
    assert HOST.run("curl -sf http://127.0.0.1:8080/about/health").rc == 0


def test_two_participants_meet_through_nginx():
    secrets = secret_values(HOST, "/var/lib/scalemeet/secrets/molecule.json")
    room = "standup@conference." + DOMAIN
    focus = Account(address(), "focus@auth." + DOMAIN, secrets["focus_password"])
    alice = WebSocketClient(address(), DOMAIN)
    bob = BoshClient(address(), DOMAIN)
    try:
        focus.login()
        focus.join(room, "focus")  # jicofo's part: only focus creates rooms
        alice.login_anonymous()
        alice.join(room, "alice")
        bob.login_anonymous()
        _own, others = bob.join(room, "bob")
        assert others == {"focus", "alice"}
    finally:
        for client in (bob, alice, focus):
            client.close()
