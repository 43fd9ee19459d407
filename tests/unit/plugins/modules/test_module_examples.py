"""Every module's EXAMPLES are tasks that call it with options its DOCUMENTATION has."""

import importlib
import pathlib

import pytest
import yaml

MODULES = sorted(p.stem for p in (pathlib.Path(__file__).resolve().parents[4] / "plugins" / "modules").glob("*.py")
                 if p.stem != "__init__")


@pytest.mark.parametrize("name", MODULES)
def test_examples_use_documented_options(name):
    module = importlib.import_module("ansible_collections.scalemeet.jitsi.plugins.modules." + name)
    options = set((yaml.safe_load(module.DOCUMENTATION).get("options") or {}))
    tasks = yaml.safe_load(module.EXAMPLES)
    calls = [task["scalemeet.jitsi." + name] for task in tasks if "scalemeet.jitsi." + name in task]
    assert calls, "no example calls scalemeet.jitsi.%s" % name
    undocumented = [(key, value) for call in calls for key, value in (call or {}).items() if key not in options]
    assert undocumented == []
