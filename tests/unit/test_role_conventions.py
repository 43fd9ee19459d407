"""Every role keeps its argument spec in step with its defaults and follows the
collection's naming and template conventions."""

import pathlib
import re

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
ROLES = sorted(p.parent.parent.name for p in ROOT.glob("roles/*/defaults/main.yml"))


def _load(path):
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


def _spec(role):
    return _load(ROOT / "roles" / role / "meta" / "argument_specs.yml")["argument_specs"]["main"]["options"]


def test_roles_found():
    assert "common" in ROLES


@pytest.mark.parametrize("role", ROLES)
def test_argument_spec_names_every_default(role):
    defaults = _load(ROOT / "roles" / role / "defaults" / "main.yml")
    assert set(_spec(role)) == set(defaults), "argument_specs.yml and defaults/main.yml name different variables"


@pytest.mark.parametrize("role", ROLES)
def test_argument_spec_defaults_match(role):
    defaults = _load(ROOT / "roles" / role / "defaults" / "main.yml")
    spec = _spec(role)
    mismatched = {k: (spec[k].get("default"), v) for k, v in defaults.items() if k in spec and spec[k].get("default") != v}
    assert not mismatched, f"spec default != defaults/main.yml: {mismatched}"


@pytest.mark.parametrize("role", ROLES)
def test_argument_spec_documents_every_option(role):
    undocumented = [k for k, v in _spec(role).items() if not v.get("description") or not v.get("type")]
    assert not undocumented


@pytest.mark.parametrize("role", ROLES)
def test_variable_prefixes(role):
    defaults = _load(ROOT / "roles" / role / "defaults" / "main.yml")
    assert [k for k in defaults if not k.startswith(f"{role}_")] == []
    internal = ROOT / "roles" / role / "vars" / "main.yml"
    if internal.exists():
        assert [k for k in _load(internal) if not k.startswith(f"__{role}_")] == []


