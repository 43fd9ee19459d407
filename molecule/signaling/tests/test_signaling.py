"""One shard's signaling host, proven with real XMPP clients through nginx."""

import base64
import hashlib
import hmac
import json
import pathlib
import sys
import uuid

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "molecule" / "resources" / "tests"))
# pylint: disable=wrong-import-position
from scenario_helpers import run_playbook, secret_values  # noqa: E402
from tests.xmpp.anonymous import BoshClient, WebSocketClient, XmppError  # noqa: E402
from tests.xmpp.c2s import Account, LoginFailed  # noqa: E402

DOMAIN = "meet.test"
AUTH = "auth." + DOMAIN
CONFERENCE = "conference." + DOMAIN
BREWERY = "jvbbrewery@internal.auth." + DOMAIN
STORE = "/var/lib/scalemeet/secrets/molecule.json"
RECONVERGE = pathlib.Path(__file__).resolve().parents[1] / "playbooks" / "reconverge.yml"


@pytest.fixture(scope="module")
def address(host):
    return host.check_output("hostname -I").split()[0]


@pytest.fixture(scope="module")
def secrets(host):
    return secret_values(host, STORE)


def prosody_pid(host):
    return host.check_output("systemctl show --property MainPID --value prosody")


def test_services_listen_where_they_should(host):
    assert host.service("prosody").is_running and host.service("nginx").is_running
    assert host.socket("tcp://127.0.0.1:5280").is_listening
    assert not host.socket("tcp://0.0.0.0:5280").is_listening  # BOSH/websocket only behind nginx
    assert host.socket("tcp://0.0.0.0:5222").is_listening
    assert host.socket("tcp://0.0.0.0:443").is_listening


def test_config_files_are_checked_and_private(host):
    cfg = host.file("/etc/prosody/prosody.cfg.lua")
    assert (cfg.user, cfg.group, cfg.mode) == ("root", "prosody", 0o640)
    assert host.run("prosodyctl check config").rc == 0
    assert host.run("nginx -t").rc == 0
    site = host.file("/etc/nginx/sites-available/%s.conf" % DOMAIN).content_string
    directives = "\n".join(line for line in site.splitlines() if not line.strip().startswith("#"))
    assert "colibri" not in directives  # SCTP data channels: no colibri websocket routes
    assert "/xmpp-websocket" in site and "/http-bind" in site


def test_prosody_runs_with_the_generational_garbage_collector(host):
    """prosody_gc's default reaches the config, and this Prosody (0.12 on bookworm, 13 on trixie)
    applied it at its last start: it logs "Failed to apply GC configuration" when it cannot."""
    config = host.file("/etc/prosody/prosody.cfg.lua").content_string
    assert 'gc = { mode = "generational"; }' in config
    invocation = host.check_output("systemctl show --property InvocationID --value prosody")
    journal = host.check_output("journalctl --no-pager -o cat _SYSTEMD_INVOCATION_ID=%s", invocation)
    assert "Prosody is using the" in journal  # this start's log is there
    assert "Failed to apply GC configuration" not in journal, journal


def test_websocket_and_bosh_clients_meet_in_a_room(address, secrets):
    room = "room-%s@%s" % (uuid.uuid4().hex[:8], CONFERENCE)
    focus = Account(address, "focus@" + AUTH, secrets["focus_password"])
    ws = bosh = None
    try:
        focus.login()
        focus.join(room, "focus")  # jicofo's part: only focus may create rooms
        ws = WebSocketClient(address, DOMAIN)
        assert ws.login_anonymous().endswith("@" + DOMAIN + "/" + ws.jid.split("/", 1)[1])
        _own, others = ws.join(room, "alice")
        assert others == {"focus"}
        bosh = BoshClient(address, DOMAIN)
        bosh.login_anonymous()
        _own, others = bosh.join(room, "bob")
        assert others == {"focus", "alice"}
        assert ws.wait_for_occupant(room, "bob") is not None
    finally:
        for client in (ws, bosh):
            if client:
                client.close()
        focus.close()


