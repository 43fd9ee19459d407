"""The thin modules: argument handling, no_log enforcement, diff content."""

import json
import shutil

import pytest
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args

from ansible_collections.scalemeet.jitsi.plugins.modules import (
    bridge_slot, component_secrets, config_files, host_state, nebula_ca, nebula_certificate, recorded_call,
    self_signed_certificate)
from ansible_collections.scalemeet.jitsi.plugins.module_utils import call_record


class Exit(Exception):
    def __init__(self, kind, result):
        super().__init__(kind)
        self.kind = kind
        self.result = result


@pytest.fixture(autouse=True)
def capture(monkeypatch):
    def exit_json(self, **kwargs):
        raise Exit("exit", kwargs)

    def fail_json(self, **kwargs):
        raise Exit("fail", kwargs)

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)


def run(module, args):
    with patch_module_args(args):
        with pytest.raises(Exit) as exc:
            module.main()
    return exc.value.kind, exc.value.result


def test_secrets_refused_without_no_log(tmp_path):
    kind, result = run(component_secrets, {"deployment": "d", "store_dir": str(tmp_path)})
    assert kind == "fail" and "set no_log: true" in result["msg"]
    assert list(tmp_path.iterdir()) == []


def test_secrets_diff_lists_names_never_values(tmp_path):
    args = {"deployment": "d", "store_dir": str(tmp_path), "bridge_slots": 2, "turn": True,
            "_ansible_no_log": True, "_ansible_diff": True}
    kind, result = run(component_secrets, args)
    assert kind == "exit" and result["changed"] is True
    diff = json.dumps(result["diff"])
    assert "jvb_slot_02_password (generated)" in result["diff"]["after"]
    assert not [v for v in result["secrets"].values() if v in diff]
    kind, again = run(component_secrets, args)
    assert again["changed"] is False and again["secrets"] == result["secrets"]


def test_secrets_no_diff_unless_asked(tmp_path):
    _kind, result = run(component_secrets, {"deployment": "d", "store_dir": str(tmp_path), "_ansible_no_log": True})
    assert "diff" not in result


def test_operator_value_overrides_standard_secret(tmp_path):
    _kind, result = run(component_secrets, {
        "deployment": "d", "store_dir": str(tmp_path), "turn": True, "_ansible_no_log": True,
        "secrets": [{"name": "turn_secret", "kind": "hex", "value": "from-vault"}]})
    assert result["secrets"]["turn_secret"] == "from-vault" and result["actions"]["turn_secret"] == "provided"


@pytest.mark.parametrize("args, fragment", [
    ({"deployment": "../etc"}, "deployment '../etc' must be a plain name"),
    ({"deployment": "d", "bridge_slots": 1000}, "bridge_slots=1000"),
])
def test_secrets_bad_arguments(tmp_path, args, fragment):
    kind, result = run(component_secrets, dict(args, store_dir=str(tmp_path), _ansible_no_log=True))
    assert kind == "fail" and fragment in result["msg"]


def test_slot_full_shard_message_and_diff(tmp_path):
    base = {"shard": "s1", "max_bridges": 1, "registry_dir": str(tmp_path), "_ansible_diff": True}
    kind, result = run(bridge_slot, dict(base, bridge="a"))
    assert kind == "exit" and result["slot"]["account"] == "jvb-01" and result["diff"]["after"] == "1 a\n"
    kind, result = run(bridge_slot, dict(base, bridge="b"))
    assert kind == "fail"
    assert result["msg"] == "shard s1 is full: all 1 slots (max_bridges) are taken; bridge b did not fit"
    assert (result["shard"], result["bridge"], result["max_bridges"]) == ("s1", "b", 1)


@pytest.mark.skipif(shutil.which("nebula-cert") is None, reason="nebula-cert missing: run `make testbed`")
def test_nebula_ca_check_mode_then_real(tmp_path):
    args = {"directory": str(tmp_path / "ca"), "days": 30, "members": ["jvb1"], "nebula_cert": shutil.which("nebula-cert")}
    kind, result = run(nebula_ca, dict(args, _ansible_check_mode=True))
    assert kind == "exit" and result["changed"] and result["ca_fingerprint"] is None
    assert not (tmp_path / "ca").exists()
    kind, result = run(nebula_ca, args)
    assert kind == "exit" and result["changed"] and 29 < result["ca_days_left"] <= 30
    assert "BEGIN NEBULA CERTIFICATE" in result["ca_certificate"] and result["blocklist"] == []
    kind, again = run(nebula_ca, args)
    assert not again["changed"] and again["ca_fingerprint"] == result["ca_fingerprint"]


