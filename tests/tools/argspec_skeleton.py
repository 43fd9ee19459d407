"""Print a meta/argument_specs.yml skeleton for a role from its defaults.

Used when writing a role; the unit test test_role_conventions.py keeps the
real file in step with defaults/main.yml afterwards.
Usage: python tests/tools/argspec_skeleton.py ROLE
"""

import sys

import yaml

TYPES = {bool: "bool", int: "int", float: "float", str: "str", list: "list", dict: "dict", type(None): "raw"}


def main(role):
    with open("roles/%s/defaults/main.yml" % role) as f:
        defaults = yaml.safe_load(f)
    options = {}
    for name, value in defaults.items():
        opt = {"type": TYPES[type(value)], "default": value, "description": "TODO"}
        if isinstance(value, list):
            opt["elements"] = TYPES[type(value[0])] if value else "str"
        options[name] = opt
    spec = {"argument_specs": {"main": {"short_description": "TODO", "options": options}}}
    sys.stdout.write("---\n" + yaml.safe_dump(spec, sort_keys=False, width=120))


if __name__ == "__main__":
    main(sys.argv[1])
