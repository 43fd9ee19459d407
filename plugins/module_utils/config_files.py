# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A role's directories, configuration files and links, made so in one pass on the host, and the
services they configure enabled and started when they are not.

Ansible's per-file tasks cost a module run each (two for a template), and on a run
with nothing to change that cost is the whole run (docs/performance.md). The
contents are rendered on the controller; here each path is compared with what it
should be and only what differs is changed: contents by an atomic rename of a
validated temporary file, ownership and mode in place.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import stat

from ansible_collections.scalemeet.jitsi.plugins.module_utils.file_attributes import (
    attributes_differ, group_id, octal_mode, stat_or_none, user_id)
from ansible_collections.scalemeet.jitsi.plugins.module_utils.state_file import atomic_write_text


class ConfigFilesError(Exception):
    """Base error; always names the path it is about."""

    def __init__(self, path, reason):
        self.path = path
        self.reason = reason
        super(ConfigFilesError, self).__init__("%s: %s" % (path, reason))


class BadSpec(ConfigFilesError):
    """An owner, group or mode that cannot be applied, or a path that is not absolute."""


class NotADirectory(ConfigFilesError):
    """Something of another kind is in the way: not a directory where a directory or a parent
    should be, not a regular file where a file should be, not a link where a link should be,
    a directory where a path should be removed."""


class ValidationFailed(ConfigFilesError):
    """The product's own checker refused the new contents; the file was left as it was."""


class ServiceFailed(ConfigFilesError):
    """systemctl could not enable or start a unit; names the unit and says why."""


# Where a written path is a unit file: systemd must re-read its units before starting one.
UNIT_DIRECTORIES = ("/etc/systemd/system/", "/lib/systemd/system/", "/usr/lib/systemd/system/")


def _ids(spec):
    path = spec["path"]
    if not os.path.isabs(path):
        raise BadSpec(path, "not an absolute path")
    mode = octal_mode(spec.get("mode"))
    if mode is None:
        raise BadSpec(path, "mode %r is not an octal mode such as 0644" % str(spec.get("mode") or ""))
    uid = user_id(spec.get("owner") or "root")
    if uid is None:
        raise BadSpec(path, "no user %r on this host" % spec.get("owner"))
    gid = group_id(spec.get("group") or "root")
    if gid is None:
        raise BadSpec(path, "no group %r on this host" % spec.get("group"))
    return uid, gid, mode


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def plan(directories, files, links=(), absent=()):
    """What would change: [(kind, spec, uid, gid, mode, reason)], kind 'directory', 'file',
    'link' or 'absent', reason 'create', 'contents', 'attributes', 'target' or 'remove'.
    Raises before anything is changed."""
    steps = []
    for spec in directories:
        uid, gid, mode = _ids(spec)
        st = stat_or_none(spec["path"])  # a link to a directory is that directory, as for ansible.builtin.file
        if st is not None and not stat.S_ISDIR(st.st_mode):
            raise NotADirectory(spec["path"], "exists and is not a directory")
        if st is None:
            steps.append(("directory", spec, uid, gid, mode, "create"))
        elif attributes_differ(st, uid, gid, mode):
            steps.append(("directory", spec, uid, gid, mode, "attributes"))
    planned_dirs = set()
    for step in steps:
        if step[5] == "create":
            planned_dirs.update(_missing_directories(step[1]["path"]))
    for spec in files:
        uid, gid, mode = _ids(spec)
        st = _in_place(spec["path"], planned_dirs, stat.S_ISREG, "regular file")
        if st is None:
            steps.append(("file", spec, uid, gid, mode, "create"))
        elif _read(spec["path"]) != spec["content"].encode("utf-8"):
            steps.append(("file", spec, uid, gid, mode, "contents"))
        elif attributes_differ(st, uid, gid, mode):
            steps.append(("file", spec, uid, gid, mode, "attributes"))
    for spec in links:
        st = _in_place(spec["path"], planned_dirs, stat.S_ISLNK, "symbolic link")
        if st is None:
            steps.append(("link", spec, None, None, None, "create"))
        elif os.readlink(spec["path"]) != spec["src"]:
            steps.append(("link", spec, None, None, None, "target"))
    for path in absent:
        if not os.path.isabs(path):
            raise BadSpec(path, "not an absolute path")
        st = stat_or_none(path, follow=False)
        if st is not None and stat.S_ISDIR(st.st_mode):
            raise NotADirectory(path, "is a directory; only files and links are removed")
        if st is not None:
            steps.append(("absent", {"path": path}, None, None, None, "remove"))
    return steps


