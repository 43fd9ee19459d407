"""Shared fixtures for unit tests: where the collection's files are."""

import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]

# Unit tests import plugins as ansible_collections.scalemeet.jitsi.*; `make
# collection-link` exposes this checkout at .cache/collections for that.
_COLLECTIONS = ROOT / ".cache" / "collections"
if str(_COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(_COLLECTIONS))


@pytest.fixture(scope="session")
def root():
    return ROOT
