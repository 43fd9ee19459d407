"""recorded_call's action plugin: a repeated call is answered from the probe, anything else runs
the module and records it; checked against a real record on disk."""

from unittest import mock

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.scalemeet.jitsi.plugins.action.recorded_call import ActionModule
from ansible_collections.scalemeet.jitsi.plugins.module_utils import call_record as cr


class Host:
    """Stands in for the host: the wrapped module reads a file; recorded_call writes the real record."""

    def __init__(self, tmp_path):
        self.path = tmp_path / "key.asc"
        self.path.write_text("key one\n")
        self.record = str(tmp_path / "calls.json")
        self.runs = []

    def execute(self, module_name, module_args, task_vars):
        self.runs.append(module_name)
        if module_name == "scalemeet.jitsi.recorded_call":
            args = dict(module_args)
            cr.record(args["record"], args["module"], args["_digest"], args["paths"], args["_result"], now=100.0)
            return {"changed": False}
        return {"changed": False, "content": self.path.read_text(), "invocation": {"module_args": module_args}}

    def probe(self):
        return {"calls": cr.probe(self.record, now=160.0)}


def action(host, args, check_mode=False, play_check_mode=False):
    task = mock.MagicMock(args=args, async_val=0, check_mode=check_mode, diff=False)
    plugin = ActionModule(task, mock.MagicMock(), mock.MagicMock(check_mode=play_check_mode), loader=None, templar=None,
                          shared_loader_obj=None)
    plugin._execute_module = mock.MagicMock(side_effect=host.execute)
    return plugin


def call(host, **extra):
    return dict({"module": "ansible.builtin.slurp", "args": {"src": str(host.path)}, "paths": [str(host.path)],
                 "record": host.record}, **extra)


def test_a_repeat_is_answered_from_the_probe_until_the_path_changes(tmp_path):
    host = Host(tmp_path)
    first = action(host, call(host, host_state=host.probe())).run(task_vars={})
    assert first["checked_with"] == "module" and first["content"] == "key one\n"
    assert host.runs == ["ansible.builtin.slurp", "scalemeet.jitsi.recorded_call"]

    host.runs.clear()
    again = action(host, call(host, host_state=host.probe())).run(task_vars={})
    assert again["checked_with"] == "host_state" and again["changed"] is False and again["content"] == "key one\n"
    assert host.runs == []  # no module started

    host.path.write_text("key two\n")
    changed = action(host, call(host, host_state=host.probe())).run(task_vars={})
    assert changed["checked_with"] == "module" and changed["content"] == "key two\n"


def test_other_arguments_or_a_short_max_age_run_the_module(tmp_path):
    host = Host(tmp_path)
    action(host, call(host)).run(task_vars={})
    other = call(host, host_state=host.probe(), args={"src": str(host.path), "extra": 1})
    assert action(host, other).run(task_vars={})["checked_with"] == "module"
    assert action(host, call(host, host_state=host.probe(), max_age=30)).run(task_vars={})["checked_with"] == "module"


def test_calls_delegated_from_many_hosts_keep_their_own_entries(tmp_path):
    # each bridge claims its own slot in one registry on the shard's host
    host = Host(tmp_path)
    for bridge in ("a", "b"):
        action(host, call(host, args={"src": str(host.path), "bridge": bridge})).run(task_vars={})
    for bridge in ("a", "b"):
        again = call(host, host_state=host.probe(), args={"src": str(host.path), "bridge": bridge})
        assert action(host, again).run(task_vars={})["checked_with"] == "host_state", bridge


def test_the_probe_never_goes_to_the_host(tmp_path):
    host = Host(tmp_path)
    plugin = action(host, call(host, host_state={"calls": {}}))
    plugin.run(task_vars={})
    wrapped = plugin._execute_module.call_args_list[0].kwargs
    assert wrapped["module_name"] == "ansible.builtin.slurp" and wrapped["module_args"] == {"src": str(host.path)}
    recorded = plugin._execute_module.call_args_list[1].kwargs["module_args"]
    assert "host_state" not in recorded and "invocation" not in recorded["_result"]
    assert recorded["_digest"] == cr.digest("ansible.builtin.slurp", {"src": str(host.path)}, [str(host.path)])


def test_check_mode_and_failures_record_nothing(tmp_path):
    host = Host(tmp_path)
    action(host, call(host), check_mode=True).run(task_vars={})
    action(host, call(host), play_check_mode=True).run(task_vars={})
    action(host, call(host)).run(task_vars={"ansible_check_mode": True})  # --check, task under check_mode: false
    assert host.runs == ["ansible.builtin.slurp"] * 3
    plugin = action(host, call(host))
    plugin._execute_module = mock.MagicMock(return_value={"failed": True, "msg": "no such file"})
    assert plugin.run(task_vars={})["failed"] is True
    assert plugin._execute_module.call_count == 1


def test_a_record_it_cannot_write_is_a_warning(tmp_path):
    host = Host(tmp_path)
    plugin = action(host, call(host))
    plugin._execute_module = mock.MagicMock(side_effect=[{"changed": False}, {"failed": True, "msg": "disk full"}])
    result = plugin.run(task_vars={})
    assert result["changed"] is False and result["warnings"] == ["disk full"] and "failed" not in result


def test_a_run_that_changed_something_is_not_recorded(tmp_path):
    # its result (created: true, say) is not what a repeat of the call returns
    host = Host(tmp_path)
    plugin = action(host, call(host))
    plugin._execute_module = mock.MagicMock(return_value={"changed": True, "created": True})
    assert plugin.run(task_vars={})["created"] is True
    assert plugin._execute_module.call_count == 1 and host.probe() == {"calls": {}}


@pytest.mark.parametrize("args,named", [
    ({"module": "stat", "paths": ["/x"]}, "module='stat'"),
    ({"module": "ansible.builtin.stat", "args": "path=/x", "paths": ["/x"]}, "module='ansible.builtin.stat'"),
    ({"module": "ansible.builtin.stat", "paths": []}, "got []"),
    ({"module": "ansible.builtin.stat", "paths": ["relative"]}, "got ['relative']"),
])
def test_bad_arguments_are_named(tmp_path, args, named):
    with pytest.raises(AnsibleActionFail, match=named.replace("[", r"\[").replace("]", r"\]")):
        action(Host(tmp_path), args).run(task_vars={})
