"""Offline stand-in for the get-pip bootstrap script ansible-test downloads.

ansible-test fetches get-pip.py from a CI file host that this machine cannot
reach. It only needs pip installed into a fresh venv at a pinned version:
ensurepip (bundled with CPython) plus `pip install` from PyPI does that.
"""

import subprocess
import sys

GET_PIP_ONLY_FLAGS = {"--no-setuptools", "--no-wheel"}


def main():
    args = [a for a in sys.argv[1:] if a not in GET_PIP_ONLY_FLAGS]
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
    subprocess.check_call([sys.executable, "-m", "pip", "install"] + args)


if __name__ == "__main__":
    main()
