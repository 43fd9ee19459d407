"""packages_missing and installed_version: what a role asks apt for, read against one dpkg query per host."""

import shutil
import subprocess

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.scalemeet.jitsi.plugins.filter.installed_version import installed_version
from ansible_collections.scalemeet.jitsi.plugins.filter.packages_missing import packages_missing
from ansible_collections.scalemeet.jitsi.plugins.module_utils import host_state

DPKG = "\n".join([
    "haproxy\t2.6.12-1+deb12u1\tii ",
    "nginx-light\t1.22.1-9\trc ",       # removed, configuration left: not installed
    "prosody\t0.12.4-1\tiU ",           # unpacked, not configured: not installed
    "lua-unbound\t1.0.0-2\tiiR",        # installed but flagged reinstall-required
    "libc6\t2.36-9\tii ",
    "libc6\t2.36-8\tii ",               # a second architecture at another version
    "jicofo\t1.0-1076-1\thi ",          # held, installed
    "",
])


@pytest.mark.parametrize("requested, expected", [
    (["haproxy"], []),
    (["haproxy=2.6.12-1+deb12u1"], []),
    (["haproxy=2.6*"], []),
    (["haproxy=2.8*"], ["haproxy=2.8*"]),
    (["haproxy=2.6.12-1"], ["haproxy=2.6.12-1"]),
    (["nginx-light", "ssl-cert", "haproxy"], ["nginx-light", "ssl-cert"]),
    (["prosody", "lua-unbound"], ["prosody", "lua-unbound"]),
    (["libc6=2.36-8"], []),
    (["jicofo=1.0-1076-1"], []),
    ([], []),
])
def test_only_what_is_not_installed_at_the_asked_version_is_returned(requested, expected):
    assert packages_missing(requested, DPKG) == expected


def test_without_the_query_everything_is_asked_for():
    assert packages_missing(["haproxy", "nginx-light=1.22*"], None) == ["haproxy", "nginx-light=1.22*"]


@pytest.mark.parametrize("requested, output, fragment", [
    ("haproxy", DPKG, "expected a list of packages, got str"),
    (["haproxy", 3], DPKG, "3 is not a package name"),
    (["=1.0"], DPKG, "'=1.0' is not a package name"),
    (["haproxy"], "haproxy 2.6 ii\n", "line 1 of the dpkg query"),
    (["haproxy"], {"haproxy": "2.6"}, "must be text, got dict"),
])
def test_bad_input_is_named(requested, output, fragment):
    with pytest.raises(AnsibleFilterError, match=fragment):
        packages_missing(requested, output)


@pytest.mark.skipif(not shutil.which("dpkg-query"), reason="needs dpkg (Debian)")
def test_the_query_the_roles_run_is_read_right_on_a_real_dpkg():
    """The query the roles run, run here: dpkg itself is installed at the version dpkg reports."""
    output = subprocess.run(host_state.DPKG_ARGV, capture_output=True, text=True, check=True).stdout
    version = subprocess.run(["dpkg-query", "--show", "--showformat", "${Version}", "dpkg"],
                             capture_output=True, text=True, check=True).stdout
    assert packages_missing(["dpkg", "dpkg=" + version, "scalemeet-no-such-package"], output) == ["scalemeet-no-such-package"]
    assert packages_missing(["dpkg=0.0-not-this"], output) == ["dpkg=0.0-not-this"]


@pytest.mark.parametrize("name, expected", [
    ("haproxy", "2.6.12-1+deb12u1"),
    ("nginx-light", None),       # removed, configuration left
    ("prosody", None),           # unpacked only
    ("libc6", "2.36-9"),         # the first of two architectures
    ("ssl-cert", None),
])
def test_installed_version_reads_the_same_query(name, expected):
    assert installed_version(name, DPKG) == expected


def test_installed_version_without_the_query_is_unknown_and_bad_names_are_named():
    assert installed_version("haproxy", None) is None
    with pytest.raises(AnsibleFilterError, match="'' is not a package name"):
        installed_version("", DPKG)
    with pytest.raises(AnsibleFilterError, match="installed_version: line 1 of the dpkg query"):
        installed_version("haproxy", "haproxy 2.6\n")
