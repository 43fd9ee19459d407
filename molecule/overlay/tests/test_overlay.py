"""WireGuard, then Nebula, between bridges in two regions joined over a WAN network.

Every datagram goes between the scenario's containers; the capture listens on the
WAN network's bridge on this machine. Marked UDP datagrams stand in for relay traffic
on the bridges' media port: they must arrive over the overlay, and the marker must
never show on the WAN in clear.
"""

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "molecule" / "resources" / "tests"))
# pylint: disable=wrong-import-position
from overlay_probe import RELAY_PORT, Capture, Listener, counter, docker_exec, send  # noqa: E402
from overlay_probe import reaches as reaches_address  # noqa: E402
from scenario_helpers import node as host  # noqa: E402
from scenario_helpers import run_playbook  # noqa: E402

# Re-converges during the tests run the overlay play only: common already ran in Molecule's converge.
CONVERGE = pathlib.Path(__file__).resolve().parents[1] / "playbooks" / "overlay.yml"
WAN = "scalemeet-ov-wan"
OUTSIDER = "ov-signal"
BRIDGES = {  # host: (overlay address, WAN address)
    "ov-jvb-a1": ("10.60.1.11", "10.231.100.11"),
    "ov-jvb-a2": ("10.60.1.12", "10.231.100.12"),
    "ov-jvb-b1": ("10.60.2.21", "10.231.100.21"),
}
PORTS = {"wireguard": 51820, "nebula": 4242}
INTERFACES = {"wireguard": "wg-scalemeet", "nebula": "neb-scalemeet"}


def reaches(src, dst):
    return reaches_address(src, dst, BRIDGES[dst][0])


def recap_changed(output):
    return dict((m.group(1), int(m.group(2))) for m in re.finditer(r"^(\S+)\s*:\s*ok=\d+\s+changed=(\d+)", output, re.M))


def converge(*args):
    _rc, out = run_playbook(CONVERGE, *args)
    return out


def inventory_without(host_name):
    """A copy of the scenario inventory (with its group_vars and host_vars) minus one bridge."""
    source = pathlib.Path(os.environ["MOLECULE_INVENTORY_FILE"]).parent
    copy = pathlib.Path(tempfile.mkdtemp(prefix="overlay-inventory-")) / "inventory"
    shutil.copytree(source, copy)
    inv_file = copy / "ansible_inventory.yml"
    inv = yaml.safe_load(inv_file.read_text(encoding="utf-8"))
    inv["bridges"]["hosts"].pop(host_name)
    inv_file.write_text(yaml.safe_dump(inv), encoding="utf-8")
    return copy


