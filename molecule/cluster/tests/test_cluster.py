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
import threading
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "molecule" / "resources" / "tests"))
# pylint: disable=wrong-import-position
from overlay_probe import RELAY_PORT, Capture, counter, send  # noqa: E402
from awx_job import run_job  # noqa: E402
from scenario_helpers import address, jicofo_debug, node, playbook_command, secret_values, wait_for  # noqa: E402
from tests.xmpp.anonymous import WebSocketClient, XmppError  # noqa: E402
from tests.xmpp.c2s import Account  # noqa: E402

SITE = ROOT / "playbooks" / "site.yml"
DRAIN = ROOT / "playbooks" / "drain_shard.yml"
ROTATE = ROOT / "playbooks" / "rotate_secrets.yml"
UPGRADE = ROOT / "playbooks" / "rolling_upgrade.yml"
AUTOSCALE = ROOT / "playbooks" / "autoscale.yml"
METRICS = "/var/lib/prometheus/node-exporter/scalemeet_autoscale.prom"
DOMAIN = "meet.test"
CONFERENCE = "conference." + DOMAIN
HAPROXY = ["cl-hap1", "cl-hap2"]
SHARDS = {"shard1": ("cl-shard1", "region-a"), "shard2": ("cl-shard2", "region-b")}
BRIDGES = {"cl-jvb-a": ("region-a", "10.61.1.11"), "cl-jvb-b": ("region-b", "10.61.2.11")}
SECRETS = "/var/lib/scalemeet/secrets/molecule.json"
# ASCII lower case: the stick table's keys (the normalized room) then read the same as the names.
ROOMS = ["standup", "budget-review", "retro", "all-hands", "1on1", "kickoff", "design", "ops-weekly"]


def jicofo_view(shard):
    return jicofo_debug(node(SHARDS[shard][0]))


def runtime_api(hap, command):
    """One command on a node's HAProxy runtime API (the admin socket), answered as text."""
    script = ("import socket; s = socket.socket(socket.AF_UNIX); s.connect('/run/haproxy/admin.sock');"
              "s.sendall(b'%s\\n'); print(s.makefile().read())" % command)
    return node(hap).check_output("python3 -c \"%s\"" % script)


def server_rows(hap):
    """`show servers state shards` rows, split into fields (be_id be_name srv_id srv_name ... admin_state)."""
    return [f for f in (line.split() for line in runtime_api(hap, "show servers state shards").splitlines())
            if len(f) > 6 and f[1] == "shards"]


def stick_table(hap):
    """Room key to server id from a node's stick table."""
    out = runtime_api(hap, "show table shards")
    return dict((m.group(1), int(m.group(2))) for m in re.finditer(r": key=(\S+) .*?server_id=(\d+)", out))


def server_ids(hap):
    """Server id to shard name, from the node's runtime API."""
    return dict((int(f[2]), f[3]) for f in server_rows(hap))


def join_through(hap, room):
    """An anonymous client through one HAProxy node; returns (client, shard that answered)."""
    client = WebSocketClient(address(hap), DOMAIN, path="/xmpp-websocket?room=" + room)
    client.login_anonymous()
    return client, client.response_headers.get("x-jitsi-shard")


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


def drained_on(hap):
    """Shards in admin state DRAIN (srv_admin_state bit 0x08) on one node."""
    return sorted(f[3] for f in server_rows(hap) if int(f[6]) & 0x08)


def set_conferences(shard, count):
    """The jicofo double's hook: the shard holds `count` conferences (jicofo itself would count them)."""
    node(SHARDS[shard][0]).check_output(
        "curl -sf -X POST -d '{\"conferences\": %d}' http://127.0.0.1:8888/test-double/conferences" % count)


