# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A role's directories and configuration files, made so in one pass on the host.

Ansible's per-file tasks cost a module run each (two for a template), and on a run
with nothing to change that cost is the whole run (docs/performance.md). The
contents are rendered on the controller; here each path is compared with what it
should be and only what differs is changed: contents by an atomic rename of a
validated temporary file, ownership and mode in place.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import grp
import os
import pwd
import re
import stat

from ansible_collections.scalemeet.jitsi.plugins.module_utils.state_file import atomic_write_text

MODE = re.compile(r"^0?[0-7]{3,4}$")


class ConfigFilesError(Exception):
    """Base error; always names the path it is about."""

    def __init__(self, path, reason):
        self.path = path
        self.reason = reason
        super(ConfigFilesError, self).__init__("%s: %s" % (path, reason))


class BadSpec(ConfigFilesError):
    """An owner, group or mode that cannot be applied, or a path that is not absolute."""


class NotADirectory(ConfigFilesError):
    """Something other than a directory is where a directory or a file's parent should be."""


class ValidationFailed(ConfigFilesError):
    """The product's own checker refused the new contents; the file was left as it was."""


def _ids(spec):
    path = spec["path"]
    if not os.path.isabs(path):
        raise BadSpec(path, "not an absolute path")
    mode = str(spec.get("mode") or "")
    if not MODE.match(mode):
        raise BadSpec(path, "mode %r is not an octal mode such as 0644" % mode)
    try:
        uid = pwd.getpwnam(spec.get("owner") or "root").pw_uid
    except KeyError:
        raise BadSpec(path, "no user %r on this host" % spec.get("owner"))
    try:
        gid = grp.getgrnam(spec.get("group") or "root").gr_gid
    except KeyError:
        raise BadSpec(path, "no group %r on this host" % spec.get("group"))
    return uid, gid, int(mode, 8)


def _lstat(path):
    try:
        return os.lstat(path)
    except OSError:
        return None


def _stat(path):
    try:
        return os.stat(path)
    except OSError:
        return None


def _metadata_differs(st, uid, gid, mode):
    return st.st_uid != uid or st.st_gid != gid or stat.S_IMODE(st.st_mode) != mode


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def plan(directories, files):
    """What would change: [(kind, spec, uid, gid, mode, reason)], kind 'directory' or 'file',
    reason 'create', 'contents' or 'attributes'. Raises before anything is changed."""
    steps = []
    for spec in directories:
        uid, gid, mode = _ids(spec)
        st = _stat(spec["path"])  # a link to a directory is that directory, as for ansible.builtin.file
        if st is not None and not stat.S_ISDIR(st.st_mode):
            raise NotADirectory(spec["path"], "exists and is not a directory")
        if st is None:
            steps.append(("directory", spec, uid, gid, mode, "create"))
        elif _metadata_differs(st, uid, gid, mode):
            steps.append(("directory", spec, uid, gid, mode, "attributes"))
    planned_dirs = set()
    for step in steps:
        if step[5] == "create":
            planned_dirs.update(_missing_directories(step[1]["path"]))
    for spec in files:
        uid, gid, mode = _ids(spec)
        parent = os.path.dirname(spec["path"])
        if parent not in planned_dirs and not os.path.isdir(parent):
            raise NotADirectory(spec["path"], "its directory %s does not exist (list it under directories)" % parent)
        st = _lstat(spec["path"])
        if st is not None and not stat.S_ISREG(st.st_mode):
            raise NotADirectory(spec["path"], "exists and is not a regular file")
        if st is None:
            steps.append(("file", spec, uid, gid, mode, "create"))
        elif _read(spec["path"]) != spec["content"].encode("utf-8"):
            steps.append(("file", spec, uid, gid, mode, "contents"))
        elif _metadata_differs(st, uid, gid, mode):
            steps.append(("file", spec, uid, gid, mode, "attributes"))
    return steps


def _validator(command, run_command, path):
    def check(tmp):
        rc, out, err = run_command(command.replace("%s", tmp))
        if rc != 0:
            raise ValidationFailed(path, "%s refused it (rc %d): %s" % (command, rc, (err or out).strip()[-2000:]))
    return check


def apply(steps, run_command):
    """Carry out plan()'s steps in order (directories first, as planned)."""
    for kind, spec, uid, gid, mode, reason in steps:
        path = spec["path"]
        if kind == "directory" and reason == "create":
            _make_directories(path, uid, gid, mode)
            continue
        if kind == "file" and reason != "attributes":
            check = _validator(spec["validate"], run_command, path) if spec.get("validate") else None
            atomic_write_text(path, spec["content"], mode=mode, uid=uid, gid=gid, check=check)
            continue
        os.chown(path, uid, gid)
        os.chmod(path, mode)  # after chown, which may clear set-id bits


def _missing_directories(path):
    """path and its parents that do not exist yet, deepest first."""
    missing = []
    while not os.path.isdir(path):
        missing.append(path)
        path = os.path.dirname(path)
    return missing


def _make_directories(path, uid, gid, mode):
    """Create path and any missing parents, each with the listed owner and mode (as
    ansible.builtin.file does)."""
    for directory in reversed(_missing_directories(path)):
        os.mkdir(directory, mode)
        os.chown(directory, uid, gid)
        os.chmod(directory, mode)  # mkdir's mode is filtered by the umask


def diff(steps):
    """Before and after of what changes, as Ansible shows a diff; contents only for files whose
    contents change (and never for a spec marked `secret`)."""
    before, after = [], []
    for kind, spec, spec_uid, spec_gid, mode, reason in steps:
        path = spec["path"]
        if kind == "file" and reason in ("create", "contents") and not spec.get("secret"):
            before.append("# %s\n%s" % (path, "" if reason == "create" else _read(path).decode("utf-8", "replace")))
            after.append("# %s\n%s" % (path, spec["content"]))
        else:
            st = _lstat(path)
            before.append("# %s: %s\n" % (path, "absent" if st is None else _attributes(st.st_mode, st.st_uid, st.st_gid)))
            hidden = " (contents changed, not shown)" if kind == "file" and reason != "attributes" else ""
            after.append("# %s: %s%s\n" % (path, _attributes(mode, spec_uid, spec_gid), hidden))
    return {"before": "".join(before), "after": "".join(after)}


def _attributes(mode, uid, gid):
    return "mode %04o uid %d gid %d" % (stat.S_IMODE(mode), uid, gid)
