"""host_state: one probe with every query the roles' checks read."""

import re

import pytest
import yaml

from ansible_collections.scalemeet.jitsi.plugins.module_utils import host_state as hs
from ansible_collections.scalemeet.jitsi.plugins.module_utils import secrets_store

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
                      "pid1_open_files": "20000", "config_files": {}, "calls": {}, "haproxy": None, "secrets_stores": None}
    assert calls == [hs.DPKG_ARGV, hs.SYSTEMCTL_ARGV]


def test_the_stores_of_the_directory_asked_are_read(tmp_path):
    limits = tmp_path / "limits"
    limits.write_text(LIMITS)
    store_dir = tmp_path / "secrets"
    secrets_store.ensure(str(store_dir / "meet.json"), "meet", secrets_store.requested_specs(bridge_slots=1))
    run, _calls = fake_run({"dpkg-query": (0, "", ""), "systemctl": (0, "", "")})
    probed = hs.gather(run, "", limits_path=str(limits), secrets_store_dir=str(store_dir))["secrets_stores"]
    assert probed["dir"] == str(store_dir)
    assert sorted(probed["stores"]["meet"]) == ["focus_password", "jvb_slot_01_password"]


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


class Module:
    """What the fact collectors use of AnsibleModule, on this test machine."""

    def get_bin_path(self, name, required=False, opt_dirs=None):
        import shutil
        return shutil.which(name)

    def debug(self, msg):
        pass

    def warn(self, msg):
        pass

    def run_command(self, argv, **kwargs):
        import subprocess
        proc = subprocess.run(argv, shell=isinstance(argv, str), capture_output=True, text=True, check=False)
        return proc.returncode, proc.stdout, proc.stderr


def test_no_subset_gathers_no_facts():
    assert hs.collect_facts(None, [], 10) == {}


def test_facts_are_setup_s_for_the_subset():
    facts = hs.collect_facts(Module(), ["!all", "!min", "distribution"], 10)
    with open("/etc/os-release") as f:
        name = dict(line.split("=", 1) for line in f.read().splitlines() if "=" in line)["NAME"].strip('"')
    assert name.startswith(facts["ansible_distribution"])
    # setup's namespace: every fact prefixed (and setup's two markers), nothing from a subset not asked for
    assert {key for key in facts if not key.startswith("ansible_")} == {"gather_subset", "module_setup"}
    assert facts["gather_subset"] == ["!all", "!min", "distribution"]
    assert "ansible_default_ipv4" not in facts and "ansible_memtotal_mb" not in facts


def test_a_bad_subset_is_named():
    with pytest.raises(hs.HostStateError, match="gather_subset !all, bogus: .*bogus"):
        hs.collect_facts(Module(), ["!all", "bogus"], 10)


def test_haproxy_s_servers_are_read_where_it_answers(tmp_path):
    from test_haproxy_runtime import FakeHAProxy
    fake = FakeHAProxy({"shard1": 0, "shard2": 8})
    assert hs.haproxy_servers(fake.path) == {
        "socket": fake.path, "backends": {"shards": {"shard1": {"id": 1, "admin_state": 0, "op_state": 2},
                                                     "shard2": {"id": 2, "admin_state": 8, "op_state": 2}}}}
    assert fake.commands == ["show servers state"]
    # no socket, or nothing answering on it: the drain asks HAProxy itself
    assert hs.haproxy_servers(str(tmp_path / "none.sock")) is None
    assert hs.haproxy_servers("") is None
    dead = tmp_path / "dead.sock"
    import socket
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(dead))
    sock.close()
    assert hs.haproxy_servers(str(dead)) is None


FACT_READS = [  # ansible_facts.name, ansible_facts['name'] in roles; facts.get("name") in plugins
    ("roles", ("*.yml", "*.j2"), r"ansible_facts(?:\.|\[['\"])(\w+)\b(?!\()"),
    ("plugins", ("*.py",), r"\bfacts\.get\(['\"](\w+)"),
]


def _read_facts(root):
    found = {}
    for top, globs, pattern in FACT_READS:
        for glob in globs:
            for path in (root / top).rglob(glob):
                for name in re.findall(pattern, path.read_text()):
                    found.setdefault(name, str(path.relative_to(root)))
    return found


def _gathered_by_the_probe(root):
    with open(root / "roles" / "common" / "vars" / "main.yml") as f:
        return yaml.safe_load(f)["__common_read_facts"]


def test_the_probe_always_gathers_the_subsets_of_every_fact_the_roles_read(root):
    # common_gather_subset: [min] once left memtotal_mb and the virtualization facts out: JVM
    # heaps from a default, live sysctl inside containers
    declared = {fact for facts in _gathered_by_the_probe(root).values() for fact in facts}
    read = _read_facts(root)
    assert {"memtotal_mb", "default_ipv4", "virtualization_type"} <= set(read)  # the scan finds reads
    assert {name: path for name, path in read.items() if name not in declared} == {}


def test_each_subset_the_probe_forces_is_the_one_that_gathers_its_facts(root):
    from ansible.module_utils.facts import default_collectors
    by_collector = {}
    for collector in default_collectors.collectors:
        for fact in getattr(collector, "_fact_ids", ()):
            by_collector.setdefault(fact, set()).add(collector.name)
    for subset, facts in _gathered_by_the_probe(root).items():
        gathered = hs.collect_facts(Module(), ["!all", "!min", subset], 10)
        for fact in facts:
            # default_ipv4 needs a default route, which a test machine may lack: its collector says
            assert "ansible_" + fact in gathered or by_collector.get(fact) == {subset}, (subset, fact)
