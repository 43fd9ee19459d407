"""The seed's first stage: Prosody, nginx, jicofo and a bridge on one server.

jicofo and jitsi-videobridge2 are TEST DOUBLES (tests/standins) speaking real XMPP to the
real Prosody. Clients come in through the real nginx on 443, as browsers do.
"""

import json
import os
import pathlib
import subprocess
import sys

import yaml


ROOT = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "molecule" / "resources" / "tests"))
# pylint: disable=wrong-import-position
from scenario_helpers import address, jicofo_debug, node, secret_values, wait_for  # noqa: E402
from tests.xmpp.anonymous import BoshClient, WebSocketClient  # noqa: E402
from tests.xmpp.c2s import Account  # noqa: E402

DOMAIN = "meet.test"
HOST = node("single")


def jicofo_bridges():
    return jicofo_debug(HOST)["bridge_selector"]["bridges"]


def test_every_service_runs_on_the_one_host():
    for service in ("prosody", "nginx", "jicofo", "jitsi-videobridge2"):
        assert HOST.service(service).is_running, service


def test_web_files_come_from_the_repository_package_and_nginx_serves_them():
    assert HOST.check_output("dpkg-query -W -f '${Version}' jitsi-meet-web") == "1.0.8600-1+standin"
    page = HOST.check_output("curl -sfk --resolve %s:443:127.0.0.1 https://%s/standup" % (DOMAIN, DOMAIN))
    assert "TEST DOUBLE of Jitsi Meet" in page  # a room URL gets the app's index.html
    config = HOST.check_output("curl -sfk --resolve %s:443:127.0.0.1 https://%s/config.js" % (DOMAIN, DOMAIN))
    assert "xmpp-websocket" in config


def test_jicofo_sees_the_local_bridge():
    bridges = list((wait_for(lambda: len(jicofo_bridges()) == 1 and jicofo_bridges()) or jicofo_bridges()).values())
    assert len(bridges) == 1 and bridges[0]["region"] == "default" and bridges[0]["relay_id"] == "main-jvb-01"
    assert HOST.run("curl -sf http://127.0.0.1:8080/about/health").rc == 0


def test_two_participants_meet_through_nginx():
    secrets = secret_values(HOST, "/var/lib/scalemeet/secrets/molecule.json")
    room = "standup@conference." + DOMAIN
    focus = Account(address("single"), "focus@auth." + DOMAIN, secrets["focus_password"])
    alice = WebSocketClient(address("single"), DOMAIN)
    bob = BoshClient(address("single"), DOMAIN)
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


def test_the_tarball_installed_fresh_runs_site_by_fqcn_and_changes_nothing(tmp_path):
    """As an operator who installed the collection from Galaxy: `ansible-playbook scalemeet.jitsi.site`
    from the built tarball alone (no checkout on any path) on the converged server is a no-op."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(tmp_path / "collections"),
               ANSIBLE_ROLES_PATH=str(tmp_path / "no-roles"), ANSIBLE_FORCE_COLOR="0", ANSIBLE_NOCOLOR="1")
    subprocess.run(["ansible-galaxy", "collection", "build", "--output-path", str(tmp_path), str(ROOT)],
                   check=True, capture_output=True, env=env)
    tarball = next(tmp_path.glob("scalemeet-jitsi-*.tar.gz"))
    subprocess.run(["ansible-galaxy", "collection", "install", "--no-deps", "-p", str(tmp_path / "collections"), str(tarball)],
                   check=True, capture_output=True, env=env)
    listed = subprocess.run(["ansible-galaxy", "collection", "list", "scalemeet.jitsi", "--format", "json"],
                            check=True, capture_output=True, text=True, env=env).stdout
    assert list(json.loads(listed)) == [str(tmp_path / "collections" / "ansible_collections")], listed

    proc = subprocess.run(["ansible-playbook", "-i", os.environ["MOLECULE_INVENTORY_FILE"], "scalemeet.jitsi.site"],
                          capture_output=True, text=True, env=env, timeout=900, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert "PLAY [Validate the deployment" in out, out[-4000:]
    recap = [line for line in out.splitlines() if " : ok=" in line]
    assert len(recap) == 1 and "changed=0" in recap[0] and "failed=0" in recap[0], recap


def test_nginx_takes_the_connections_per_worker_the_role_sets():
    """Debian's 768 per worker refused websocket joins past ~750 participants (two connections each)."""
    wanted = yaml.safe_load((ROOT / "roles" / "web" / "defaults" / "main.yml").read_text())["web_worker_connections"]
    assert wanted > 768
    effective = HOST.check_output("nginx -T 2>/dev/null | grep -E '^\\s*worker_connections'")
    assert effective.split() == ["worker_connections", "%d;" % wanted], effective
