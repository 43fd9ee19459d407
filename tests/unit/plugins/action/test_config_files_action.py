"""config_files' action plugin: answers from the host probe only when the module would change nothing."""

import multiprocessing
from unittest import mock

import pytest

from ansible.errors import AnsibleActionFail
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import init_plugin_loader
from ansible.template import Templar, trust_as_template

from ansible_collections.scalemeet.jitsi.plugins.action.config_files import ActionModule
from ansible_collections.scalemeet.jitsi.plugins.module_utils import config_files_record as rec

FILES = [{"path": "/etc/x.conf", "content": "x = 1\n", "mode": "0640", "group": "jitsi"}]
PROBED = {"/etc/x.conf": {"kind": "file", "owner": "root", "group": "jitsi", "mode": "0640",
                          "sha256": rec.entries([], FILES)["/etc/x.conf"]["sha256"], "intact": True}}
MODULE_RESULT = {"changed": True, "changed_paths": ["/etc/x.conf"], "checked_with": "module"}


def action(args):
    task = mock.MagicMock(args=args, async_val=0, check_mode=False, diff=False)
    plugin = ActionModule(task, mock.MagicMock(), mock.MagicMock(), loader=None, templar=None, shared_loader_obj=None)
    plugin._execute_module = mock.MagicMock(return_value=dict(MODULE_RESULT))
    return plugin


def run(args):
    plugin = action(args)
    return plugin.run(task_vars={}), plugin._execute_module


def test_unchanged_per_the_probe_starts_no_module():
    result, module = run({"files": FILES, "host_state": {"config_files": PROBED}})
    assert result["changed"] is False and result["changed_paths"] == [] and result["checked_with"] == "host_state"
    module.assert_not_called()


@pytest.mark.parametrize("probed", [
    {},  # never recorded
    {"/etc/x.conf": dict(PROBED["/etc/x.conf"], intact=False)},  # changed on the host since
    {"/etc/x.conf": dict(PROBED["/etc/x.conf"], mode="0644")},  # recorded otherwise than asked
    None,  # a probe without the record
])
def test_anything_else_runs_the_module_without_the_probe(probed):
    result, module = run({"files": FILES, "host_state": {"config_files": probed}})
    assert result["changed"] is True and result["checked_with"] == "module"
    assert module.call_args.kwargs["module_args"] == {"files": FILES}  # the probe stays on the controller
    assert module.call_args.kwargs["module_name"] == "scalemeet.jitsi.config_files"


def test_without_a_probe_the_module_runs():
    result, module = run({"files": FILES})
    assert result["checked_with"] == "module"
    module.assert_called_once()


def test_arguments_it_cannot_read_go_to_the_module_which_names_them():
    result, module = run({"files": [{"path": "/etc/x.conf"}], "host_state": {"config_files": PROBED}})
    module.assert_called_once()


# Files given as a template: rendered by the action, byte for byte as the template lookup renders them.
TEMPLATE = "{{ ansible_managed | comment }}\n{% if workers %}\nworkers = {{ workers }}\n{% endif %}\nname = {{ name }}\n"


def _lookup_rendering(collections, task_vars):
    init_plugin_loader([collections])
    templar = Templar(loader=DataLoader(), variables=task_vars)
    return str(templar.template(trust_as_template("{{ lookup('ansible.builtin.template', 'x.conf.j2') }}")))


def lookup_rendering(root, task_vars):
    """What the template lookup renders, in a child process: initialising Ansible's plugin loader
    here would change it for the other tests."""
    with multiprocessing.get_context("fork").Pool(1) as pool:
        return pool.apply(_lookup_rendering, (str(root / ".cache" / "collections"), task_vars))


def templating_action(tmp_path, args):
    role = tmp_path / "role"
    (role / "templates").mkdir(parents=True)
    (role / "templates" / "x.conf.j2").write_text(TEMPLATE)
    loader = DataLoader()
    task = mock.MagicMock(args=args, async_val=0, check_mode=False, diff=False)
    task.get_search_path.return_value = [str(role)]
    plugin = ActionModule(task, mock.MagicMock(), mock.MagicMock(), loader=loader,
                          templar=Templar(loader=loader), shared_loader_obj=None)
    plugin._execute_module = mock.MagicMock(return_value=dict(MODULE_RESULT))
    return plugin, {"workers": 4, "name": "meet", "ansible_search_path": [str(role)]}


def test_a_template_is_rendered_as_the_lookup_renders_it_and_sent_as_content(tmp_path, root):
    plugin, task_vars = templating_action(tmp_path, {"files": [{"path": "/etc/x.conf", "template": "x.conf.j2", "mode": "0600"}]})
    plugin.run(task_vars=task_vars)
    sent = plugin._execute_module.call_args.kwargs["module_args"]["files"]
    expected = lookup_rendering(root, task_vars)
    assert sent == [{"path": "/etc/x.conf", "mode": "0600", "content": expected}]
    assert expected.startswith("#") and "\nworkers = 4\nname = meet\n" in expected  # trim_blocks, as the lookup


def test_a_rendered_template_unchanged_per_the_probe_starts_no_module(tmp_path, root):
    plugin, task_vars = templating_action(tmp_path, {"files": [{"path": "/etc/x.conf", "template": "x.conf.j2"}]})
    content = lookup_rendering(root, task_vars)
    probed = {"/etc/x.conf": {"kind": "file", "owner": "root", "group": "root", "mode": "0644", "intact": True,
                              "sha256": rec.entries([], [{"path": "/etc/x.conf", "content": content}])["/etc/x.conf"]["sha256"]}}
    plugin._task.args["host_state"] = {"config_files": probed}
    result = plugin.run(task_vars=task_vars)
    assert result["checked_with"] == "host_state" and result["changed"] is False
    plugin._execute_module.assert_not_called()


def test_the_operators_ansible_managed_is_kept(tmp_path):
    plugin, task_vars = templating_action(tmp_path, {"files": [{"path": "/etc/x.conf", "template": "x.conf.j2"}]})
    plugin.run(task_vars=dict(task_vars, ansible_managed="kept by ops"))
    assert plugin._execute_module.call_args.kwargs["module_args"]["files"][0]["content"].startswith("#\n# kept by ops\n#\n")


@pytest.mark.parametrize("entry, message", [
    ({"path": "/etc/x.conf", "template": "x.conf.j2", "content": "x"}, "/etc/x.conf has both content and template x.conf.j2"),
    ({"path": "/etc/y.conf", "template": "missing.j2"}, "the template missing.j2 of /etc/y.conf"),
])
def test_a_template_it_cannot_render_fails_naming_the_path_before_any_module_runs(tmp_path, entry, message):
    plugin, task_vars = templating_action(tmp_path, {"files": [entry]})
    with pytest.raises(AnsibleActionFail, match=message):
        plugin.run(task_vars=task_vars)
    plugin._execute_module.assert_not_called()
