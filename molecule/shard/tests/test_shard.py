"""One shard with three bridges: config files Jitsi reads, jicofo's view of the
bridges, a fourth bridge that changes nothing on the signaling host, and a
graceful drain that frees its slot.

jicofo and jitsi-videobridge2 are TEST DOUBLES (tests/standins) speaking real
XMPP to the real Prosody; they read the files the roles write.
"""

import json
import pathlib
import subprocess
import sys

import pytest
from pyhocon import ConfigFactory

ROOT = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "molecule" / "resources" / "tests"))
# pylint: disable=wrong-import-position
from awx_job import run_job  # noqa: E402
from scenario_helpers import jicofo_debug, node, playbook_command, secret_values, wait_for  # noqa: E402

SCENARIO = pathlib.Path(__file__).resolve().parents[1]
SITE = ROOT / "playbooks" / "site.yml"
ADD_JVB4 = SCENARIO / "inventory" / "add-jvb4.yml"
SCALE = ROOT / "playbooks" / "scale_bridges.yml"
DOMAIN = "meet.test"
BRIDGES = ["shard-jvb1", "shard-jvb2", "shard-jvb3"]
STORE = "/var/lib/scalemeet/secrets/molecule.json"
REGISTRY = "/var/lib/scalemeet/slots/shard1.json"

# Keys Jitsi documents for these settings (jvb reference.conf, MucClientConfiguration).
JVB_KEYS = {
    "videobridge.apis.xmpp-client.configs.shard1.hostname": "shard-signal",
    "videobridge.apis.xmpp-client.configs.shard1.port": 5222,
    "videobridge.apis.xmpp-client.configs.shard1.domain": "auth." + DOMAIN,
    "videobridge.apis.xmpp-client.configs.shard1.muc_jids": "jvbbrewery@internal.auth." + DOMAIN,
    "videobridge.apis.xmpp-client.configs.shard1.disable_certificate_verification": True,
    "videobridge.apis.rest.enabled": True,
    "videobridge.rest.drain.enabled": True,
    "videobridge.rest.shutdown.enabled": True,
    "videobridge.rest.health.enabled": True,
    "videobridge.http-servers.private.host": "127.0.0.1",
    "videobridge.http-servers.private.port": 8080,
    "videobridge.ice.udp.port": 10000,
    "videobridge.relay.enabled": False,  # one region: nothing to cascade across
    "videobridge.relay.region": "eu-west",
    "videobridge.websockets.enabled": False,  # colibri websockets are gone; SCTP data channels
    "videobridge.sctp.enabled": True,
}
JICOFO_KEYS = {
    "jicofo.xmpp.client.hostname": "localhost",
    "jicofo.xmpp.client.port": 5222,
    "jicofo.xmpp.client.domain": "auth." + DOMAIN,
    "jicofo.xmpp.client.xmpp-domain": DOMAIN,
    "jicofo.xmpp.client.username": "focus",
    "jicofo.xmpp.client.conference-muc-jid": "conference." + DOMAIN,
    "jicofo.xmpp.client.client-proxy": "focus." + DOMAIN,
    "jicofo.bridge.brewery-jid": "jvbbrewery@internal.auth." + DOMAIN,
    "jicofo.bridge.selection-strategy": "SingleBridgeSelectionStrategy",
    "jicofo.bridge.max-bridge-participants": 80,
    "jicofo.bridge.stress-threshold": 0.8,
    "jicofo.bridge.health-checks.enabled": True,
    "jicofo.bridge.xmpp-connection-name": "Client",
    "jicofo.octo.enabled": False,
    "jicofo.local-region": "eu-west",
    "jicofo.rest.host": "127.0.0.1",
    "jicofo.rest.port": 8888,
}


@pytest.fixture(scope="module")
def signal():
    return node("shard-signal")


@pytest.fixture(scope="module")
def secrets(signal):
    return secret_values(signal, STORE)


def hocon(host, path):
    return ConfigFactory.parse_string(host.file(path).content_string)


def jicofo_bridges(signal):
    return jicofo_debug(signal)["bridge_selector"]["bridges"]


def registry(signal):
    return dict((int(k), v["bridge"]) for k, v in json.loads(signal.check_output("cat %s" % REGISTRY))["slots"].items())


def signaling_state(signal):
    pids = signal.check_output("systemctl show -P MainPID prosody nginx jicofo")
    sums = signal.check_output("sha256sum /etc/prosody/prosody.cfg.lua /etc/nginx/sites-enabled/* "
                               "/etc/jitsi/jicofo/jicofo.conf")
    accounts = signal.check_output("find /var/lib/prosody -type f | sort | xargs sha256sum")
    return pids, sums, accounts


