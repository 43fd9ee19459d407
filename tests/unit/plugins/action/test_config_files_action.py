"""config_files' action plugin: answers from the host probe only when the module would change nothing."""

from unittest import mock

import pytest

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