def converge_with_inventory(path, *args):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(ROOT / ".cache" / "collections"), ANSIBLE_NOCOLOR="1")
    proc = subprocess.run(["ansible-playbook", "-i", str(path), str(CONVERGE), *args], capture_output=True, text=True,
                          env=env, timeout=900, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


@pytest.fixture(scope="module", params=["wireguard", "nebula"])
def overlay(request):
    """Converge the overlay type under test (Molecule converged WireGuard already)."""
    kind = request.param
    unit = "wg-quick@wg-scalemeet" if kind == "wireguard" else "nebula@scalemeet"
    if not host("ov-jvb-a1").service(unit).is_running:
        converge("-e", "topology_overlay=" + kind)
        second = converge("-e", "topology_overlay=" + kind)
        assert set(recap_changed(second).values()) == {0}, second
    return kind


def extra(kind):
    return ("-e", "topology_overlay=" + kind)


# --- bad input stops before any host changes

BAD_INPUT = [
    ({"topology_regions": {"region-a": {"overlay_subnet": "10.60.0.0/16"}, "region-b": {"overlay_subnet": "10.60.2.0/24"}}},
     "region region-a: overlay_subnet 10.60.0.0/16 overlaps region region-b overlay_subnet 10.60.2.0/24"),
    ({"topology_overlay_address": "10.60.9.9"},
     "overlay_address 10.60.9.9 is outside region region-a overlay_subnet 10.60.1.0/24"),
    ({"topology_overlay": "ipsec"}, "overlay must be one of: auto, none, wireguard, nebula, got: ipsec"),
    ({"topology_overlay": "nebula", "topology_overlay_lighthouses": ["ov-jvb-z9"]},
     "lighthouse 'ov-jvb-z9': not a bridge of this inventory"),
]


@pytest.mark.parametrize("variables, message", BAD_INPUT, ids=["overlap", "outside", "type", "lighthouse"])
def test_bad_input_fails_clearly_before_changes(variables, message):
    rc, out = run_playbook(CONVERGE, "-e", json.dumps(variables), check=False)
    assert rc != 0 and message in out, out
    assert set(recap_changed(out).values()) == {0}, out
    assert "TASK [scalemeet.jitsi.overlay" not in out, "a host was touched before validation failed"


# --- both overlays


def test_every_pair_reaches_each_other_over_the_overlay(overlay):
    # One listener per pair, retried: a Nebula tunnel between two bridges that have not
    # talked yet starts with a handshake through the lighthouse, and with two lanes busy a
    # docker exec can outlast one listener's window.
    unreached = [(src, dst) for dst in BRIDGES for src in BRIDGES if src != dst and not reaches(src, dst)]
    assert not unreached, (overlay, unreached)


def test_marker_crosses_the_wan_only_encrypted(overlay):
    marker = "SCALEMEET-MARKER-%s-%d" % (overlay, time.time())
    capture = Capture(WAN)
    listener = Listener("ov-jvb-b1")
    send("ov-jvb-a1", BRIDGES["ov-jvb-b1"][0], RELAY_PORT, marker, count=10)
    got = listener.received()
    frames = capture.stop()
    assert any(payload == marker for _src, payload in got), "the marker did not arrive over the overlay"
    assert not any(marker.encode() in f for f in frames), "the marker crossed the WAN in clear"
    a1_to_b1 = [u for u in Capture.udp(frames) if (u[0], u[1]) == (BRIDGES["ov-jvb-a1"][1], BRIDGES["ov-jvb-b1"][1])]
    assert a1_to_b1, "no tunnel traffic captured between a1 and b1"
    assert {u[3] for u in a1_to_b1} == {PORTS[overlay]}, a1_to_b1


def test_capture_does_see_clear_text(overlay):
    """The control: an outsider's datagram to a bridge's WAN address shows its marker."""
    marker = "SCALEMEET-CLEAR-%s-%d" % (overlay, time.time())
    capture = Capture(WAN)
    send(OUTSIDER, BRIDGES["ov-jvb-b1"][1], 9, marker, count=3)
    frames = capture.stop()
    assert any(marker.encode() in f for f in frames)


def test_outsider_cannot_reach_the_relay_port_on_overlay_addresses(overlay):
    target = "ov-jvb-b1"
    # The outsider routes the overlay network to b1's WAN address, as anyone on its network could.
    docker_exec(OUTSIDER, "ip", "route", "replace", "10.60.0.0/16", "via", BRIDGES[target][1])
    try:
        before = counter(target, "overlay_address_from_underlay")
        listener = Listener(target)
        send(OUTSIDER, BRIDGES[target][0], RELAY_PORT, "outsider", count=5)
        assert listener.received() == []
        assert counter(target, "overlay_address_from_underlay") >= before + 5
    finally:
        docker_exec(OUTSIDER, "ip", "route", "del", "10.60.0.0/16")


def test_relays_between_bridges_never_use_the_underlay(overlay):
    target = "ov-jvb-b1"
    before = counter(target, "relay_over_underlay")
    listener = Listener(target)
    send("ov-jvb-a2", BRIDGES[target][1], RELAY_PORT, "clear-relay", count=4)
    assert listener.received() == []
    # dropped on the way out by the sender: the clear datagram never left a2
    assert counter("ov-jvb-a2", "relay_over_underlay") >= 4
    assert counter(target, "relay_over_underlay") == before


def test_tunnel_port_answers_known_peers_only(overlay):
    target = "ov-jvb-b1"
    before = counter(target, "tunnel_port_strangers")
    send(OUTSIDER, BRIDGES[target][1], PORTS[overlay], "knock", count=3)
    assert counter(target, "tunnel_port_strangers") >= before + 3


def test_only_relay_port_open_on_the_overlay(overlay):
    target = "ov-jvb-b1"
    listener = Listener(target, port=5000)
    send("ov-jvb-a1", BRIDGES[target][0], 5000, "other-port", count=3)
    assert listener.received() == []


def test_mtu_and_mss_clamping(overlay):
    a1 = host("ov-jvb-a1")
    assert a1.check_output("cat /sys/class/net/%s/mtu" % INTERFACES[overlay]) == "1380"
    rules = a1.check_output("nft list chain inet scalemeet_overlay output")
    assert 'oifname "%s" tcp flags syn tcp option maxseg size set rt mtu' % INTERFACES[overlay] in rules


def test_removed_host_leaves_every_peer_and_keys_stay(overlay):
    keyfile = {"wireguard": "/etc/wireguard/wg-scalemeet.key", "nebula": "/etc/nebula/scalemeet/host.key"}[overlay]
    keys_before = {h: host(h).check_output("sha256sum %s" % keyfile) for h in BRIDGES}
    reduced = inventory_without("ov-jvb-a2")
    try:
        converge_with_inventory(reduced, *extra(overlay))
        a2_wan = BRIDGES["ov-jvb-a2"][1]
        for h in ("ov-jvb-a1", "ov-jvb-b1"):
            assert a2_wan not in host(h).check_output("nft list set inet scalemeet_overlay peers4")
        if overlay == "wireguard":
            a2_pub = host("ov-jvb-a2").check_output("cat /etc/wireguard/wg-scalemeet.pub")
            for h in ("ov-jvb-a1", "ov-jvb-b1"):
                assert a2_pub not in host(h).check_output("wg show wg-scalemeet peers")
        else:
            a2_cert = json.loads(host("ov-jvb-a2").check_output("nebula-cert print -json -path /etc/nebula/scalemeet/host.crt"))
            for h in ("ov-jvb-a1", "ov-jvb-b1"):
                assert a2_cert["fingerprint"] in host(h).check_output("cat /etc/nebula/scalemeet.yml")
        # a2 still runs its tunnel but reaches nobody
        listener = Listener("ov-jvb-a1")
        send("ov-jvb-a2", BRIDGES["ov-jvb-a1"][0], RELAY_PORT, "from-removed", count=5)
        assert listener.received() == []
    finally:
        shutil.rmtree(reduced.parent)
    converge(*extra(overlay))
    assert {h: host(h).check_output("sha256sum %s" % keyfile) for h in BRIDGES} == keys_before
    # a tunnel cut off re-handshakes on its own schedule (WireGuard retries every 5 s)
    assert reaches("ov-jvb-a2", "ov-jvb-a1"), "a2 did not rejoin within 30 s"


# --- WireGuard


@pytest.mark.parametrize("overlay", ["wireguard"], indirect=True)
def test_wireguard_private_keys_stay_on_their_host(overlay):
    for h in BRIDGES:
        node = host(h)
        key = node.file("/etc/wireguard/wg-scalemeet.key")
        assert (key.user, key.group, key.mode) == ("root", "root", 0o600)
        secret = node.check_output("cat /etc/wireguard/wg-scalemeet.key")
        assert secret not in node.check_output("cat /etc/wireguard/wg-scalemeet.conf")
        for other in BRIDGES:
            if other != h:
                assert secret not in host(other).check_output("cat /etc/wireguard/wg-scalemeet.conf")


@pytest.mark.parametrize("overlay", ["wireguard"], indirect=True)
def test_wireguard_implementation_matches_the_kernel(overlay):
    node = host("ov-jvb-a1")
    kernel_has_it = node.run("ip link add __wgtest type wireguard && ip link del __wgtest").rc == 0
    running_go = node.run("pgrep -x wireguard-go").rc == 0
    assert running_go != kernel_has_it, "wireguard-go must run exactly when the kernel has no WireGuard"


# --- Nebula


@pytest.mark.parametrize("overlay", ["nebula"], indirect=True)
def test_nebula_ca_stays_on_its_host_and_certificates_carry_groups(overlay):
    ca = host(OUTSIDER).file("/etc/scalemeet/nebula-ca/ca.key")
    assert (ca.exists, ca.user, ca.mode) == (True, "root", 0o600)
    regions = {"ov-jvb-a1": "region-a", "ov-jvb-a2": "region-a", "ov-jvb-b1": "region-b"}
    for h, region in regions.items():
        node = host(h)
        assert not node.file("/etc/scalemeet/nebula-ca/ca.key").exists
        assert node.file("/etc/nebula/scalemeet/host.key").mode == 0o600
        cert = json.loads(node.check_output("nebula-cert print -json -path /etc/nebula/scalemeet/host.crt"))
        assert sorted(cert["details"]["groups"]) == ["bridge", "region:" + region]
        assert cert["details"]["ips"] == [BRIDGES[h][0] + "/22"]
    lighthouse = yaml.safe_load(host("ov-jvb-a2").check_output("cat /etc/nebula/scalemeet.yml"))["lighthouse"]
    assert lighthouse["am_lighthouse"] is False and sorted(lighthouse["hosts"]) == ["10.60.1.11", "10.60.2.21"]


@pytest.mark.parametrize("overlay", ["nebula"], indirect=True)
def test_nebula_expiry_warns_and_renews(overlay):
    before = json.loads(host("ov-jvb-b1").check_output("nebula-cert print -json -path /etc/nebula/scalemeet/host.crt"))
    out = converge(*extra(overlay), "-e", "overlay_nebula_cert_renew_days=400", "-e", "overlay_nebula_ca_warn_days=4000")
    assert "WARNING: the Nebula CA on ov-signal expires in" in out
    assert "new Nebula certificate (expires in" in out
    after = json.loads(host("ov-jvb-b1").check_output("nebula-cert print -json -path /etc/nebula/scalemeet/host.crt"))
    assert after["fingerprint"] != before["fingerprint"]
    listener = Listener("ov-jvb-b1")
    send("ov-jvb-a1", BRIDGES["ov-jvb-b1"][0], RELAY_PORT, "after-renewal", count=5)
    assert listener.received(), "tunnels must survive a renewal (SIGHUP reload)"


@pytest.mark.parametrize("overlay", ["nebula"], indirect=True)
def test_nebula_ca_rotation_as_documented(overlay, tmp_path):
    """docs/roles/overlay.md, "Rotating the CA", step by step; the mesh stays up throughout."""
    ca_dir = "/etc/scalemeet/nebula-ca"
    signal = host(OUTSIDER)
    old_pem = signal.check_output("cat %s/ca.crt" % ca_dir) + "\n"
    signal.check_output("rm -rf /root/new-ca /root/old-ca && mkdir -m 0700 /root/new-ca && nebula-cert ca -name 'scalemeet overlay CA 2'"
                        " -duration 87600h -out-crt /root/new-ca/ca.crt -out-key /root/new-ca/ca.key")
    new_pem = signal.check_output("cat /root/new-ca/ca.crt") + "\n"

    def run_with(extra_pems):
        variables = tmp_path / "vars.json"
        variables.write_text(json.dumps({"topology_overlay": "nebula", "overlay_nebula_ca_trusted_extra": extra_pems}))
        return converge("-e", "@%s" % variables)

    run_with([new_pem])  # step 2: trust both
    assert host("ov-jvb-b1").check_output("grep -c BEGIN /etc/nebula/scalemeet/ca.crt") == "2"
    signal.check_output("mv {0} /root/old-ca && install -d -m 0700 {0} {0}/hosts {0}/revoked"
                        " && install -m 0600 /root/new-ca/ca.crt /root/new-ca/ca.key {0}/".format(ca_dir))
    out = run_with([old_pem])  # step 3: the new CA signs, the old one is still trusted
    assert out.count("new Nebula certificate (no certificate yet)") == len(BRIDGES), out
    assert reaches("ov-jvb-a1", "ov-jvb-b1")
    run_with([])  # step 4: the old CA is gone
    new_fp = json.loads(signal.check_output("nebula-cert print -json -path %s/ca.crt" % ca_dir))["fingerprint"]
    for h in BRIDGES:
        node = host(h)
        assert node.check_output("grep -c BEGIN /etc/nebula/scalemeet/ca.crt") == "1"
        issuer = json.loads(node.check_output("nebula-cert print -json -path /etc/nebula/scalemeet/host.crt"))["details"]["issuer"]
        assert issuer == new_fp
    assert reaches("ov-jvb-a2", "ov-jvb-b1") and reaches("ov-jvb-b1", "ov-jvb-a1")


def test_switching_overlay_retires_the_other(overlay):
    other = {"wireguard": ("nebula@scalemeet", "/etc/nebula/scalemeet.yml"),
             "nebula": ("wg-quick@wg-scalemeet", "/etc/wireguard/wg-scalemeet.conf")}[overlay]
    for h in BRIDGES:
        assert not host(h).service(other[0]).is_running
        assert not host(h).file(other[1]).exists
