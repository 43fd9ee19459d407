"""self_signed: one pair made with the real openssl, kept afterwards, the key never readable by others."""

import grp
import os
import shutil
import stat
import subprocess

import pytest

from ansible_collections.scalemeet.jitsi.plugins.module_utils import self_signed as ss

pytestmark = [pytest.mark.skipif(not shutil.which("openssl"), reason="needs openssl"),
              pytest.mark.skipif(os.geteuid() != 0, reason="the key is owned by root: run as root (the test bed does)")]
GROUP = grp.getgrgid(os.getgid()).gr_name


def run_command(argv):
    proc = subprocess.run(argv, capture_output=True, text=True, check=False)
    return proc.returncode, proc.stdout, proc.stderr


def request(tmp_path, **extra):
    out = dict(path=str(tmp_path / "certs" / "meet.test.crt"), key_path=str(tmp_path / "certs" / "meet.test.key"),
               names=["meet.test", "*.meet.test"], days=30, key_group=GROUP, key_mode="0640",
               directory_group=GROUP, directory_mode="0750")
    out.update(extra)
    return out


def test_first_run_makes_directory_and_pair_then_nothing_is_planned(tmp_path):
    req = request(tmp_path)
    steps = ss.plan(req)
    assert steps == [("directory", "create"), ("generate", "create")]
    ss.apply(req, steps, run_command)
    certs = tmp_path / "certs"
    assert stat.S_IMODE(certs.stat().st_mode) == 0o750
    key = certs / "meet.test.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o640 and key.stat().st_uid == 0
    text = subprocess.run(["openssl", "x509", "-in", req["path"], "-noout", "-subject", "-ext", "subjectAltName"],
                          capture_output=True, text=True, check=True).stdout
    assert "CN = meet.test" in text and "DNS:meet.test, DNS:*.meet.test" in text
    # the certificate belongs to the key
    pub_cert = subprocess.run(["openssl", "x509", "-in", req["path"], "-noout", "-pubkey"], capture_output=True, check=True).stdout
    pub_key = subprocess.run(["openssl", "pkey", "-in", str(key), "-pubout"], capture_output=True, check=True).stdout
    assert pub_cert == pub_key
    assert sorted(os.listdir(certs)) == ["meet.test.crt", "meet.test.key"]
    assert ss.plan(req) == []


def test_kept_pair_only_gets_its_key_attributes_back(tmp_path):
    req = request(tmp_path)
    ss.apply(req, ss.plan(req), run_command)
    before = open(req["path"]).read()
    os.chmod(req["key_path"], 0o644)
    steps = ss.plan(req)
    assert steps == [("key", "attributes")]
    ss.apply(req, steps, run_command)
    assert stat.S_IMODE(os.stat(req["key_path"]).st_mode) == 0o640
    assert open(req["path"]).read() == before


def test_refused_generation_leaves_nothing(tmp_path):
    req = request(tmp_path, days=30)
    steps = ss.plan(req)

    def refusing(argv):
        assert argv[0] == "openssl"
        return 1, "", "bad things"
    with pytest.raises(ss.GenerationFailed, match="openssl refused \\(rc 1\\): bad things"):
        ss.apply(req, steps, refusing)
    assert os.listdir(tmp_path / "certs") == []


@pytest.mark.parametrize("change, error, fragment", [
    (dict(names=[]), ss.BadRequest, "no DNS names given"),
    (dict(names=["meet.test", "bad name"]), ss.BadRequest, "'bad name' is not a DNS name"),
    (dict(days=0), ss.BadRequest, "days must be at least 1"),
    (dict(key_group="no-such-group-here"), ss.BadRequest, "no group 'no-such-group-here'"),
    (dict(key_mode="rw"), ss.BadRequest, "mode 'rw' is not an octal mode"),
    (dict(path="relative.crt"), ss.BadRequest, "relative.crt: not an absolute path"),
])
def test_bad_requests_fail_naming_the_value_before_any_change(tmp_path, change, error, fragment):
    with pytest.raises(error, match=fragment):
        ss.plan(request(tmp_path, **change))
    assert not (tmp_path / "certs").exists()


def test_a_missing_directory_not_asked_for_is_planned_but_refused(tmp_path):
    """Check mode: the calling role has not made it yet; a real run stops before openssl."""
    req = request(tmp_path, directory_mode=None)
    steps = ss.plan(req)
    assert steps == [("generate", "create")]
    with pytest.raises(ss.BadRequest, match="certs: does not exist \\(give directory_mode"):
        ss.apply(req, steps, run_command)
    assert not (tmp_path / "certs").exists()


def test_a_certificate_without_its_key_is_not_paired_with_a_new_one(tmp_path):
    req = request(tmp_path)
    ss.apply(req, ss.plan(req), run_command)
    os.unlink(req["key_path"])
    with pytest.raises(ss.BrokenPair, match="meet.test.key: the certificate .* is there but not its key"):
        ss.plan(req)
