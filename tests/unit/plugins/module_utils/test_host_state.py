"""host_state: one probe with every query the roles' checks read."""

import pytest

from ansible_collections.scalemeet.jitsi.plugins.module_utils import host_state as hs

LIMITS = """Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1048576              20000                files
Max locked memory         8388608              8388608              bytes
"""


def fake_run(outputs):
    calls = []

    def run(argv):
        calls.append(argv)
        return outputs[argv[0]]
    return run, calls


def test_the_hard_open_file_limit_is_read():
    assert hs.pid1_open_files(LIMITS) == "20000"
    assert hs.pid1_open_files(LIMITS.replace("20000", "unlimited")) == "unlimited"
    assert hs.pid1_open_files("Limit Soft Hard\n") is None


def test_gather_runs_each_query_once_with_an_argv(tmp_path):
    limits = tmp_path / "limits"
    limits.write_text(LIMITS)
    run, calls = fake_run({"dpkg-query": (0, "nginx\t1.22\tii \n", ""), "systemctl": (0, "Id=nginx.service\n", "")})
    result = hs.gather(run, str(tmp_path / "record.json"), limits_path=str(limits))
    assert result == {"packages": "nginx\t1.22\tii \n", "services": "Id=nginx.service\n",
                      "pid1_open_files": "20000", "config_files": {}, "calls": {}}
    assert calls == [hs.DPKG_ARGV, hs.SYSTEMCTL_ARGV]


def test_the_systemctl_argv_asks_for_the_properties_the_filter_reads():
    # one argv item, or systemctl reads Id,ActiveState,UnitFileState as unit names
    assert "--property=Id,ActiveState,UnitFileState" in hs.SYSTEMCTL_ARGV


def test_a_failed_query_names_its_command(tmp_path):
    limits = tmp_path / "limits"
    limits.write_text(LIMITS)
    run, _calls = fake_run({"dpkg-query": (2, "", "dpkg: error: database locked"), "systemctl": (0, "", "")})
    with pytest.raises(hs.HostStateError, match="dpkg-query --show failed .rc 2.: dpkg: error: database locked"):
        hs.gather(run, "", limits_path=str(limits))


def test_an_unreadable_limits_file_is_named(tmp_path):
    run, _calls = fake_run({})
    with pytest.raises(hs.HostStateError, match="nowhere"):
        hs.gather(run, "", limits_path=str(tmp_path / "nowhere"))
