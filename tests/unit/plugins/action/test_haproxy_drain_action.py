"""haproxy_drain's action plugin: answers from the host probe only when no command would be sent."""

from unittest import mock

import pytest

from ansible_collections.scalemeet.jitsi.plugins.action.haproxy_drain import ActionModule
from ansible_collections.scalemeet.jitsi.plugins.module_utils.haproxy_runtime import ADMIN_FORCED_DRAIN, ADMIN_FORCED_MAINT

SOCKET = "/run/haproxy/admin.sock"
MODULE_RESULT = {"changed": True, "drained": ["shard2"], "commands": ["set server shards/shard2 state drain"]}


def probe(states, socket=SOCKET, backend="shards"):
    servers = {name: {"id": i + 1, "admin_state": admin, "op_state": 2} for i, (name, admin) in enumerate(sorted(states.items()))}
    return {"haproxy": {"socket": socket, "backends": {backend: servers}}}


def run(args, diff=False):
    task = mock.MagicMock(args=args, async_val=0, check_mode=False, diff=diff)
    plugin = ActionModule(task, mock.MagicMock(), mock.MagicMock(), loader=None, templar=None, shared_loader_obj=None)
    plugin._execute_module = mock.MagicMock(return_value=dict(MODULE_RESULT))
    return plugin.run(task_vars={}), plugin._execute_module


def test_drains_as_asked_per_the_probe_start_no_module():
    result, module = run({"drained": ["shard2"], "socket": SOCKET, "save_state_to": "/var/lib/haproxy/server-state",
                          "host_state": probe({"shard1": 0, "shard2": ADMIN_FORCED_DRAIN})}, diff=True)
    assert result["changed"] is False and result["commands"] == [] and result["drained"] == ["shard2"]
    assert result["checked_with"] == "host_state"
    assert result["diff"] == {"before": "shard2\n", "after": "shard2\n"}
    module.assert_not_called()


def test_a_shard_in_maintenance_an_operator_forced_is_left_there():
    result, module = run({"drained": [], "host_state": probe({"shard1": ADMIN_FORCED_MAINT | ADMIN_FORCED_DRAIN})})
    assert result["checked_with"] == "host_state"
    module.assert_not_called()


@pytest.mark.parametrize("host_state", [
    probe({"shard1": 0, "shard2": 0}),  # shard2 is to be drained
    probe({"shard1": ADMIN_FORCED_DRAIN, "shard2": ADMIN_FORCED_DRAIN}),  # shard1 is to be made ready
    probe({"shard1": 0}),  # shard2 unknown: the module names it
    probe({"shard1": 0, "shard2": ADMIN_FORCED_DRAIN}, socket="/run/other.sock"),  # another socket was probed
    probe({"shard1": 0, "shard2": ADMIN_FORCED_DRAIN}, backend="other"),  # the backend was not there
    {"haproxy": None},  # HAProxy did not answer the probe
    {},  # a probe without HAProxy's part
])
def test_anything_else_runs_the_module_without_the_probe(host_state):
    result, module = run({"drained": ["shard2"], "host_state": host_state})
    assert result == dict(MODULE_RESULT)
    assert module.call_args.kwargs["module_args"] == {"drained": ["shard2"]}  # the probe stays on the controller
    assert module.call_args.kwargs["module_name"] == "scalemeet.jitsi.haproxy_drain"


def test_only_saving_the_state_always_runs_the_module():
    _result, module = run({"save_state_to": "/var/lib/haproxy/server-state", "host_state": probe({"shard1": 0})})
    module.assert_called_once()


def test_without_a_probe_the_module_runs():
    _result, module = run({"drained": []})
    module.assert_called_once()