@pytest.mark.parametrize("template", sorted(ROOT.glob("roles/*/templates/**/*.j2")), ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_start_with_ansible_managed(template):
    first = template.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("{{ ansible_managed | comment")


@pytest.mark.parametrize("role", ROLES)
def test_templates_test_boolean_options_through_bool(role):
    """`-e x=false` arrives as the string "false", which Jinja finds true: every boolean option a
    template tests must go through `| bool` (the bench's `prosody_login_throttle_enabled=false`
    once left the throttle on)."""
    booleans = [name for name, opt in _spec(role).items() if opt.get("type") == "bool"]
    for template in (ROOT / "roles" / role / "templates").glob("**/*.j2"):
        text = template.read_text(encoding="utf-8")
        for name in booleans:
            bare = re.findall(r"\b%s\b(?!\s*\|\s*bool)" % name, text)
            assert not bare, "%s tests %s without | bool" % (template.relative_to(ROOT), name)


@pytest.mark.parametrize("role", ROLES)
def test_every_variable_is_documented(role):
    doc = ROOT / "docs" / "roles" / ("%s.md" % role)
    assert doc.exists(), "docs/roles/%s.md is missing (tests/tools/role_vars_table.py writes the table)" % role
    text = doc.read_text(encoding="utf-8")
    assert [name for name in _spec(role) if "`%s`" % name not in text] == []


@pytest.mark.parametrize("role", sorted(p.name for p in (ROOT / "roles").iterdir() if p.is_dir()))
def test_readme_is_written_from_the_argument_specs(role):
    """Galaxy shows each role's README: it must say what the specs say (tests/tools/role_readme.py)."""
    import importlib.util  # pylint: disable=import-outside-toplevel
    spec = importlib.util.spec_from_file_location("role_readme", ROOT / "tests" / "tools" / "role_readme.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    readme = ROOT / "roles" / role / "README.md"
    assert readme.exists() and readme.read_text(encoding="utf-8") == tool.readme(role), \
        "roles/%s/README.md is stale: run python tests/tools/role_readme.py %s" % (role, role)


# A product's configuration is written only once the product's own checker accepted it.
CHECKED_CONFIGS = {"site.conf.j2", "haproxy.cfg.j2", "prosody.cfg.lua.j2", "overlay-firewall.nft.j2", "nebula.yml.j2"}


def _tasks(node):
    """Every task in a task file, blocks included."""
    for task in node or []:
        yield task
        for key in ("block", "rescue", "always"):
            yield from _tasks(task.get(key))


def _written_configs():
    """(task file, template, validate) for each of CHECKED_CONFIGS a task writes, by the template
    module or as a config_files entry rendered from the template."""
    found = []
    for path in sorted(ROOT.glob("roles/*/tasks/*.yml")):
        for task in _tasks(_load(path) if path.stat().st_size else []):
            template = task.get("ansible.builtin.template")
            if template and template.get("src") in CHECKED_CONFIGS:
                found.append((path.relative_to(ROOT), template["src"], template.get("validate")))
            files = (task.get("scalemeet.jitsi.config_files") or {}).get("files")
            for entry in files if isinstance(files, list) else []:
                if entry.get("template") in CHECKED_CONFIGS:
                    found.append((path.relative_to(ROOT), entry["template"], entry.get("validate")))
    return found


def test_product_configurations_are_written_through_their_checker():
    written = _written_configs()
    assert {template for _path, template, _validate in written} == CHECKED_CONFIGS, "a checked configuration is no longer found"
    assert [(str(p), t) for p, t, validate in written if not validate or "%s" not in validate] == []


# config_files tasks whose paths no package install touches, or that run before any install of
# the run, may pass the probe unguarded.
PROBE_UNGUARDED = {"roles/jitsi_repo/tasks/main.yml", "roles/common/tasks/settings.yml"}
# recorded_call tasks that run before their role changes anything on the host (validation,
# retiring), or on paths no package touches: the probe is current there.
RECORDED_UNGUARDED = {
    ("roles/jitsi_repo/tasks/main.yml", "Fetch the repository's signing key"),
    ("roles/prosody/tasks/validate.yml", "Look for Jitsi's Prosody plugins"),
    ("roles/overlay/tasks/nebula_retire.yml", "Look for a Nebula mesh of this role"),
    ("roles/jvb/tasks/present.yml", "Claim a bridge slot on every shard the bridge serves"),
}
# A guard drops the probe after this run installed a package, made a key pair behind the
# member's probe, or the calling role says the certificate's files may have changed.
GUARD = re.compile(r"^\{\{ omit if .*(_install|_missing_packages|_keypair)|if certificate_probe_current \| bool else omit")


def _probe_tasks(module):
    """(task file, task name, host_state as one line, task) of every task of the module."""
    for path in sorted(ROOT.glob("roles/*/tasks/*.yml")):
        for task in _tasks(_load(path) if path.stat().st_size else []):
            if module in task:
                yield str(path.relative_to(ROOT)), task["name"], " ".join(str(task[module].get("host_state") or "").split()), task


def test_every_config_files_task_passes_the_probe_and_drops_it_after_an_install():
    """A task without host_state starts its module on every run; a probe kept after the run
    installed the role's package would answer from before the package's scripts ran."""
    tasks = list(_probe_tasks("scalemeet.jitsi.config_files"))
    assert len(tasks) >= 10
    missing = [(p, n) for p, n, probe, _task in tasks if "common_host_state" not in probe]
    assert missing == []
    unguarded = [(p, n) for p, n, probe, _task in tasks if p not in PROBE_UNGUARDED and not GUARD.match(probe)]
    assert unguarded == []


def test_every_recorded_call_passes_the_probe_and_drops_it_when_it_may_be_stale():
    """As for config_files: recorded_call without host_state always runs its module, and a stale
    probe would answer for paths this run changed behind its back."""
    tasks = list(_probe_tasks("scalemeet.jitsi.recorded_call"))
    assert len(tasks) >= 8
    assert [(p, n) for p, n, probe, _task in tasks if "common_host_state" not in probe] == []
    unguarded = [(p, n) for p, n, probe, _task in tasks if (p, n) not in RECORDED_UNGUARDED and not GUARD.search(probe)]
    assert unguarded == []
    assert RECORDED_UNGUARDED <= set((p, n) for p, n, _probe, _task in tasks)  # no stale exception


# The part of the probe each action plugin reads (filter probe_part passes it alone).
PROBE_PARTS = {"scalemeet.jitsi.config_files": "config_files", "scalemeet.jitsi.recorded_call": "calls",
               "scalemeet.jitsi.haproxy_drain": "haproxy", "scalemeet.jitsi.component_secrets": "secrets_stores"}


def _probe_part_call(module, task):
    """The probe_part call a task of the module must make: config_files also reads the services'
    states when it starts services."""
    if module == "scalemeet.jitsi.config_files" and task[module].get("services"):
        return "scalemeet.jitsi.probe_part(['config_files', 'services'])"
    return "scalemeet.jitsi.probe_part('%s')" % PROBE_PARTS[module]


def test_every_task_passes_only_the_part_of_the_probe_its_action_reads():
    """The probe is not logged (digests of files with secrets, facts, package lists); a task's
    arguments are shown with display_args_to_stdout, so each carries only its action's part."""
    tasks = [(p, n, probe, _probe_part_call(module, task)) for module in PROBE_PARTS for p, n, probe, task in _probe_tasks(module) if probe]
    assert len(tasks) >= 20 and len([t for t in tasks if "'services'" in t[3]]) >= 7
    wrong = [(p, n) for p, n, probe, call in tasks if probe.count("common_host_state") != probe.count(call)]
    assert wrong == []


def _conditions(task):
    when = task.get("when")
    return [str(c) for c in (when if isinstance(when, list) else [when] if when is not None else [])]


def test_a_task_skipped_because_a_package_is_installed_runs_without_the_probe():
    """Without the host probe (a role run alone) packages_missing counts every package as missing.
    A condition that skips work because a package is *installed* must then run it (retiring a
    mesh, say): it reads "no probe" explicitly, not as "not installed". The condition may sit in
    a task's `when` or in a role variable a `when` reads."""
    installed = re.compile(r"packages_missing\(.*\)\s*\|\s*length\s*==\s*0")
    found, unsafe = [], []
    for path in sorted(ROOT.glob("roles/*/tasks/*.yml")):
        for task in _tasks(_load(path) if path.stat().st_size else []):
            for condition in _conditions(task):
                found.append((str(path.relative_to(ROOT)), task["name"], condition))
    for path in sorted(ROOT.glob("roles/*/vars/main.yml")):
        found += [(str(path.relative_to(ROOT)), name, str(value)) for name, value in (_load(path) or {}).items()]
    found = [(p, n, c) for p, n, c in found if installed.search(c)]
    unsafe = [(p, n, c) for p, n, c in found if "common_host_state is not defined" not in c]
    assert len(found) >= 2  # the overlay's two retirements
    assert unsafe == []


def _play_tasks(path):
    """Every task of a task file or playbook, plays' task lists and blocks included."""
    data = _load(path) if path.stat().st_size else []
    for item in data if isinstance(data, list) else []:
        if not isinstance(item, dict):
            continue
        lists = [item.get(k) for k in ("tasks", "pre_tasks", "post_tasks", "handlers")]
        if any(lists):
            for tasks in lists:
                yield from _tasks(tasks)
        else:
            yield from _tasks([item])


def test_no_task_takes_its_arguments_from_one_template():
    """`module: "{{ args }}"` is warned about by ansible-core 2.19 (argsplat-unsafe) and refused
    by later releases; every task names its arguments."""
    files = [p for pattern in ("roles/*/tasks/*.yml", "roles/*/handlers/*.yml", "playbooks/*.yml", "molecule/**/*.yml")
             for p in sorted(ROOT.glob(pattern))]
    splat = [(str(path.relative_to(ROOT)), task.get("name"), key)
             for path in files for task in _play_tasks(path) if isinstance(task, dict)
             for key, value in task.items()
             if ("." in key or key == "args") and isinstance(value, str) and re.fullmatch(r"\{\{[^{}]*\}\}", value.strip())]
    assert len(files) > 50
    assert splat == []


def test_the_minimum_ansible_core_is_the_same_everywhere_and_is_the_one_tested():
    # stop 22's overlay include failed on 2.17 and 2.18, which meta/runtime.yml still claimed
    minimum = re.fullmatch(r">=(\d+\.\d+)\.0", _load(ROOT / "meta" / "runtime.yml")["requires_ansible"]).group(1)
    roles = {role: str(_load(ROOT / "roles" / role / "meta" / "main.yml")["galaxy_info"]["min_ansible_version"])
             for role in ROLES}
    assert roles and {role: v for role, v in roles.items() if v != minimum} == {}
    topology = (ROOT / "roles" / "topology" / "tasks" / "main.yml").read_text()
    assert "ansible_version.full is version('%s.0', '>=')" % minimum in topology
    assert "ansible-core %s or newer" % minimum in (ROOT / "README.md").read_text()
    tested = re.search(r"^ansible-core==(\d+\.\d+)\.", (ROOT / "requirements-test.txt").read_text(), re.M).group(1)
    assert tested == minimum


# Ansible's special variables the roles and playbooks may read; every other ansible_* name would be
# a fact injected as a variable of its own.
SPECIAL_VARIABLES = {"ansible_facts", "ansible_check_mode", "ansible_diff_mode", "ansible_managed", "ansible_version",
                     "ansible_host", "ansible_play_hosts", "ansible_play_hosts_all", "ansible_play_batch",
                     "ansible_loop", "ansible_search_path", "ansible_parent_role_names", "ansible_role_name",
                     "ansible_failed_result"}


def test_roles_and_playbooks_read_facts_only_as_ansible_facts():
    """The execution environment and the Molecule base turn inject_facts_as_vars off (ansible-core
    2.24's default): a fact read as ansible_<name> would be undefined there."""
    found = {}
    for path in sorted(ROOT.glob("roles/*/*/*")) + sorted(ROOT.glob("playbooks/**/*.yml")) + sorted(ROOT.glob("molecule/**/*.yml")):
        if path.suffix in (".yml", ".j2") and path.is_file():
            for name in re.findall(r"\bansible_\w+", path.read_text(encoding="utf-8")):
                found.setdefault(name, str(path.relative_to(ROOT)))
    assert {"ansible_facts", "ansible_check_mode"} <= set(found)  # the scan finds reads
    assert {name: path for name, path in found.items() if name not in SPECIAL_VARIABLES} == {}


# Roles whose input the calling role checks: it passes only values its own argument spec and
# checks have covered, so it imports them with rolespec_validate false.
CHECKED_BY_THE_CALLER = {
    "certificate": "prosody, web and haproxy pass only their own options (names, days, modes)",
    "secrets": "jicofo and jvb pass the stores of the validated topology",
}
# What may run before a role's check: reads only.
READ_ONLY = {"ansible.builtin.assert", "ansible.builtin.include_role", "scalemeet.jitsi.recorded_call"}


def _static_tasks(path):
    """A task file's tasks in the order they run, static imports followed."""
    for task in _load(path) if path.stat().st_size else []:
        if "ansible.builtin.import_tasks" in task:
            yield from _static_tasks(path.parent / task["ansible.builtin.import_tasks"])
        else:
            yield task


def _action(task):
    return next((k for k in task if "." in k and k.split(".")[0] in ("ansible", "scalemeet")), None)


def _role_imports():
    """(file, task name, role, entry point, rolespec_validate) of every role import in roles and playbooks."""
    found = []
    for path in sorted(ROOT.glob("roles/*/tasks/*.yml")) + sorted(ROOT.glob("playbooks/*.yml")):
        data = _load(path)
        tasks = [t for play in data for t in _tasks(play.get("tasks") or [])] if path.parts[-2] == "playbooks" else _tasks(data)
        for task in tasks:
            for key in ("ansible.builtin.import_role", "ansible.builtin.include_role"):
                if key in task:
                    args = task[key]
                    found.append((str(path.relative_to(ROOT)), task.get("name"), args["name"].split(".")[-1],
                                  args.get("tasks_from", "main").removesuffix(".yml"), args.get("rolespec_validate", True)))
    return found


def _checks_first(role, entry_point):
    """Whether the entry point's first task that is not a read is the role's validate_role_input."""
    for task in _static_tasks(ROOT / "roles" / role / "tasks" / ("%s.yml" % entry_point)):
        action = _action(task)
        if action == "scalemeet.jitsi.validate_role_input":
            return "when" not in task and (task[action] or {}).get("entry_point", "main") == "main"
        if action not in READ_ONLY or (action == "ansible.builtin.include_role" and task[action]["name"] != "scalemeet.jitsi.topology"):
            return False
    return False


@pytest.mark.parametrize("role", [r for r in ROLES if r not in CHECKED_BY_THE_CALLER])
def test_each_role_checks_its_input_argument_spec_included_before_anything_else(role):
    assert _checks_first(role, "main")


def test_a_role_imported_without_ansibles_validation_checks_its_input_itself():
    """rolespec_validate false drops Ansible's own validation of the role's argument spec (a task
    round on every host): the role's first task must do it, or the caller must have."""
    imports = [i for i in _role_imports() if i[4] is False]
    assert len(imports) >= 10
    assert [i for i in imports if i[2] not in CHECKED_BY_THE_CALLER and not _checks_first(i[2], i[3])] == []
    site = [i[2] for i in _role_imports() if i[0] == "playbooks/site.yml"]
    assert set(site) == {"topology", "common", "overlay", "prosody", "web", "jicofo", "jvb", "haproxy"}
    assert [i for i in _role_imports() if i[0] == "playbooks/site.yml" and i[2] != "common" and i[4] is not False] == []
