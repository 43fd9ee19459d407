"""Print a role's variables as a Markdown table from its meta/argument_specs.yml.

Usage: python tests/tools/role_vars_table.py ROLE  (paste into docs/roles/ROLE.md;
tests/unit/test_role_conventions.py checks every variable is documented there).
"""

import re
import sys

import yaml


def render(value):
    text = value if isinstance(value, str) else yaml.safe_dump(value, default_flow_style=True, width=1000).strip()
    text = re.sub(r"\n?\.\.\.$", "", text).strip()
    return "`%s`" % (text or '""').replace("|", "\\|")


def plain(doc):
    text = doc if isinstance(doc, str) else " ".join(doc)
    return re.sub(r"[CI]\(([^)]*)\)", r"`\1`", text).replace("|", "\\|")


def main(role):
    with open("roles/%s/meta/argument_specs.yml" % role) as f:
        options = yaml.safe_load(f)["argument_specs"]["main"]["options"]
    print("| variable | default | meaning |")
    print("|---|---|---|")
    for name, opt in options.items():
        print("| `%s` | %s | %s |" % (name, render(opt.get("default")), plain(opt["description"])))


if __name__ == "__main__":
    main(sys.argv[1])