def test_anonymous_users_cannot_create_rooms(address):
    ws = WebSocketClient(address, DOMAIN)
    try:
        ws.login_anonymous()
        with pytest.raises(XmppError, match="refused"):
            ws.join("nobody-made-this@%s" % CONFERENCE, "mallory")
    finally:
        ws.close()


def test_every_slot_account_joins_the_brewery(address, secrets):
    bridges = []
    try:
        for slot in range(1, 5):
            account = Account(address, "jvb-%02d@%s" % (slot, AUTH), secrets["jvb_slot_%02d_password" % slot])
            account.login()
            occupants = account.join(BREWERY, "jvb-%02d" % slot)
            assert "jvb-%02d" % slot in occupants
            bridges.append(account)
        assert sorted(occupants) == ["jvb-01", "jvb-02", "jvb-03", "jvb-04"]
    finally:
        for account in bridges:
            account.close()


def test_anonymous_users_cannot_enter_the_brewery(address, secrets):
    bridge = Account(address, "jvb-01@" + AUTH, secrets["jvb_slot_01_password"])
    ws = WebSocketClient(address, DOMAIN)
    try:
        bridge.login()
        bridge.join(BREWERY, "jvb-01")  # the room exists
        ws.login_anonymous()
        with pytest.raises(XmppError, match="forbidden"):
            ws.join(BREWERY, "intruder")
    finally:
        ws.close()
        bridge.close()


def test_wrong_password_is_refused(address):
    account = Account(address, "jvb-01@" + AUTH, "not-the-password")
    try:
        with pytest.raises(LoginFailed):
            account.login()
    finally:
        account.close()


def test_released_slot_is_disabled_without_restarting_prosody(host, address, secrets):
    name = host.backend.get_hostname()
    before = prosody_pid(host)
    _rc, out = run_playbook(RECONVERGE, "-e", "target=%s" % name, "-e", '{"prosody_released_slots": [4]}')
    assert "changed=1" in out  # the account, nothing else
    account = Account(address, "jvb-04@" + AUTH, secrets["jvb_slot_04_password"])
    try:
        with pytest.raises(LoginFailed):
            account.login()
    finally:
        account.close()
    # claimed again: the account is back, still no restart
    run_playbook(RECONVERGE, "-e", "target=%s" % name)
    account = Account(address, "jvb-04@" + AUTH, secrets["jvb_slot_04_password"])
    try:
        account.login()
    finally:
        account.close()
    assert prosody_pid(host) == before


@pytest.mark.parametrize("extra, fragment", [
    ({"prosody_domain": "meet example.test"}, 'prosody_domain="meet example.test" must be a lower-case DNS name'),
    ({"prosody_max_bridges": 0}, "prosody_max_bridges=0 from 1 to 999"),
    ({"prosody_gc": {"mode": "generational", "threshold": 150}}, 'prosody_gc={"mode": "generational", "threshold": 150} must be'),
    # caught by the role's argument spec, before its first task
    ({"web_tls_mode": "bogus"}, "value of web_tls_mode must be one of: selfsigned, provided, acme, got: bogus"),
    ({"prosody_tls_mode": "provided", "prosody_tls_certificate": "/nonexistent/cert.pem",
      "prosody_tls_key": "/nonexistent/key.pem"}, 'prosody_tls_mode=provided but "/nonexistent/cert.pem" does not exist'),
])
def test_bad_input_fails_before_any_change(host, extra, fragment):
    # Validation does not depend on the release: one host is enough.
    name = host.backend.get_hostname()
    if name != "signal-trixie":
        pytest.skip("input validation runs once, on signal-trixie")
    before = host.check_output("sha256sum /etc/prosody/prosody.cfg.lua /etc/nginx/sites-available/%s.conf" % DOMAIN)
    rc, out = run_playbook(RECONVERGE, "-e", "target=%s" % name, "-e", json.dumps(extra), check=False)
    assert rc != 0
    assert fragment in out
    assert "host %s" % name in out or "fatal: [%s]" % name in out
    assert "changed=0" in out
    assert host.check_output("sha256sum /etc/prosody/prosody.cfg.lua /etc/nginx/sites-available/%s.conf" % DOMAIN) == before