def test_drained_shard_gets_no_new_room_keeps_its_rooms_and_the_playbook_waits_for_them():
    """playbooks/drain_shard.yml: out of HAProxy for new rooms on both nodes, wait, report, put back."""
    placed = {}
    for i in range(8):  # rooms of its own, so this test does not lean on an earlier one
        client, shard = join_through("cl-hap1", "before-drain-%d" % i)
        client.close()
        placed["before-drain-%d" % i] = shard
    kept = sorted(r for r, shard in placed.items() if shard == "shard2")
    assert kept, "8 rooms and none on shard2: %s" % placed
    assert wait_for(lambda: all(r in stick_table("cl-hap2") for r in kept), timeout=15), "peers did not sync"
    set_conferences("shard2", 1)
    cmd, env = playbook_command(DRAIN, "-e", "drain_shards=shard2", "-e", "drain_shard_timeout=240",
                                "-e", "jicofo_drain_poll_interval=2")
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert wait_for(lambda: all(drained_on(h) == ["shard2"] for h in HAPROXY), timeout=120), \
            {h: drained_on(h) for h in HAPROXY}
        for i in range(6):  # new rooms through either node: shard1 only
            client, shard = join_through(HAPROXY[i % 2], "after-drain-%d" % i)
            client.close()
            assert shard == "shard1", "new room after-drain-%d went to %s" % (i, shard)
        for room in kept:  # rooms already on the drained shard stay there
            client, shard = join_through("cl-hap2", room)
            client.close()
            assert shard == "shard2", room
        assert proc.poll() is None, "the playbook did not wait for the shard's conference to end"
        set_conferences("shard2", 0)
        out, _err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
        set_conferences("shard2", 0)
    assert proc.returncode == 0, out[-3000:]
    assert "shard shard2 (cl-shard2) is drained: 0 conference(s) left" in out, out[-3000:]
    run_job(DRAIN, {"drain_shards": "shard2", "drain_shard_state": "ready"})
    assert all(drained_on(h) == [] for h in HAPROXY)
    job = run_job(DRAIN, {"drain_shards": "shard9"}, check=False)
    assert job.rc != 0 and "unknown: shard9" in job.output, job.output[-2000:]


def main_pids():
    units = {h: "prosody jicofo" for h, _r in SHARDS.values()}
    units.update({b: "jitsi-videobridge2" for b in BRIDGES})
    return {h: node(h).check_output("systemctl show -P MainPID %s" % u).split() for h, u in units.items()}


def test_rotating_secrets_restarts_exactly_what_uses_them_one_shard_only():
    """playbooks/rotate_secrets.yml on shard1: focus password and one bridge's slot password."""
    slots = json.loads(node("cl-shard1").check_output("cat /var/lib/scalemeet/slots/shard1.json"))["slots"]
    slot_of = dict((v["bridge"], int(k)) for k, v in slots.items())
    rotated = "jvb_slot_%02d_password" % slot_of["cl-jvb-a"]
    before = {shard: secrets_of(shard) for shard in SHARDS}
    pids = main_pids()
    job = run_job(ROTATE, {"rotate_secrets": "focus_password,jvb_slot_99_password"}, check=False)
    assert job.rc != 0 and "jvb_slot_99_password" in job.output, job.output[-2000:]  # refused before any change
    assert {shard: secrets_of(shard) for shard in SHARDS} == before and main_pids() == pids

    run_job(ROTATE, {"rotate_secrets": "focus_password " + rotated, "rotate_secrets_shards": "shard1"})
    after = {shard: secrets_of(shard) for shard in SHARDS}
    changed = sorted(k for k in before["shard1"] if after["shard1"][k] != before["shard1"][k])
    assert changed == sorted(["focus_password", rotated])
    assert after["shard2"] == before["shard2"]
    now = main_pids()
    assert now["cl-shard1"][0] == pids["cl-shard1"][0], "Prosody of shard1 restarted"
    assert now["cl-shard1"][1] != pids["cl-shard1"][1], "jicofo of shard1 kept its old password"
    assert now["cl-shard2"] == pids["cl-shard2"], "shard2 was touched"
    assert now["cl-jvb-a"] != pids["cl-jvb-a"] and now["cl-jvb-b"] == pids["cl-jvb-b"]
    for shard in SHARDS:  # everyone logged in again with the new passwords
        bridges = wait_for(lambda s=shard: len(jicofo_view(s)["bridge_selector"]["bridges"]) == 2, timeout=90)
        assert bridges, "jicofo of %s does not see both bridges: %s" % (shard, jicofo_view(shard))


def set_load(bridge, participants, conferences=1):
    """The bridge double's hook: its stress is participants / 100, as the double computes it."""
    node(bridge).check_output("curl -sf -X POST -d '{\"conferences\": %d, \"participants\": %d}' "
                              "http://127.0.0.1:8080/test-double/conferences" % (conferences, participants))