@pytest.mark.parametrize("name", BRIDGES)
def test_jvb_conf_holds_the_documented_keys(name, signal, secrets):
    bridge = node(name)
    conf = hocon(bridge, "/etc/jitsi/videobridge/jvb.conf")
    assert dict((k, conf.get(k)) for k in JVB_KEYS) == JVB_KEYS
    slot = dict((v, k) for k, v in registry(signal).items())[name]
    account = conf.get("videobridge.apis.xmpp-client.configs.shard1")
    assert account["username"] == account["muc_nickname"] == "jvb-%02d" % slot
    assert account["password"] == secrets["jvb_slot_%02d_password" % slot]
    assert conf.get("videobridge.relay.relay-id") == "shard1-jvb-%02d" % slot
    f = bridge.file("/etc/jitsi/videobridge/jvb.conf")
    assert (f.user, f.group, f.mode) == ("root", "jitsi", 0o640)
    env = bridge.file("/etc/jitsi/videobridge/config").content_string
    assert "-Dconfig.file=/etc/jitsi/videobridge/jvb.conf" in env
    assert "VIDEOBRIDGE_MAX_MEMORY=" in env


def test_jicofo_conf_holds_the_documented_keys(signal, secrets):
    conf = hocon(signal, "/etc/jitsi/jicofo/jicofo.conf")
    assert dict((k, conf.get(k)) for k in JICOFO_KEYS) == JICOFO_KEYS
    assert conf.get("jicofo.xmpp.client.password") == secrets["focus_password"]
    f = signal.file("/etc/jitsi/jicofo/jicofo.conf")
    assert (f.user, f.group, f.mode) == ("root", "jitsi", 0o640)


def test_packages_come_from_the_signed_repository_through_apt(signal):
    for name, package in [("shard-signal", "jicofo")] + [(b, "jitsi-videobridge2") for b in BRIDGES]:
        h = node(name)
        policy = h.check_output("apt-cache policy %s" % package)
        assert "file:/srv/scalemeet-standin-apt stable/" in policy
        assert "Signed-By: /etc/apt/keyrings/jitsi.asc" in h.file("/etc/apt/sources.list.d/jitsi.sources").content_string
        assert "README.test-double" in h.check_output("dpkg -L %s" % package)  # says what it is


def test_java_comes_with_the_bridge_where_asked():
    assert 'version "21' in node("shard-jvb2").check_output("java -version 2>&1")


@pytest.mark.parametrize("name", BRIDGES)
def test_private_api_on_loopback_and_ice_port_open(name):
    bridge = node(name)
    assert bridge.service("jitsi-videobridge2").is_running
    assert bridge.socket("tcp://127.0.0.1:8080").is_listening
    assert not bridge.socket("tcp://0.0.0.0:8080").is_listening
    assert bridge.socket("udp://:::10000").is_listening or bridge.socket("udp://0.0.0.0:10000").is_listening
    assert bridge.run("curl -sf http://127.0.0.1:8080/about/health").rc == 0


def test_jicofo_sees_exactly_the_three_bridges_with_regions(signal):
    bridges = wait_for(lambda: len(jicofo_bridges(signal)) == 3 and jicofo_bridges(signal), timeout=60)
    assert bridges, "jicofo does not see three bridges: %s" % jicofo_bridges(signal)
    slots = registry(signal)
    assert sorted(b["nickname"] for b in bridges.values()) == ["jvb-%02d" % s for s in sorted(slots)]
    assert set(b["region"] for b in bridges.values()) == {"eu-west"}
    assert sorted(b["relay_id"] for b in bridges.values()) == ["shard1-jvb-%02d" % s for s in sorted(slots)]
    assert not any(b["draining"] for b in bridges.values())
    assert signal.run("curl -sf http://127.0.0.1:8888/about/health").rc == 0


def remembered_state(signal):
    """What the playbooks must remember between jobs: the shard's secrets and slots, and each bridge's copy."""
    state = {"store": secret_values(signal, STORE), "slots": registry(signal)}
    for bridge in BRIDGES + ["shard-jvb4"]:
        state[bridge] = node(bridge).check_output("sha256sum /etc/jitsi/videobridge/jvb.conf")
    return state


def test_fourth_bridge_changes_nothing_on_the_signaling_host(signal):
    """Scale-out with the day-2 playbook, as two AWX jobs: each in a new private data directory
    (a new container in AWX), so what the second job knows can only come from the hosts."""
    before = signaling_state(signal)
    first = run_job(SCALE, inventories=[ADD_JVB4])
    recap = first.recap()
    assert "changed=0" in recap["shard-signal"] and all("changed=0" in recap[b] for b in BRIDGES), recap
    assert "changed=0" not in recap["shard-jvb4"], recap
    assert signaling_state(signal) == before  # same PIDs, config and Prosody accounts: no reload
    assert len(wait_for(lambda: len(jicofo_bridges(signal)) == 4 and jicofo_bridges(signal), timeout=60) or {}) == 4
    assert "shard-jvb4" in registry(signal).values()
    remembered = remembered_state(signal)

    second = run_job(SCALE, inventories=[ADD_JVB4])
    assert second.private_data_dir != first.private_data_dir and not first.private_data_dir.exists()
    assert all("changed=0" in line for line in second.recap().values()), second.recap()
    assert remembered_state(signal) == remembered  # same secrets, same slots, same bridge configs
    assert signaling_state(signal) == before