def test_turn_credentials_are_advertised_and_derived_from_the_secret(address, secrets):
    ws = WebSocketClient(address, DOMAIN)
    try:
        ws.login_anonymous()
        ws.send('<iq type="get" id="ext1" to="%s" xmlns="jabber:client"><services xmlns="urn:xmpp:extdisco:2"/></iq>'
                % DOMAIN)
        result = ws.expect(lambda e: e.get("id") == "ext1", what="external services")
    finally:
        ws.close()
    services = result.findall(".//{urn:xmpp:extdisco:2}service")
    assert [(s.get("type"), s.get("host"), s.get("port"), s.get("transport")) for s in services] == [
        ("turn", "turn.meet.test", "3478", "udp")]
    # TURN REST credentials: password = base64(HMAC-SHA1(secret, username))
    username, password = services[0].get("username"), services[0].get("password")
    expected = base64.b64encode(hmac.new(secrets["turn_secret"].encode(), username.encode(), hashlib.sha1).digest())
    assert password == expected.decode()


def test_tls_and_security_headers(host):
    headers = host.check_output("curl -skI https://127.0.0.1/ -H 'Host: %s'" % DOMAIN).lower()
    assert "strict-transport-security: max-age=63072000; includesubdomains" in headers
    assert "x-content-type-options: nosniff" in headers
    assert "x-frame-options: sameorigin" in headers
    # config.js has its own location: it must keep the server's headers and not be cached
    config_js = host.check_output("curl -skI https://127.0.0.1/config.js -H 'Host: %s'" % DOMAIN).lower()
    assert "strict-transport-security: max-age=63072000" in config_js and "cache-control: no-cache" in config_js
    redirect = host.check_output("curl -sI http://127.0.0.1/room -H 'Host: %s'" % DOMAIN)
    assert "301" in redirect.splitlines()[0] and "https://%s/room" % DOMAIN in redirect


def test_client_port_requires_tls_and_offers_no_registration(address):
    import socket  # pylint: disable=import-outside-toplevel
    with socket.create_connection((address, 5222), timeout=10) as sock:
        sock.sendall(('<?xml version="1.0"?><stream:stream to="%s" xmlns="jabber:client" '
                      'xmlns:stream="http://etherx.jabber.org/streams" version="1.0">' % AUTH).encode())
        data = b""
        while b"</stream:features>" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    features = data.decode()
    assert "<starttls" in features and "<required/>" in features
    assert "jabber.org/features/iq-register" not in features
    assert "<mechanisms" not in features  # no authentication before TLS


def test_internal_hashed_mode_keeps_guests_anonymous(host, address):
    name = host.backend.get_hostname()
    if name != "signal-trixie":
        pytest.skip("authentication modes are checked once, on signal-trixie")
    try:
        run_playbook(RECONVERGE, "-e", "target=%s" % name, "-e", '{"prosody_authentication": "internal_hashed"}')
        config_js = host.check_output("cat /etc/jitsi/meet/%s-config.js" % DOMAIN)
        assert '"anonymousdomain": "guest.%s"' % DOMAIN in config_js
        main = WebSocketClient(address, DOMAIN)
        try:
            with pytest.raises(XmppError, match="ANONYMOUS not offered"):
                main.login_anonymous()
        finally:
            main.ws.close()
        guest = WebSocketClient(address, "guest." + DOMAIN, web_domain=DOMAIN)
        try:
            assert guest.login_anonymous().split("/")[0].endswith("@guest." + DOMAIN)
        finally:
            guest.close()
    finally:
        run_playbook(RECONVERGE, "-e", "target=%s" % name)
    ws = WebSocketClient(address, DOMAIN)
    try:
        ws.login_anonymous()  # back to anonymous
    finally:
        ws.close()
