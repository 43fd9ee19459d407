# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What config_files last made of each path, kept on the host, so that one probe per run
(the host_state module) can tell the controller which calls have nothing to do.

config_files records every path it manages (kind, owner, group, mode, SHA-256 of the
contents, link target) in a JSON file on the host. host_state reads that record and checks
each path against it on the host ("intact"). The config_files action plugin then compares
the record with what the task asks for: when every path is recorded, intact and asked for
as recorded, the module run would change nothing, and is not started.

The record is a cache: a missing or unreadable one only means the module runs.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import os
import stat

from ansible_collections.scalemeet.jitsi.plugins.module_utils.file_attributes import (
    attributes_differ, group_id, octal_mode, stat_or_none, user_id)
from ansible_collections.scalemeet.jitsi.plugins.module_utils.state_file import (
    ensure_private_dir, locked, read_cache_section, write_json_atomic)

FORMAT = 1
DEFAULT_PATH = "/var/lib/scalemeet/config_files.json"
# config_files' own defaults (its argument spec reads them from here)
OWNER = "root"
GROUP = "root"
DIRECTORY_MODE = "0755"
FILE_MODE = "0644"


def _attributes(kind, spec, default_mode):
    mode = octal_mode(spec.get("mode") if spec.get("mode") is not None else default_mode)
    if mode is None:
        return None
    return {"kind": kind, "owner": spec.get("owner") or OWNER, "group": spec.get("group") or GROUP,
            "mode": "%04o" % mode}


def entries(directories, files, links=(), absent=()):
    """{path: entry} of what config_files' arguments make of each path, or None when the
    arguments cannot be read so (the module then runs and names what is wrong)."""
    try:
        made = {}
        for spec in directories:
            made[spec["path"]] = _attributes("directory", spec, DIRECTORY_MODE)
        for spec in files:
            entry = _attributes("file", spec, FILE_MODE)
            if entry is not None:
                entry["sha256"] = hashlib.sha256(spec["content"].encode("utf-8")).hexdigest()
            made[spec["path"]] = entry
        for spec in links:
            made[spec["path"]] = {"kind": "link", "src": spec["src"]}
        for path in absent:
            made[path] = {"kind": "absent"}
    except (KeyError, TypeError, AttributeError):
        return None
    if any(entry is None or not isinstance(path, str) for path, entry in made.items()):
        return None
    return made


def unchanged(wanted, probed):
    """True when every wanted path is in the probe, intact, and recorded as wanted: the module
    would change nothing. wanted: entries(); probed: host_state's config_files."""
    if not wanted or not isinstance(probed, dict):
        return False
    for path, entry in wanted.items():
        seen = probed.get(path)
        if not isinstance(seen, dict) or seen.get("intact") is not True:
            return False
        if dict((k, v) for k, v in seen.items() if k != "intact") != entry:
            return False
    return True


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(65536), b""):
            digest.update(block)
    return digest.hexdigest()


def _attributes_match(st, entry):
    return not attributes_differ(st, user_id(entry.get("owner")), group_id(entry.get("group")), octal_mode(entry.get("mode")))


def intact(path, entry):
    """Is path still what the entry records, checked as config_files checks it."""
    kind = entry.get("kind")
    try:
        if kind == "directory":
            st = stat_or_none(path)  # a link to a directory is that directory, as in config_files
            return st is not None and stat.S_ISDIR(st.st_mode) and _attributes_match(st, entry)
        if kind == "file":
            st = stat_or_none(path, follow=False)
            if st is None or not stat.S_ISREG(st.st_mode) or not _attributes_match(st, entry):
                return False
            return sha256_of(path) == entry.get("sha256")
        if kind == "link":
            st = stat_or_none(path, follow=False)
            return st is not None and stat.S_ISLNK(st.st_mode) and os.readlink(path) == entry.get("src")
        if kind == "absent":
            return stat_or_none(path, follow=False) is None
    except (OSError, TypeError):
        return False
    return False


def _read(record_path):
    """The recorded paths; an unreadable record counts as empty (it is only a cache)."""
    return read_cache_section(record_path, FORMAT, "paths")


def probe(record_path):
    """{path: entry + intact} of every recorded path."""
    probed = {}
    for path, entry in _read(record_path).items():
        if isinstance(entry, dict):
            probed[path] = dict(entry, intact=intact(path, entry))
    return probed


def record(record_path, made):
    """Add or update the entries of the paths a config_files run just made so; writes only when
    the record differs. Returns whether it wrote."""
    ensure_private_dir(os.path.dirname(record_path))
    with locked(record_path):
        paths = _read(record_path)
        if all(paths.get(path) == entry for path, entry in made.items()):
            return False
        paths.update(made)
        write_json_atomic(record_path, {"format": FORMAT, "paths": paths})
        return True
