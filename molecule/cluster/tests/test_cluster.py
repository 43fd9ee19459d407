"""The whole service on two shards in two regions behind two HAProxy nodes.

End to end: anonymous XMPP clients join rooms through HAProxy; each room lives on the one
shard HAProxy's shared stick table names, whichever node a client comes through; each
shard's jicofo sees both bridges with their regions; relays between the regions' bridges
cross the network only inside WireGuard, and inside Nebula when the same cluster is converged
with it. All traffic stays between the scenario's containers.

jicofo and jitsi-videobridge2 are TEST DOUBLES (tests/standins) speaking real XMPP to the
real Prosody. The test plays jicofo's part of creating a room (only focus may), as jicofo
would on the shard the client reached.
"""

import json
import pathlib
import re
import subprocess
import sys
import time

import pytest
import testinfra

ROOT = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "molecule" / "resources" / "tests"))
# pylint: disable=wrong-import-position
from overlay_probe import RELAY_PORT, Capture, counter, send  # noqa: E402
from scenario_helpers import run_playbook, secret_values  # noqa: E402
from tests.xmpp.anonymous import WebSocketClient, XmppError  # noqa: E402
from tests.xmpp.c2s import Account  # noqa: E402

SITE = ROOT / "playbooks" / "site.yml"
DOMAIN = "meet.test"
CONFERENCE = "conference." + DOMAIN
HAPROXY = ["cl-hap1", "cl-hap2"]
SHARDS = {"shard1": ("cl-shard1", "region-a"), "shard2": ("cl-shard2", "region-b")}
BRIDGES = {"cl-jvb-a": ("region-a", "10.61.1.11"), "cl-jvb-b": ("region-b", "10.61.2.11")}
SECRETS = "/var/lib/scalemeet/secrets/molecule.json"
# ASCII lower case: the stick table's keys (the normalized room) then read the same as the names.
ROOMS = ["standup", "budget-review", "retro", "all-hands", "1on1", "kickoff", "design", "ops-weekly"]


def node(name):
    return testinfra.get_host("docker://" + name)