def test_nebula_certificate_failure_names_the_host(tmp_path):
    kind, result = run(nebula_certificate, {"name": "jvb-b1", "ip": "10.60.2.21/22", "public_key": "nope",
                                            "directory": str(tmp_path)})
    assert kind == "fail"
    assert result["msg"].startswith("Nebula certificate for host jvb-b1: ")


def test_config_files_check_mode_reports_and_changes_nothing_then_a_run_makes_it_so(tmp_path):
    record = tmp_path / "state" / "config_files.json"
    args = {"directories": [{"path": str(tmp_path / "d"), "owner": "root", "group": "root"}],
            "files": [{"path": str(tmp_path / "d" / "a.conf"), "content": "a\n", "owner": "root", "group": "root"}],
            "record": str(record)}
    kind, result = run(config_files, dict(args, _ansible_check_mode=True))
    assert kind == "exit" and result["changed"] is True and "diff" not in result
    assert result["changed_paths"] == [str(tmp_path / "d"), str(tmp_path / "d" / "a.conf")]
    assert list(tmp_path.iterdir()) == []  # nor a record
    kind, result = run(config_files, dict(args, _ansible_diff=True))
    assert result["changed"] is True and "a\n" in result["diff"]["after"]
    assert (tmp_path / "d" / "a.conf").read_text() == "a\n"
    kind, result = run(config_files, args)
    assert result == {"changed": False, "changed_paths": [], "started_services": [], "checked_with": "module"}
    assert sorted(json.loads(record.read_text())["paths"]) == [str(tmp_path / "d"), str(tmp_path / "d" / "a.conf")]


def _systemctl(monkeypatch, units):
    """systemctl as the module asks it, over units {name: [enabled?, active?]}; records the commands."""
    commands = []

    def run_command(self, argv, **kw):
        commands.append(argv)
        verb, unit = argv[1], argv[-1]
        if verb == "is-enabled":
            return (0, "enabled\n", "") if units[unit][0] else (1, "disabled\n", "")
        if verb == "is-active":
            return (0, "active\n", "") if units[unit][1] else (3, "inactive\n", "")
        if verb == "enable":
            units[unit][0] = True
        if verb == "start":
            units[unit][1] = True
        return 0, "", ""
    monkeypatch.setattr(basic.AnsibleModule, "run_command", run_command)
    return commands


def test_config_files_enables_and_starts_a_service_that_is_not_and_leaves_a_running_one(monkeypatch, tmp_path):
    units = {"nginx": [False, False], "prosody": [True, True]}
    commands = _systemctl(monkeypatch, units)
    args = {"files": [{"path": str(tmp_path / "a.conf"), "content": "a\n"}], "services": ["nginx", "prosody"], "record": ""}
    kind, result = run(config_files, dict(args, _ansible_check_mode=True))
    assert result["changed"] is True and result["started_services"] == ["nginx"] and units["nginx"] == [False, False]
    kind, result = run(config_files, args)
    assert kind == "exit" and result["started_services"] == ["nginx"] and units["nginx"] == [True, True]
    assert ["systemctl", "daemon-reload"] not in commands  # no unit file written
    kind, result = run(config_files, args)
    assert result["changed"] is False and result["started_services"] == []


def test_config_files_names_the_unit_systemctl_refused(monkeypatch, tmp_path):
    monkeypatch.setattr(basic.AnsibleModule, "run_command", lambda self, argv, **kw:
                        (1, "", "Failed to start nginx.service: Unit nginx.service not found.") if argv[1] == "start"
                        else (0, "enabled\n", "") if argv[1] == "is-enabled" else (3, "inactive\n", ""))
    kind, result = run(config_files, {"services": ["nginx"], "record": ""})
    assert kind == "fail" and result["path"] == "nginx"
    assert result["msg"] == "nginx: systemctl start nginx failed (rc 1): Failed to start nginx.service: Unit nginx.service not found."


def test_config_files_records_nothing_when_asked_not_to(tmp_path):
    kind, result = run(config_files, {"files": [{"path": str(tmp_path / "a"), "content": ""}], "record": ""})
    assert kind == "exit" and result["changed"] is True
    assert [p.name for p in tmp_path.iterdir()] == ["a"]


