#!/usr/bin/env bash
# Galaxy's own import checks on the built tarball (galaxy-importer, as Galaxy runs it on
# upload): metadata, docs of every plugin and role, a README per role, flake8, ansible-lint.
# ansible-test is left to `make sanity`, which runs it on the same files. galaxy-importer
# pins its own ansible-lint, so it lives in its own virtualenv. Any ERROR or WARNING fails.
# `galaxy-importer.sh --prepare` only makes the virtualenv (the test bed does, beside the images).
set -euo pipefail
tarball="${1:?usage: galaxy-importer.sh TARBALL | --prepare}"
venv="${GALAXY_IMPORTER_VENV:-.cache/galaxy-importer-venv}"
python="${PYTHON:-python3}"
version="0.4.44"

stamp="$venv/.galaxy-importer-$version"
if [ ! -e "$stamp" ]; then
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "galaxy-importer==$version" 2> >(grep -v "^WARNING: Location '" >&2)
  touch "$stamp"
fi
[ "$tarball" != "--prepare" ] || exit 0
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/galaxy-importer.cfg" <<'CFG'
[galaxy-importer]
RUN_ANSIBLE_TEST = False
RUN_ANSIBLE_LINT = True
RUN_FLAKE8 = True
CFG
status=0
tarball="$(realpath "$tarball")" venv="$(realpath "$venv")"
# It writes importer_result.json into the working directory: keep that out of the checkout.
(cd "$work" && GALAXY_IMPORTER_CONFIG="$work/galaxy-importer.cfg" PATH="$venv/bin:$PATH" \
  "$venv/bin/python" -m galaxy_importer.main "$tarball" > "$work/import.log" 2>&1) || status=$?
problems="$(grep -E '^(ERROR|WARNING)' "$work/import.log" || true)"
if [ "$status" -ne 0 ] || [ -n "$problems" ] || ! grep -q "Importer processing completed successfully" "$work/import.log"; then
  cat "$work/import.log" >&2
  echo "galaxy-importer $version: the import of $(basename "$tarball") reports problems (exit $status)" >&2
  exit 1
fi
echo "galaxy-importer $version: $(basename "$tarball") imports with no error or warning ($(grep -c '^Loading ' "$work/import.log") contents loaded)"