def _in_place(path, planned_dirs, is_kind, kind):
    """What is at path (lstat, None when nothing), once its directory is there or planned and
    nothing of another kind is in the way."""
    if not os.path.isabs(path):
        raise BadSpec(path, "not an absolute path")
    parent = os.path.dirname(path)
    if parent not in planned_dirs and not os.path.isdir(parent):
        raise NotADirectory(path, "its directory %s does not exist (list it under directories)" % parent)
    st = stat_or_none(path, follow=False)
    if st is not None and not is_kind(st.st_mode):
        raise NotADirectory(path, "exists and is not a %s" % kind)
    return st


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
        if kind == "link":
            _replace_link(path, spec["src"])
            continue
        if kind == "absent":
            os.unlink(path)
            continue
        if kind == "file" and reason != "attributes":
            check = _validator(spec["validate"], run_command, path) if spec.get("validate") else None
            atomic_write_text(path, spec["content"], mode=mode, uid=uid, gid=gid, check=check)
            continue
        os.chown(path, uid, gid)
        os.chmod(path, mode)  # after chown, which may clear set-id bits


def services_to_start(units, run_command):
    """[(unit, enable, start)] for each unit systemctl does not show enabled (as systemd_service
    reads is-enabled: a static unit counts, a masked one does not), or not active."""
    pending = []
    for unit in units:
        enabled_rc, _out, _err = run_command(["systemctl", "is-enabled", unit])
        active_rc, _out, _err = run_command(["systemctl", "is-active", unit])
        enable, start = enabled_rc != 0, active_rc != 0
        if enable or start:
            pending.append((unit, enable, start))
    return pending


def start_services(pending, written, run_command):
    """Enable and start what services_to_start found, after a daemon-reload when a written path
    is a unit file."""
    commands = [["systemctl", "daemon-reload"]] if any(p.startswith(UNIT_DIRECTORIES) for p in written) else []
    for unit, enable, start in pending:
        commands += ([["systemctl", "enable", unit]] if enable else []) + ([["systemctl", "start", unit]] if start else [])
    for command in commands:
        rc, out, err = run_command(command)
        if rc != 0:
            raise ServiceFailed(command[-1], "%s failed (rc %d): %s" % (" ".join(command), rc, (err or out).strip()[-500:]))


def _replace_link(path, src):
    """A new link beside the old path, renamed over it: readers see the old link or the new."""
    tmp = "%s.%d.tmp" % (path, os.getpid())
    if os.path.lexists(tmp):
        os.unlink(tmp)
    os.symlink(src, tmp)
    try:
        os.replace(tmp, path)
    except OSError:
        os.unlink(tmp)
        raise


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
        if kind in ("link", "absent"):
            st = stat_or_none(path, follow=False)
            was = "absent" if st is None else "-> " + os.readlink(path) if stat.S_ISLNK(st.st_mode) else "present"
            before.append("# %s: %s\n" % (path, was))
            after.append("# %s: %s\n" % (path, "absent" if kind == "absent" else "-> " + spec["src"]))
        elif kind == "file" and reason in ("create", "contents") and not spec.get("secret"):
            before.append("# %s\n%s" % (path, "" if reason == "create" else _read(path).decode("utf-8", "replace")))
            after.append("# %s\n%s" % (path, spec["content"]))
        else:
            st = stat_or_none(path, follow=False)
            before.append("# %s: %s\n" % (path, "absent" if st is None else _attributes(st.st_mode, st.st_uid, st.st_gid)))
            hidden = " (contents changed, not shown)" if kind == "file" and reason != "attributes" else ""
            after.append("# %s: %s%s\n" % (path, _attributes(mode, spec_uid, spec_gid), hidden))
    return {"before": "".join(before), "after": "".join(after)}


def _attributes(mode, uid, gid):
    return "mode %04o uid %d gid %d" % (stat.S_IMODE(mode), uid, gid)
