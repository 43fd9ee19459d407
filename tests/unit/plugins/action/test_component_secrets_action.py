"""component_secrets' action plugin: a request answered from what the run already read from the
same store, only when nothing about it needs the store; checked against the real store code."""

from unittest import mock

import pytest
from ansible.errors import AnsibleActionFail

from ansible_collections.scalemeet.jitsi.plugins.action.component_secrets import ActionModule
from ansible_collections.scalemeet.jitsi.plugins.module_utils import secrets_store


def action(args, store, no_log=True):
    """The plugin, its module run replaced by the real store on disk."""
    task = mock.MagicMock(args=args, async_val=0, check_mode=False, diff=False)
    plugin = ActionModule(task, mock.MagicMock(), mock.MagicMock(no_log=no_log), loader=None, templar=None,
                          shared_loader_obj=None)

    def module(module_name, module_args, task_vars):
        if not str(module_args.get("bridge_slots", 0)).isdigit():
            return {"failed": True, "msg": "bridge_slots: not an integer"}  # as the module's argument spec says
        specs = secrets_store.requested_specs(bridge_slots=int(module_args.get("bridge_slots", 0)),
                                              turn=module_args.get("turn", False), extra=module_args.get("secrets", []))
        done = secrets_store.ensure(str(store), "d", specs, rotate=module_args.get("rotate", []))
        return {"changed": done["changed"], "secrets": done["secrets"], "actions": done["actions"]}
    plugin._execute_module = mock.MagicMock(side_effect=module)
    return plugin


def ask(store, **args):
    plugin = action(dict({"deployment": "d"}, **args), store)
    return plugin.run(task_vars={}), plugin._execute_module


def test_a_later_request_of_the_run_is_answered_from_what_it_read(tmp_path):
    store = tmp_path / "d.json"
    prosody, module = ask(store, bridge_slots=2, turn=True)
    assert prosody["checked_with"] == "module" and module.call_count == 1
    jvb, module = ask(store, bridge_slots=2, focus=False, known=prosody["secrets"])
    assert jvb["checked_with"] == "run" and jvb["changed"] is False and module.call_count == 0
    assert jvb["secrets"] == dict((n, prosody["secrets"][n]) for n in ("jvb_slot_01_password", "jvb_slot_02_password"))


@pytest.mark.parametrize("request_args", [
    {"bridge_slots": 3},  # a name not read yet
    {"rotate": ["focus_password"]},  # a rotation needs the store
    {"secrets": [{"name": "focus_password", "value": "operator-given-value"}]},  # a provided value that differs
    {"bridge_slots": "many"},  # arguments the module must name
])
def test_anything_the_run_has_not_read_asks_the_store(tmp_path, request_args):
    store = tmp_path / "d.json"
    first, _module = ask(store, bridge_slots=2)
    later, module = ask(store, known=first["secrets"], **request_args)
    assert later.get("checked_with") == "module" and module.call_count == 1
    assert "known" not in module.call_args.kwargs["module_args"]  # never sent to the host


def test_after_a_rotation_the_run_answers_with_the_new_value(tmp_path):
    store = tmp_path / "d.json"
    first, _module = ask(store)
    rotated, _module = ask(store, rotate=["focus_password"], known=first["secrets"])
    assert rotated["secrets"]["focus_password"] != first["secrets"]["focus_password"]
    jicofo, module = ask(store, known=rotated["secrets"])
    assert jicofo["secrets"] == rotated["secrets"] and module.call_count == 0


def test_a_provided_value_equal_to_the_one_read_is_answered(tmp_path):
    store = tmp_path / "d.json"
    first, _module = ask(store, secrets=[{"name": "api_key", "value": "k" * 20}])
    again, module = ask(store, secrets=[{"name": "api_key", "value": "k" * 20}], known=first["secrets"])
    assert again["checked_with"] == "run" and again["secrets"]["api_key"] == "k" * 20 and module.call_count == 0


def test_answering_without_no_log_is_refused_as_the_module_refuses(tmp_path):
    plugin = action({"deployment": "d", "known": {"focus_password": "x" * 32}}, tmp_path / "d.json", no_log=False)
    with pytest.raises(AnsibleActionFail, match="set no_log: true"):
        plugin.run(task_vars={})


def test_a_store_the_probe_read_answers_without_a_module_run(tmp_path):
    store = tmp_path / "d.json"
    first, _module = ask(store, bridge_slots=2, turn=True)
    probed = secrets_store.probe(str(tmp_path))
    later, module = ask(store, bridge_slots=2, turn=True, store_dir=str(tmp_path), host_state={"secrets_stores": probed})
    assert later["checked_with"] == "host_state" and later["changed"] is False and module.call_count == 0
    assert later["secrets"] == first["secrets"]


def test_what_the_run_read_wins_over_the_probe(tmp_path):
    store = tmp_path / "d.json"
    ask(store)
    probed = secrets_store.probe(str(tmp_path))
    rotated, _module = ask(store, rotate=["focus_password"])
    later, module = ask(store, store_dir=str(tmp_path), known=rotated["secrets"], host_state={"secrets_stores": probed})
    assert later["checked_with"] == "run" and later["secrets"] == rotated["secrets"] and module.call_count == 0


def test_after_the_run_wrote_a_store_its_probe_never_answers(tmp_path):
    store = tmp_path / "d.json"
    ask(store, bridge_slots=1)
    probed = secrets_store.probe(str(tmp_path))
    rotated, _module = ask(store, rotate=["focus_password"])  # the run's module rotates it: known holds focus only
    later, module = ask(store, bridge_slots=1, store_dir=str(tmp_path), known=rotated["secrets"],
                        host_state={"secrets_stores": probed})
    assert later["checked_with"] == "module" and module.call_count == 1
    assert later["secrets"]["focus_password"] == rotated["secrets"]["focus_password"]  # not the probe's old one


@pytest.mark.parametrize("request_args", [
    {"bridge_slots": 3},  # a name the store lacks
    {"rotate": ["focus_password"]},  # a rotation needs the store
    {"store_dir": "/elsewhere"},  # the probe read another directory
])
def test_anything_the_probed_store_cannot_answer_runs_the_module(tmp_path, request_args):
    store = tmp_path / "d.json"
    ask(store, bridge_slots=2)
    args = dict({"store_dir": str(tmp_path)}, **request_args)
    later, module = ask(store, host_state={"secrets_stores": secrets_store.probe(str(tmp_path))}, **args)
    assert later["checked_with"] == "module" and module.call_count == 1
    assert "host_state" not in module.call_args.kwargs["module_args"]  # never sent to the host


def test_answering_from_the_probe_without_no_log_is_refused(tmp_path):
    plugin = action({"deployment": "d", "host_state": {"secrets_stores": {"dir": str(tmp_path), "stores": {}}}},
                    tmp_path / "d.json", no_log=False)
    with pytest.raises(AnsibleActionFail, match="set no_log: true"):
        plugin.run(task_vars={})
