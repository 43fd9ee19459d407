#!/usr/bin/env bash
# Reference docs and changelog, generated the way a release makes them:
# - antsibull-docs lints every module, filter and role doc (DOCUMENTATION, EXAMPLES, RETURN,
#   argument specs, cross references) and writes the collection's reference (RST) into
#   build/docs, one page per plugin and role;
# - antsibull-changelog builds the changelog of a release from changelogs/fragments, on a copy
#   (a real release commits that, `antsibull-changelog release`).
set -euo pipefail
out="${DOCS_OUT:-build/docs}"
fail() { echo "docs: $*" >&2; exit 1; }

antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs=self .
rm -rf "$out" && mkdir -p "$out"
antsibull-docs collection --use-current --dest-dir "$out" scalemeet.jitsi >/dev/null
pages="$out/collections/scalemeet/jitsi"
missing=()
for role in roles/*/; do
  role="$(basename "$role")"
  [ -s "$pages/${role}_role.rst" ] || missing+=("role $role")
done
for module in plugins/modules/*.py; do
  module="$(basename "$module" .py)"
  [ -s "$pages/${module}_module.rst" ] || missing+=("module $module")
done
[ "${#missing[@]}" -eq 0 ] || fail "antsibull-docs wrote no page for: ${missing[*]}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tar --exclude=./.venv --exclude=./.cache --exclude=./build --exclude=./.git -cf - . | tar -xf - -C "$work"
version="$(awk '/^version:/{print $2}' galaxy.yml)"
(cd "$work" && antsibull-changelog release --version "$version" --date 2000-01-01 >/dev/null)
[ -s "$work/CHANGELOG.md" ] || fail "antsibull-changelog wrote no CHANGELOG.md"
# The release took every fragment, and each change is one entry of CHANGELOG.md.
python3 - "$work" <<'PY' || fail "the release changelog does not hold every fragment"
import pathlib, sys, yaml
work = pathlib.Path(sys.argv[1])
fragments = sorted(p.name for p in pathlib.Path("changelogs/fragments").glob("*.yml"))
release = next(iter(yaml.safe_load((work / "changelogs" / "changelog.yaml").read_text())["releases"].values()))
assert sorted(release["fragments"]) == fragments, (release["fragments"], fragments)
entries = sum(len(v) for f in fragments for k, v in yaml.safe_load(open("changelogs/fragments/" + f)).items() if k != "trivial")
text = (work / "CHANGELOG.md").read_text()
changes = text.split("### New Plugins")[0].split("### New Modules")[0]
bullets = sum(1 for line in changes.splitlines() if line.startswith("* "))
assert bullets == entries, (bullets, entries)
PY
echo "antsibull-docs: $(find "$pages" -name '*.rst' | wc -l) reference pages in $pages; antsibull-changelog: release $version from $(find changelogs/fragments -name "*.yml" | wc -l) fragments"
