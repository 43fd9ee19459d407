"""Write a role's README.md (what Galaxy shows for the role) from its meta/main.yml and
meta/argument_specs.yml: what it does, its entry points, where its variables are documented.

Usage: python tests/tools/role_readme.py [ROLE ...]  (every role when none is named;
tests/unit/test_role_conventions.py checks each README matches what this writes).
"""

import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]


def plain(doc):
    text = doc if isinstance(doc, str) else " ".join(doc)
    text = re.sub(r"[CIM]\(([^)]*)\)", r"`\1`", text)
    return re.sub(r"\s+", " ", text).strip()


def readme(role):
    meta = yaml.safe_load((ROOT / "roles" / role / "meta" / "main.yml").read_text())["galaxy_info"]
    specs = yaml.safe_load((ROOT / "roles" / role / "meta" / "argument_specs.yml").read_text())["argument_specs"]
    lines = ["# Role `scalemeet.jitsi.%s`" % role, "", plain(meta["description"]) + ".", "",
             "<!-- Written by tests/tools/role_readme.py from meta/main.yml and meta/argument_specs.yml. -->", "",
             "## Entry points", ""]
    for entry, spec in specs.items():
        use = "`roles: [scalemeet.jitsi.%s]`" % role if entry == "main" else \
            "`include_role: {name: scalemeet.jitsi.%s, tasks_from: %s}`" % (role, entry)
        lines += ["### `%s`: %s" % (entry, plain(spec["short_description"])), "", use, ""]
        lines += ["- " + plain(d) for d in (spec.get("description") or [])]
        names = sorted(spec.get("options") or {})
        lines += ["", "Variables: " + (", ".join("`%s`" % n for n in names) or "none") + ".", ""]
    lines += ["## Reference", "",
              "Every variable with its default and meaning: [docs/roles/%s.md](../../docs/roles/%s.md); "
              "the generated reference: `make docs` (antsibull-docs)." % (role, role),
              "", "Supported platforms: " + ", ".join(
                  "%s %s" % (p["name"], "/".join(p["versions"])) for p in meta["platforms"]) + "."]
    return "\n".join(lines) + "\n"


def main(roles):
    for role in roles or sorted(p.name for p in (ROOT / "roles").iterdir() if p.is_dir()):
        (ROOT / "roles" / role / "README.md").write_text(readme(role))


if __name__ == "__main__":
    main(sys.argv[1:])
