#!/usr/bin/env bash
# ansible-test needs the collection at .../ansible_collections/scalemeet/jitsi:
# copy the working tree (tracked and new files, not ignored ones) there and run
# sanity with the local Python; each test's own tools come from PyPI (--venv).
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dest="$work/ansible_collections/scalemeet/jitsi"
mkdir -p "$dest"
cd "$here"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' f; do
  [ -e "$f" ] && printf '%s\0' "$f"
done | tar --null -T - -cf - | tar -xf - -C "$dest"
cd "$dest"
# ansible-test bootstraps pip in its venvs with a script from a host we cannot
# reach; put the offline stand-in where it looks first.
pip_version="$(python3 -c 'from ansible_test._internal.python_requirements import get_venv_packages as g; import inspect, re; print(re.search(r"pip=.([0-9.]+).", inspect.getsource(g)).group(1))')"
cache="$HOME/.ansible/test/cache"
mkdir -p "$cache"
cp "$here/tests/sanity/get_pip_offline.py" "$cache/get_pip_${pip_version//./_}.py"
python_version="$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
ansible-test sanity --venv --python "$python_version" --color no "$@"