def test_autoscale_exports_the_load_then_drains_an_idle_region_and_restarts_it_when_below_minimum():
    """playbooks/autoscale.yml: the signal on every signaling host, then both directions for real."""
    set_load("cl-jvb-a", 90)
    set_load("cl-jvb-b", 0, conferences=0)
    out = run_job(AUTOSCALE, {"autoscale_apply": "false"}).output
    for host, _region in SHARDS.values():
        metrics = node(host).check_output("cat %s" % METRICS).splitlines()
        assert 'scalemeet_bridge_stress{bridge="cl-jvb-a",region="region-a"} 0.9' in metrics
        assert 'scalemeet_region_bridges{region="region-b",state="active"} 1' in metrics
        assert 'scalemeet_shard_free_slots{shard="shard1"} 2' in metrics  # 4 slots, 2 bridges
    assert "limited by 0 stopped bridge(s) with free slots" in out, out[-3000:]  # hot, nothing to start
    assert all(node(b).service("jitsi-videobridge2").is_running for b in BRIDGES)

    # region-b idle: its bridge drains and stops
    run_job(AUTOSCALE, extravars={"autoscale_policy": {"min_bridges": 0}, "jvb_drain_poll_interval": 2})
    assert not node("cl-jvb-b").service("jitsi-videobridge2").is_running
    assert node("cl-jvb-a").service("jitsi-videobridge2").is_running
    for shard in SHARDS:
        assert wait_for(lambda s=shard: len(jicofo_view(s)["bridge_selector"]["bridges"]) == 1, timeout=60)

    run_job(AUTOSCALE)  # region-b below min_bridges 1: its stopped bridge starts again
    assert node("cl-jvb-b").service("jitsi-videobridge2").is_running
    set_load("cl-jvb-a", 0, conferences=0)
    for shard in SHARDS:
        bridges = wait_for(lambda s=shard: len(jicofo_view(s)["bridge_selector"]["bridges"]) == 2
                           and jicofo_view(s)["bridge_selector"]["bridges"], timeout=90)
        assert bridges and sorted(b["region"] for b in bridges.values()) == ["region-a", "region-b"]


def test_a_stopped_or_disabled_service_is_started_by_the_task_that_writes_its_configuration():
    """No task of its own: config_files enables and starts what the probe did not show enabled and
    running, and the next run has nothing to do."""
    shard = node(SHARDS["shard1"][0])
    shard.check_output("systemctl disable --now jicofo")
    shard.check_output("systemctl stop nginx")
    out = run_job(SITE, tags="web,jicofo").output
    for service in ("jicofo", "nginx"):
        assert shard.service(service).is_enabled and shard.service(service).is_running, out[-3000:]
    assert re.search(r"^cl-shard1\s*:\s*ok=\d+\s+changed=[1-9]", out, re.M)
    assert re.search(r"^cl-shard2\s*:\s*ok=\d+\s+changed=0\b", out, re.M)
    again = run_job(SITE, tags="web,jicofo").output
    assert set(re.findall(r"^\S+\s*:\s*ok=\d+\s+changed=(\d+)", again, re.M)) == {"0"}
    assert wait_for(lambda: _sees_both_bridges("shard1"), timeout=90)


def _sees_both_bridges(shard):
    try:
        return len(jicofo_view(shard)["bridge_selector"]["bridges"]) == 2
    except (AssertionError, ValueError, KeyError):  # jicofo's REST port not up yet after its start
        return False


def test_check_mode_on_the_deployed_cluster_changes_nothing():
    """Runs before the Nebula variant: the cluster as Molecule converged it."""
    out = run_job(SITE, check_mode=True).output
    changed = dict((m.group(1), int(m.group(2))) for m in re.finditer(r"^(\S+)\s*:\s*ok=\d+\s+changed=(\d+)", out, re.M))
    assert set(changed) == {"cl-hap1", "cl-hap2", "cl-shard1", "cl-shard2", "cl-jvb-a", "cl-jvb-b"}
    assert set(changed.values()) == {0}, out


def _task_sections(out, task):
    """The -vvv output of each run of the task, up to the next task."""
    return [part for part in re.split(r"\n(?=TASK \[)", out) if part.startswith("TASK [%s]" % task)]


SECRETS_TASK = "scalemeet.jitsi.secrets : Keep the deployment's component secrets on the secrets hosts"


def test_a_run_that_rotates_nothing_reads_the_secrets_from_the_host_probe_until_a_store_needs_the_module():
    """The probe of each store's host read the store: asking it starts no module on the host (no
    EXEC in -vvv). A store the module would repair (mode 0644) is left out of the probe: the
    module runs on that store's host alone, repairs it and the secrets stay the same."""
    before = secrets_of("shard1")
    sections = _task_sections(run_job(SITE, tags="prosody,jicofo", verbosity=3).output, SECRETS_TASK)
    assert len(sections) == 2 and [s.count(" EXEC ") for s in sections] == [0, 0]
    store = node(SHARDS["shard1"][0])
    store.check_output("chmod 0644 %s" % SECRETS)
    sections = _task_sections(run_job(SITE, tags="prosody", verbosity=3).output, SECRETS_TASK)
    assert len(sections) == 1 and "<cl-shard1> EXEC " in sections[0] and "<cl-shard2> EXEC " not in sections[0]
    assert store.file(SECRETS).mode == 0o600
    assert secrets_of("shard1") == before