def address(name):
    return subprocess.run(["docker", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", name],
                          capture_output=True, text=True, check=True).stdout.strip()


def wait_for(predicate, timeout=60, poll=1.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(poll)
    return None


def jicofo_view(shard):
    return json.loads(node(SHARDS[shard][0]).check_output("curl -sf http://127.0.0.1:8888/debug"))


def stick_table(hap):
    """Room key to server id from a node's stick table (runtime API on the admin socket)."""
    script = ("import socket; s = socket.socket(socket.AF_UNIX); s.connect('/run/haproxy/admin.sock');"
              "s.sendall(b'show table shards\\n'); print(s.makefile().read())")
    out = node(hap).check_output("python3 -c \"%s\"" % script)
    return dict((m.group(1), int(m.group(2))) for m in re.finditer(r": key=(\S+) .*?server_id=(\d+)", out))


def server_ids(hap):
    """Server id to shard name, from the node's runtime API."""
    script = ("import socket; s = socket.socket(socket.AF_UNIX); s.connect('/run/haproxy/admin.sock');"
              "s.sendall(b'show servers state shards\\n'); print(s.makefile().read())")
    out = node(hap).check_output("python3 -c \"%s\"" % script)
    ids = {}
    for line in out.splitlines():
        fields = line.split()
        if len(fields) > 4 and fields[1] == "shards":
            ids[int(fields[2])] = fields[3]
    return ids


def join_through(hap, room, attempts=3):
    """An anonymous client through one HAProxy node; returns (client, shard that answered).
    A connection that times out is tried again: on a loaded test machine the upgrade can be slow."""
    for attempt in range(1, attempts + 1):
        try:
            client = WebSocketClient(address(hap), DOMAIN, path="/xmpp-websocket?room=" + room)
        except TimeoutError:
            if attempt == attempts:
                raise
            continue
        client.login_anonymous()
        return client, client.response_headers.get("x-jitsi-shard")
    raise AssertionError("unreachable")


def secrets_of(shard):
    """A shard's secrets, from its own store (each signaling host keeps its shard's)."""
    return secret_values(node(SHARDS[shard][0]), SECRETS)


def test_each_jicofo_sees_both_bridges_with_their_regions():
    for shard, (_host, region) in SHARDS.items():
        bridges = wait_for(lambda s=shard: len(jicofo_view(s)["bridge_selector"]["bridges"]) == 2
                           and jicofo_view(s)["bridge_selector"]["bridges"], timeout=90)
        assert bridges, "jicofo of %s does not see two bridges: %s" % (shard, jicofo_view(shard))
        assert sorted(b["region"] for b in bridges.values()) == ["region-a", "region-b"]
        assert all(b["relay_id"] for b in bridges.values())
        view = jicofo_view(shard)
        assert view["bridge_selector"]["strategy"] == "RegionBasedBridgeSelectionStrategy"
        assert view["bridge_selector"]["local_region"] == region
        assert view["octo_enabled"] is True


@pytest.mark.parametrize("bridge", sorted(BRIDGES))
def test_bridges_relay_with_region_and_overlay(bridge):
    conf = json.loads(node(bridge).check_output("sed '/^#/d' /etc/jitsi/videobridge/jvb.conf"))
    relay = conf["videobridge"]["relay"]
    assert relay["enabled"] is True and relay["region"] == BRIDGES[bridge][0]
    assert sorted(conf["videobridge"]["apis"]["xmpp-client"]["configs"]) == ["shard1", "shard2"]
    assert node(bridge).check_output("ip -o addr show to %s" % BRIDGES[bridge][1])


def test_rooms_land_on_the_shard_in_the_shared_stick_table():
    """A client through either node lands on the one shard the stick table (synced by peers) names."""
    ids = server_ids("cl-hap1")
    assert sorted(ids.values()) == ["shard1", "shard2"] and server_ids("cl-hap2") == ids
    placed = {}
    for room in ROOMS:
        client, shard = join_through("cl-hap1", room)
        client.close()
        placed[room] = shard
    assert set(placed.values()) <= set(SHARDS)
    assert len(set(placed.values())) == 2, "8 rooms should not all hash to one shard: %s" % placed
    for hap in HAPROXY:
        table = wait_for(lambda h=hap: all(r in stick_table(h) for r in ROOMS) and stick_table(h), timeout=15)
        assert table, "rooms missing from %s's stick table" % hap
        assert {r: ids[table[r]] for r in ROOMS} == placed
    for room in ROOMS:  # the other node sends every room to the same shard
        client, shard = join_through("cl-hap2", room)
        client.close()
        assert shard == placed[room], room


def test_shards_see_the_participant_not_the_proxy():
    """nginx takes the client address from the HAProxy nodes' X-Forwarded-For (and hands it to
    Prosody), so the per-client login throttle counts participants, not HAProxy nodes."""
    client, shard = join_through("cl-hap1", "standup")
    client.close()
    this_machine = subprocess.run(["docker", "network", "inspect", "-f", "{{(index .IPAM.Config 0).Gateway}}",
                                   "scalemeet-cluster"], capture_output=True, text=True, check=True).stdout.strip()
    last = node(SHARDS[shard][0]).check_output("grep -F 'GET /xmpp-websocket?room=standup' /var/log/nginx/access.log | tail -1")
    # HAProxy listens on IPv6 sockets too, so IPv4 clients arrive as ::ffff:a.b.c.d
    assert last.split()[0].replace("::ffff:", "") == this_machine, last


def test_two_clients_through_two_nodes_meet_in_one_room():
    room = "budget-review"
    alice, shard = join_through("cl-hap1", room)
    focus = Account(address(SHARDS[shard][0]), "focus@auth." + DOMAIN, secrets_of(shard)["focus_password"])
    room_jid = "%s@%s" % (room, CONFERENCE)
    bob = None
    try:
        focus.login()
        focus.join(room_jid, "focus")  # jicofo's part: only focus creates rooms
        alice.join(room_jid, "alice")
        bob, bob_shard = join_through("cl-hap2", room)
        assert bob_shard == shard
        _own, others = bob.join(room_jid, "bob")
        assert others == {"focus", "alice"}
    finally:
        for c in (bob, alice, focus):
            if c is not None:
                c.close()
    # the room exists on that shard only: on the other one nobody may enter it
    other = [s for s in SHARDS if s != shard][0]
    stray = WebSocketClient(address(SHARDS[other][0]), DOMAIN)
    try:
        stray.login_anonymous()
        with pytest.raises(XmppError):
            stray.join(room_jid, "mallory")
    finally:
        stray.close()


def test_relays_between_regions_cross_only_inside_the_tunnel():
    marker = "SCALEMEET-RELAY-%d" % time.time()
    before = counter("cl-jvb-a", "relay_over_underlay")
    capture = Capture("scalemeet-cluster")
    send("cl-jvb-a", BRIDGES["cl-jvb-b"][1], RELAY_PORT, marker, count=10)  # over the overlay
    send("cl-jvb-a", address("cl-jvb-b"), RELAY_PORT, marker, count=3)  # over the underlay: refused
    frames = capture.stop()
    assert not any(marker.encode() in f for f in frames), "relay payload seen in clear on the network"
    tunnel = [u for u in Capture.udp(frames) if (u[0], u[1]) == (address("cl-jvb-a"), address("cl-jvb-b"))]
    assert tunnel and {u[3] for u in tunnel} == {51820}, tunnel
    assert counter("cl-jvb-a", "relay_over_underlay") >= before + 3


def test_check_mode_on_the_deployed_cluster_changes_nothing():
    """Runs before the Nebula variant: the cluster as Molecule converged it."""
    _rc, out = run_playbook(SITE, "--check")
    changed = dict((m.group(1), int(m.group(2))) for m in re.finditer(r"^(\S+)\s*:\s*ok=\d+\s+changed=(\d+)", out, re.M))
    assert set(changed) == {"cl-hap1", "cl-hap2", "cl-shard1", "cl-shard2", "cl-jvb-a", "cl-jvb-b"}
    assert set(changed.values()) == {0}, out


def test_nebula_variant_carries_the_relays():
    """The same cluster converged with Nebula instead (last: it leaves Nebula in place)."""
    _rc, out = run_playbook(SITE, "-e", "topology_overlay=nebula", "-e", "overlay_nebula_ca_host=cl-shard1", "--tags", "overlay,jvb")
    for bridge in BRIDGES:
        assert node(bridge).service("nebula@scalemeet").is_running
        assert not node(bridge).service("wg-quick@wg-scalemeet").is_running
    marker = "SCALEMEET-NEBULA-%d" % time.time()
    capture = Capture("scalemeet-cluster")
    send("cl-jvb-a", BRIDGES["cl-jvb-b"][1], RELAY_PORT, marker, count=10)
    frames = capture.stop()
    assert not any(marker.encode() in f for f in frames), "relay payload seen in clear on the network"
    tunnel = [u for u in Capture.udp(frames) if (u[0], u[1]) == (address("cl-jvb-a"), address("cl-jvb-b"))]
    assert tunnel and {u[3] for u in tunnel} == {4242}, (tunnel, out[-2000:])
    for shard in SHARDS:
        bridges = wait_for(lambda s=shard: len(jicofo_view(s)["bridge_selector"]["bridges"]) == 2
                           and jicofo_view(s)["bridge_selector"]["bridges"], timeout=90)
        assert bridges and sorted(b["region"] for b in bridges.values()) == ["region-a", "region-b"]
