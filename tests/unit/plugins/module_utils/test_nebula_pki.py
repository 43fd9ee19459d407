"""Nebula CA logic, run against the real nebula-cert (the test bed installs Debian's nebula package)."""

import datetime
import os
import shutil
import subprocess

import pytest

from ansible_collections.scalemeet.jitsi.plugins.module_utils import nebula_pki as n

NEBULA_CERT = shutil.which("nebula-cert")
needs_nebula_cert = pytest.mark.skipif(NEBULA_CERT is None, reason="nebula-cert missing: run `make testbed`")
UTC = datetime.timezone.utc


def run(argv):
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    return proc.returncode, proc.stdout, proc.stderr


def keypair(tmp_path, name):
    key, pub = tmp_path / (name + ".key"), tmp_path / (name + ".pub")
    assert run([NEBULA_CERT, "keygen", "-out-key", str(key), "-out-pub", str(pub)])[0] == 0
    return pub.read_text()


def ca_at(path, now=None):
    return n.CertificateAuthority(str(path), run, nebula_cert=NEBULA_CERT, now=now)


def cert(**over):
    now = datetime.datetime(2026, 1, 1, tzinfo=UTC)
    base = {"name": "jvb-a", "ips": ["10.60.1.10/22"], "groups": ["bridge", "region:a"], "public_key": "ab" * 32,
            "issuer": "ca1", "not_before": now, "not_after": now + datetime.timedelta(days=365), "fingerprint": "f1",
            "is_ca": False}
    base.update(over)
    return base


NOW = datetime.datetime(2026, 1, 1, tzinfo=UTC)
CA = {"fingerprint": "ca1", "not_after": NOW + datetime.timedelta(days=3650)}
DESIRED = {"name": "jvb-a", "ips": ["10.60.1.10/22"], "groups": ["bridge", "region:a"], "public_key": "ab" * 32}


def test_no_reasons_when_certificate_is_right():
    assert n.reasons_to_sign(cert(), DESIRED, CA, NOW, 30) == []


@pytest.mark.parametrize("over, reason", [
    ({"issuer": "old-ca"}, "signed by another CA"),
    ({"ips": ["10.60.1.11/22"]}, "ips changed"),
    ({"groups": ["bridge"]}, "groups changed"),
    ({"public_key": "cd" * 32}, "public key changed"),
    ({"not_after": NOW + datetime.timedelta(days=29)}, "expires in 29.0 days (renewal starts 30 days ahead)"),
])
def test_reasons_name_what_changed(over, reason):
    reasons = n.reasons_to_sign(cert(**over), DESIRED, CA, NOW, 30)
    assert any(r.startswith(reason) for r in reasons), reasons


def test_first_certificate():
    assert n.reasons_to_sign(None, DESIRED, CA, NOW, 30) == ["no certificate yet"]


def test_lifetime_never_passes_the_ca():
    assert n.signing_hours(CA, NOW, 365, "host x") == 365 * 24
    short_ca = {"not_after": NOW + datetime.timedelta(days=10)}
    assert n.signing_hours(short_ca, NOW, 365, "host x") == 10 * 24 - 1
    with pytest.raises(n.NebulaPkiError, match="host x: the CA expires 2026-01-01T12:00:00Z; rotate the CA"):
        n.signing_hours({"not_after": NOW + datetime.timedelta(hours=12)}, NOW, 365, "host x")


@pytest.mark.parametrize("pem, message", [
    ("not a key", "not a Nebula X25519 public key PEM block"),
    ("-----BEGIN NEBULA X25519 PUBLIC KEY-----\n!!!\n-----END NEBULA X25519 PUBLIC KEY-----", "not base64"),
    ("-----BEGIN NEBULA X25519 PUBLIC KEY-----\nAAAA\n-----END NEBULA X25519 PUBLIC KEY-----", "32 bytes, this one 3"),
])
def test_bad_public_key_is_named(pem, message):
    with pytest.raises(n.NebulaPkiError, match="host jvb-a public key: .*" + message):
        n.public_key_hex(pem, "host jvb-a public key")


def test_unparsable_certificate_is_named():
    with pytest.raises(n.NebulaPkiError, match="host x certificate: not a Nebula certificate"):
        n.parse_certificate("{}", "host x certificate")


@needs_nebula_cert
def test_ca_created_once_and_key_private(tmp_path):
    ca_dir = tmp_path / "ca"
    created, ca = ca_at(ca_dir).ensure_ca("test CA", 30, check_mode=False)
    assert created and ca["is_ca"] and 29 < n.days_left(ca, datetime.datetime.now(UTC)) <= 30
    assert oct(os.stat(ca_dir / "ca.key").st_mode & 0o777) == "0o600"
    again, ca2 = ca_at(ca_dir).ensure_ca("test CA", 30, check_mode=False)
    assert not again and ca2["fingerprint"] == ca["fingerprint"]