def test_host_state_answers_every_query_and_reads_the_record(tmp_path, monkeypatch):
    kind, _result = run(config_files, {"files": [{"path": str(tmp_path / "a"), "content": "x"}],
                                       "record": str(tmp_path / "rec.json")})
    outputs = {"dpkg-query": (0, "less\t590-2\tii \n", ""), "systemctl": (0, "Id=a.service\n", "")}
    monkeypatch.setattr(basic.AnsibleModule, "run_command", lambda self, argv, **kw: outputs[argv[0]])
    kind, _result = run(recorded_call, {"module": "ansible.builtin.stat", "paths": [str(tmp_path / "a")],
                                        "record": str(tmp_path / "calls.json"), "_digest": "d1", "_result": {"stat": {}}})
    kind, result = run(host_state, {"record": str(tmp_path / "rec.json"), "calls": str(tmp_path / "calls.json"),
                                    "_ansible_check_mode": True})
    assert kind == "exit" and result["changed"] is False
    assert result["packages"] == "less\t590-2\tii \n" and result["services"] == "Id=a.service\n"
    assert result["config_files"][str(tmp_path / "a")]["intact"] is True
    call = result["calls"]["d1"]
    assert call["intact"] is True and call["module"] == "ansible.builtin.stat" and call["result"] == {"stat": {}}
    assert call["age"] >= 0
    assert result["pid1_open_files"] is None or result["pid1_open_files"] == "unlimited" or result["pid1_open_files"].isdigit()
    assert "ansible_facts" not in result


def test_host_state_gathers_the_facts_asked_for_in_the_same_run(monkeypatch):
    outputs = {"dpkg-query": (0, "", ""), "systemctl": (0, "", "")}
    monkeypatch.setattr(basic.AnsibleModule, "run_command", lambda self, argv, **kw: outputs[argv[0]])
    kind, result = run(host_state, {"record": "", "calls": "", "gather_subset": ["!all", "!min", "distribution"]})
    assert kind == "exit" and result["ansible_facts"]["ansible_os_family"] == "Debian"
    kind, result = run(host_state, {"record": "", "calls": "", "gather_subset": ["nonsense"]})
    assert kind == "fail" and result["msg"].startswith("gather_subset nonsense: ")


def test_host_state_failure_names_the_query(tmp_path, monkeypatch):
    monkeypatch.setattr(basic.AnsibleModule, "run_command", lambda self, argv, **kw: (1, "", "no systemd here"))
    kind, result = run(host_state, {"record": "", "calls": ""})
    assert kind == "fail" and result["msg"] == "dpkg-query --show failed (rc 1): no systemd here"


def test_config_files_failure_names_the_path(tmp_path):
    bad = str(tmp_path / "a.conf")
    kind, result = run(config_files, {"files": [{"path": bad, "content": "x", "mode": "rw-r--r--"}]})
    assert kind == "fail" and result["path"] == bad and "rw-r--r--" in result["msg"]


def test_config_files_refuses_a_template_its_action_plugin_did_not_render(tmp_path):
    path = str(tmp_path / "a.conf")
    kind, result = run(config_files, {"files": [{"path": path, "template": "a.conf.j2"}]})
    assert kind == "fail" and result["path"] == path and "not rendered" in result["msg"]
    assert not (tmp_path / "a.conf").exists()
    kind, result = run(config_files, {"files": [{"path": path, "template": "a.conf.j2", "content": "x"}]})
    assert kind == "fail" and "mutually exclusive" in result["msg"]


@pytest.mark.skipif(not shutil.which("openssl"), reason="needs openssl")
def test_certificate_check_mode_changes_nothing_and_a_failure_names_the_path(tmp_path):
    args = {"path": str(tmp_path / "c" / "x.crt"), "key_path": str(tmp_path / "c" / "x.key"), "names": ["x.test"],
            "directory_mode": "0700", "_ansible_check_mode": True}
    kind, result = run(self_signed_certificate, args)
    assert kind == "exit" and result["changed"] is True and result["created"] is True
    assert result["changes"] == ["directory", "generate"] and not (tmp_path / "c").exists()
    kind, result = run(self_signed_certificate, dict(args, names=["not a name"]))
    assert kind == "fail" and "'not a name' is not a DNS name" in result["msg"] and result["path"] == args["path"]


def test_recorded_call_records_in_a_real_run_only(tmp_path):
    args = {"module": "ansible.builtin.stat", "paths": [str(tmp_path)], "record": str(tmp_path / "state" / "calls.json"),
            "_digest": "d1", "_result": {"stat": {"exists": True}}}
    kind, result = run(recorded_call, dict(args, _ansible_check_mode=True))
    assert kind == "exit" and result["changed"] is False and not (tmp_path / "state").exists()
    kind, result = run(recorded_call, args)
    assert kind == "exit" and result["changed"] is False
    assert list(call_record.probe(args["record"], 0.0)) == ["d1"]


def test_recorded_call_names_a_record_it_cannot_write(tmp_path):
    (tmp_path / "file").write_text("")
    kind, result = run(recorded_call, {"module": "ansible.builtin.stat", "paths": [str(tmp_path)],
                                       "record": str(tmp_path / "file" / "calls.json"), "_digest": "d", "_result": {}})
    assert kind == "fail" and result["msg"].startswith(str(tmp_path / "file" / "calls.json") + ": cannot record the call")