@pytest.mark.parametrize("extravars, fragment", [
    # common through site.yml's entry point without the probe, on every host
    ({"common_nofile_limit": "lots"}, "argument 'common_nofile_limit' is of type str and we were unable to convert to int"),
    # the last role of site.yml: every host before it was only checked
    ({"haproxy_tls_mode": "bogus"}, "value of haproxy_tls_mode must be one of: selfsigned, provided, got: bogus"),
])
def test_site_checks_each_roles_argument_spec_though_it_imports_them_without_ansibles_validation(extravars, fragment):
    job = run_job(SITE, extravars=extravars, check=False)
    assert job.status == "failed"
    assert fragment in job.output and "validation of arguments failed" in job.output
    changed = [int(c) for c in re.findall(r"^\S+\s*:\s*ok=\d+\s+changed=(\d+)", job.output, re.M)]
    assert changed and set(changed) == {0}


def test_nebula_variant_carries_the_relays():
    """The same cluster converged with Nebula instead (it leaves Nebula in place)."""
    out = run_job(SITE, extravars={"topology_overlay": "nebula", "overlay_nebula_ca_host": "cl-shard1"}, tags="overlay,jvb").output
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


def versions(host, *packages):
    return node(host).check_output("dpkg-query -W -f '${Version} ' %s" % " ".join(packages)).split()


def test_rolling_upgrade_keeps_a_bridge_and_a_shard_serving_and_stops_at_the_first_failure():
    """playbooks/rolling_upgrade.yml to the older stand-in versions (the mechanics of any upgrade)."""
    target = {"upgrade_jvb_version": "2.3.200-1+standin", "upgrade_jicofo_version": "1.0.1100-1+standin",
              "upgrade_web_version": ""}  # empty: keeps the inventory's pin
    settings = {"jvb_drain_poll_interval": 2, "jicofo_drain_poll_interval": 2}
    # A version the repository does not have: the first bridge fails, the run stops there.
    job = run_job(UPGRADE, {"upgrade_jvb_version": "9.9.9-1"}, tags="bridges", check=False)
    rc, out = job.rc, job.output
    assert rc != 0
    touched = [b for b in BRIDGES if re.search(r"^%s\s*:.*failed=1" % b, out, re.M)]
    assert len(touched) == 1, out[-3000:]
    untouched = [b for b in BRIDGES if b not in touched][0]
    assert re.search(r"^%s\s*:.*changed=0 .*failed=0" % untouched, out, re.M), "the run went on to %s" % untouched
    assert versions(untouched, "jitsi-videobridge2") == ["2.3.201-1+standin"]
    stats = json.loads(node(untouched).check_output("curl -sf http://127.0.0.1:8080/colibri/stats"))
    assert stats["drain"] is False, "the other bridge was drained"

    seen = {"bridges_draining": 0, "shards_drained": 0, "samples": 0}
    stop = threading.Event()

    def watch():  # sampled while the upgrade runs: never both bridges or both shards out
        while not stop.is_set():
            try:
                views = [jicofo_view(s)["bridge_selector"]["bridges"].values() for s in SHARDS]
                draining = max(sum(1 for b in v if b["draining"]) for v in views)
                drained = len(drained_on("cl-hap1"))
            except Exception:  # pylint: disable=broad-except  # jicofo restarting: no sample
                time.sleep(0.5)
                continue
            seen["bridges_draining"] = max(seen["bridges_draining"], draining)
            seen["shards_drained"] = max(seen["shards_drained"], drained)
            seen["samples"] += 1
            time.sleep(0.5)
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        out = run_job(UPGRADE, target, extravars=settings).output
    finally:
        stop.set()
        watcher.join(timeout=30)
    assert seen["samples"] > 20 and seen["bridges_draining"] <= 1 and seen["shards_drained"] == 1, seen
    for bridge in BRIDGES:
        assert versions(bridge, "jitsi-videobridge2") == ["2.3.200-1+standin"]
    for host, _region in SHARDS.values():
        assert versions(host, "jicofo") == ["1.0.1100-1+standin"]
    assert all(drained_on(h) == [] for h in HAPROXY)
    for shard in SHARDS:
        bridges = wait_for(lambda s=shard: len(jicofo_view(s)["bridge_selector"]["bridges"]) == 2
                           and jicofo_view(s)["bridge_selector"]["bridges"], timeout=90)
        assert bridges and not any(b["draining"] for b in bridges.values()), bridges