@needs_nebula_cert
def test_check_mode_creates_nothing(tmp_path):
    created, ca = ca_at(tmp_path / "ca").ensure_ca("test CA", 30, check_mode=True)
    assert created and ca is None and not (tmp_path / "ca").exists()


@needs_nebula_cert
def test_lost_ca_certificate_never_overwrites_the_key(tmp_path):
    ca_at(tmp_path / "ca").ensure_ca("test CA", 30, check_mode=False)
    (tmp_path / "ca" / "ca.crt").unlink()
    with pytest.raises(n.NebulaPkiError, match="ca.key exists without .*ca.crt; refusing to overwrite a CA key"):
        ca_at(tmp_path / "ca").ensure_ca("test CA", 30, check_mode=False)


@needs_nebula_cert
def test_host_signed_once_then_renewed_and_rekeyed(tmp_path):
    ca_dir = tmp_path / "ca"
    ca_at(ca_dir).ensure_ca("test CA", 400, check_mode=False)
    pub = keypair(tmp_path, "jvb-a")
    first = ca_at(ca_dir).ensure_host("jvb-a", "10.60.1.10/22", ["bridge", "region:a"], pub, 90, 30, False)
    assert first["changed"] and first["reasons"] == ["no certificate yet"]
    assert "BEGIN NEBULA CERTIFICATE" in first["certificate"]
    printed = n.parse_certificate(run([NEBULA_CERT, "print", "-json", "-path", str(ca_dir / "hosts" / "jvb-a.crt")])[1])
    assert printed["ips"] == ["10.60.1.10/22"] and printed["groups"] == ["bridge", "region:a"]
    assert run([NEBULA_CERT, "verify", "-ca", str(ca_dir / "ca.crt"), "-crt", str(ca_dir / "hosts" / "jvb-a.crt")])[0] == 0

    same = ca_at(ca_dir).ensure_host("jvb-a", "10.60.1.10/22", ["region:a", "bridge"], pub, 90, 30, False)
    assert not same["changed"] and same["fingerprint"] == first["fingerprint"]

    # 70 days later the 90-day certificate is inside the 30-day window: renewed
    later = datetime.datetime.now(UTC) + datetime.timedelta(days=70)
    renewed = ca_at(ca_dir, now=later).ensure_host("jvb-a", "10.60.1.10/22", ["bridge", "region:a"], pub, 90, 30, True)
    assert renewed["changed"] and renewed["reasons"][0].startswith("expires in 20.0 days")
    assert renewed["fingerprint"] == first["fingerprint"], "check mode must not sign"

    rekeyed = ca_at(ca_dir).ensure_host("jvb-a", "10.60.1.10/22", ["bridge", "region:a"], keypair(tmp_path, "new"), 90, 30, False)
    assert rekeyed["reasons"] == ["public key changed"] and rekeyed["fingerprint"] != first["fingerprint"]


@needs_nebula_cert
def test_host_lifetime_capped_at_ca_expiry(tmp_path):
    ca_at(tmp_path / "ca").ensure_ca("short CA", 10, check_mode=False)
    result = ca_at(tmp_path / "ca").ensure_host("jvb-a", "10.60.1.10/22", ["bridge"], keypair(tmp_path, "a"), 365, 5, False)
    not_after = datetime.datetime.strptime(result["not_after"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert 9 < (not_after - datetime.datetime.now(UTC)).total_seconds() / 86400 < 10


@needs_nebula_cert
def test_departed_host_is_revoked_and_blocked(tmp_path):
    ca_dir = tmp_path / "ca"
    ca_at(ca_dir).ensure_ca("test CA", 400, check_mode=False)
    kept = ca_at(ca_dir).ensure_host("jvb-a", "10.60.1.10/22", ["bridge"], keypair(tmp_path, "a"), 90, 30, False)
    gone = ca_at(ca_dir).ensure_host("jvb-b", "10.60.2.10/22", ["bridge"], keypair(tmp_path, "b"), 90, 30, False)
    assert ca_at(ca_dir).revoke_others(["jvb-a"], check_mode=True) == ["jvb-b"]
    assert ca_at(ca_dir).blocklist() == []
    assert ca_at(ca_dir).revoke_others(["jvb-a"], check_mode=False) == ["jvb-b"]
    assert ca_at(ca_dir).blocklist() == [gone["fingerprint"]]
    assert kept["fingerprint"] not in ca_at(ca_dir).blocklist()
    assert ca_at(ca_dir).revoke_others(["jvb-a"], check_mode=False) == []
    # once the revoked certificate has expired it no longer needs blocking
    assert ca_at(ca_dir, now=datetime.datetime.now(UTC) + datetime.timedelta(days=91)).blocklist() == []


def test_bad_host_name_refused(tmp_path):
    with pytest.raises(n.NebulaPkiError, match="host '../x': not a usable certificate name"):
        ca_at(tmp_path).host_path("../x")