def test_draining_shows_in_jicofo_then_the_bridge_is_gone_and_its_slot_free(signal):
    jvb4 = node("shard-jvb4")
    slot = dict((v, k) for k, v in registry(signal).items())["shard-jvb4"]
    nick = "jvb-%02d" % slot
    # A conference runs on the bridge (the double's test hook stands in for jicofo allocating one).
    jvb4.check_output("curl -sf -X POST -d '{\"conferences\": 1, \"participants\": 3}' "
                      "http://127.0.0.1:8080/test-double/conferences")
    cmd, env = playbook_command(SCALE, "-e", "scale_bridges_remove=shard-jvb4", inventories=[ADD_JVB4])
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        def draining():
            return [b for b in jicofo_bridges(signal).values() if b["nickname"] == nick and b["draining"]]
        assert wait_for(draining, timeout=120), "jicofo never saw %s draining" % nick
        assert proc.poll() is None, "the drain did not wait for the conference to end"
        assert jvb4.service("jitsi-videobridge2").is_running
        jvb4.check_output("curl -sf -X POST -d '{\"conferences\": 0, \"participants\": 0}' "
                          "http://127.0.0.1:8080/test-double/conferences")
        out, _err = proc.communicate(timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, out
    assert not jvb4.service("jitsi-videobridge2").is_running
    assert not jvb4.service("jitsi-videobridge2").is_enabled
    assert wait_for(lambda: nick not in [b["nickname"] for b in jicofo_bridges(signal).values()], timeout=60)
    assert "shard-jvb4" not in registry(signal).values()
    assert sorted(b["nickname"] for b in jicofo_bridges(signal).values()) == sorted(
        "jvb-%02d" % s for s in registry(signal))


@pytest.mark.parametrize("inventory, fragment", [
    ({"bridges": {"hosts": {"shard-jvb4": {"topology_shard": ""}}}}, "bridge shard-jvb4: shard is missing"),
    ({"signaling": {"hosts": {"shard-signal": {"topology_region": ""}}}},
     "bridge shard-jvb1: region is missing (set it on the bridge or on its shard)"),
    ({"bridges": {"hosts": {"shard-jvb4": {"topology_shard": "shard1"}}},
      "signaling": {"hosts": {"shard-signal": {"prosody_max_bridges": 3}}}},
     "shard shard1: 4 bridges (shard-jvb1, shard-jvb2, shard-jvb3, shard-jvb4) exceed max_bridges 3"),
], ids=["bridge-in-no-shard", "region-missing", "more-bridges-than-slots"])
def test_bad_input_fails_before_any_change(signal, tmp_path, inventory, fragment):
    extra = tmp_path / "bad.yml"
    extra.write_text(json.dumps(inventory))
    before = signaling_state(signal)
    job = run_job(SITE, inventories=[extra], check=False)
    rc, out = job.rc, job.output
    assert rc != 0
    assert fragment in out, out[-3000:]
    assert "topology problem" in out
    recap = [line for line in out.splitlines() if "changed=" in line]
    assert recap and all("changed=0" in line for line in recap), recap
    assert signaling_state(signal) == before


@pytest.mark.parametrize("remove, fragment", [
    ("shard-signal", "scale_bridges_remove names shard-signal, not in the bridges group"),
    ("shard-jvb*", "scale_bridges_remove: 'shard-jvb*' is not a host or shard name"),
], ids=["not-a-bridge", "a-pattern"])
def test_scale_in_of_what_is_not_a_bridge_fails_before_any_change(signal, remove, fragment):
    before = signaling_state(signal)
    job = run_job(SCALE, {"scale_bridges_remove": remove}, check=False)
    rc, out = job.rc, job.output
    assert rc != 0 and fragment in out, out[-3000:]
    assert all(node(b).service("jitsi-videobridge2").is_running for b in BRIDGES)
    assert signaling_state(signal) == before


def test_bridges_on_a_separate_port_through_jicofo_service_connection(signal):
    """meet.jit.si's layout: bridges on 6222 (firewallable to bridge hosts), jicofo's Service connection."""
    run_job(SITE, extravars={"prosody_bridge_c2s_port": 6222})
    assert signal.socket("tcp://0.0.0.0:6222").is_listening
    conf = hocon(signal, "/etc/jitsi/jicofo/jicofo.conf")
    assert conf.get("jicofo.bridge.xmpp-connection-name") == "Service"
    assert conf.get("jicofo.xmpp.service.port") == 6222 and conf.get("jicofo.xmpp.client.port") == 5222
    for name in BRIDGES:
        assert hocon(node(name), "/etc/jitsi/videobridge/jvb.conf").get(
            "videobridge.apis.xmpp-client.configs.shard1.port") == 6222
    bridges = wait_for(lambda: len(jicofo_bridges(signal)) == 3 and jicofo_bridges(signal), timeout=90)
    assert bridges, jicofo_bridges(signal)
    for name in BRIDGES:  # the bridges' sessions really are on the new port
        assert ":6222 " in node(name).check_output("ss -tn state established") + " "
