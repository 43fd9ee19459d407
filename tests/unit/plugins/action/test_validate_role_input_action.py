"""validate_role_input: the role's argument spec first, as Ansible checks it, then the role's own
conditions; run with Ansible's real templar in a child process (initialising Ansible's plugin loader
here would change it for the other tests)."""

import multiprocessing
import textwrap
from unittest import mock

import pytest

from ansible_collections.scalemeet.jitsi.plugins.action.validate_role_input import ActionModule

SPEC = """
argument_specs:
  main:
    short_description: A role
    options:
      demo_mode:
        type: str
        choices: [a, b]
        default: a
        description: x
      demo_port:
        type: int
        default: 80
        description: x
      demo_sizes:
        type: dict
        default: {}
        description: x
"""
THAT = ["demo_sizes | dict2items | length < 3", "demo_mode != 'b' or demo_port | int == 81"]
FAIL_MSG = "host {{ inventory_hostname }}: demo_mode={{ demo_mode | to_json }} demo_port={{ demo_port | to_json }}"


def _run(collections, role_path, args, variables):
    from ansible.parsing.dataloader import DataLoader  # pylint: disable=import-outside-toplevel
    from ansible.plugins.loader import init_plugin_loader  # pylint: disable=import-outside-toplevel
    from ansible.template import Templar, trust_as_template  # pylint: disable=import-outside-toplevel
    init_plugin_loader([collections])
    task_vars = dict({"demo_mode": "a", "demo_port": "{{ 40 + 40 }}", "demo_sizes": {},  # as role defaults are
                      "inventory_hostname": "h1", "ansible_role_name": "demo", "role_path": role_path}, **variables)
    task_vars = dict((k, trust_as_template(v) if isinstance(v, str) else v) for k, v in task_vars.items())
    args = dict((k, [trust_as_template(c) for c in v] if k == "that" else trust_as_template(v) if isinstance(v, str) else v)
                for k, v in args.items())
    loader = DataLoader()
    task = mock.MagicMock(args=args, async_val=0, check_mode=False, diff=False)
    plugin = ActionModule(task, mock.MagicMock(), mock.MagicMock(), loader=loader,
                          templar=Templar(loader=loader, variables=task_vars), shared_loader_obj=None)
    return dict((k, str(v) if isinstance(v, str) else v) for k, v in plugin.run(task_vars=task_vars).items())


@pytest.fixture
def role(tmp_path):
    (tmp_path / "meta").mkdir()
    (tmp_path / "meta" / "argument_specs.yml").write_text(textwrap.dedent(SPEC))
    return tmp_path


def check(root, role_path, variables=None, **args):
    args = dict({"that": THAT, "fail_msg": FAIL_MSG}, **args)
    with multiprocessing.get_context("fork").Pool(1) as pool:
        return pool.apply(_run, (str(root / ".cache" / "collections"), str(role_path), args, variables or {}))


def test_valid_input_passes_with_defaults_templated_as_the_role_sees_them(root, role):
    result = check(root, role)
    assert not result.get("failed") and result["changed"] is False
    assert result["msg"] == "host h1: role demo: the input is valid"


@pytest.mark.parametrize("variables, message", [
    ({"demo_mode": "c"}, "value of demo_mode must be one of: a, b, got: c"),
    ({"demo_port": "eighty"}, "argument 'demo_port' is of type str and we were unable to convert to int"),
])
def test_the_argument_spec_is_checked_as_ansible_checks_it_naming_host_role_and_variable(root, role, variables, message):
    result = check(root, role, variables)
    assert result["failed"] is True
    assert result["msg"].startswith("host h1: role demo: validation of arguments failed: ")
    assert message in result["msg"] and [e for e in result["argument_errors"] if message in e]


def test_the_conditions_run_only_after_the_spec_passed(root, role):
    # dict2items would fail on a string: the spec names the variable first
    result = check(root, role, {"demo_sizes": "small"})
    assert "argument 'demo_sizes' is of type str" in result["msg"] and "assertion" not in result


def test_a_failed_condition_fails_with_the_rendered_message(root, role):
    result = check(root, role, {"demo_mode": "b"})
    assert result["failed"] is True
    assert result["assertion"] == THAT[1]
    assert result["msg"] == 'host h1: demo_mode="b" demo_port=80'


def test_another_entry_point_or_no_role_is_refused(root, role):
    # AnsibleActionFail, raised again here by the pool
    with pytest.raises(Exception, match="has no entry point 'other'"):
        check(root, role, entry_point="other")
    with pytest.raises(Exception, match="runs only inside a role"):
        check(root, role, {"role_path": ""})


def test_only_fail_msg_is_left_for_run_to_render():
    templar = mock.MagicMock()
    templar.template.side_effect = lambda value: "rendered"
    assert ActionModule.finalize_task_arg("fail_msg", "{{ x }}", templar, None) == "{{ x }}"
    assert ActionModule.finalize_task_arg("entry_point", "{{ x }}", templar, None) == "rendered"
