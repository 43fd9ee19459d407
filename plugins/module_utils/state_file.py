# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""JSON state files on managed hosts: read strictly, write atomically, under a lock.

Shared by the secrets store and the bridge slot registry. A state file that
exists but cannot be trusted raises StateFileCorrupt; callers never regenerate
it silently, because regenerating secrets or slots locks bridges out.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import errno
import fcntl
import json
import os
import tempfile
import time


class StateFileError(Exception):
    """Base error for state files; always names the file."""

    def __init__(self, path, reason):
        self.path = path
        self.reason = reason
        super(StateFileError, self).__init__("%s: %s" % (path, reason))


class StateFileCorrupt(StateFileError):
    """The file exists but is not a valid state file (truncated, not JSON, wrong shape)."""


class StateFileLockTimeout(StateFileError):
    """Another run held the lock for longer than the timeout."""


@contextlib.contextmanager
def locked(path, timeout=60.0, poll=0.05):
    """Hold an exclusive lock on ``path + '.lock'`` for the duration of the block.

    A separate lock file is used because the state file itself is replaced by
    rename, and a lock on a replaced inode protects nothing.
    """
    lock_path = path + ".lock"
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise StateFileLockTimeout(path, "lock %s held by another run for more than %ss" % (lock_path, timeout))
                time.sleep(poll)
        yield
    finally:
        os.close(fd)


def read_json(path, expected_format, error=StateFileCorrupt):
    """Return the parsed document, or None when the file does not exist.

    The document must be a JSON object whose ``format`` equals ``expected_format``;
    otherwise ``error`` (a StateFileCorrupt subclass) is raised.
    """
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except IOError as exc:
        if exc.errno == errno.ENOENT:
            return None
        raise StateFileError(path, "cannot read: %s" % exc)
    if not raw.strip():
        raise error(path, "file is empty (truncated write?); restore it from backup, it is never regenerated")
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise error(path, "not valid JSON (%s); restore it from backup, it is never regenerated" % exc)
    if not isinstance(doc, dict):
        raise error(path, "top level is %s, expected an object" % type(doc).__name__)
    if doc.get("format") != expected_format:
        raise error(path, "format is %r, expected %r" % (doc.get("format"), expected_format))
    return doc


def read_cache_section(path, expected_format, section):
    """The ``section`` object of a cache file; a missing or unreadable cache counts as empty
    (losing a cache costs work, never correctness)."""
    try:
        doc = read_json(path, expected_format)
    except StateFileError:
        return {}
    found = (doc or {}).get(section)
    return found if isinstance(found, dict) else {}


def write_json_atomic(path, doc, mode=0o600):
    """Replace ``path`` with ``doc`` as JSON, atomically (see atomic_write_text)."""
    atomic_write_text(path, json.dumps(doc, indent=2, sort_keys=True) + "\n", mode=mode)


def atomic_write_text(path, text, mode=0o600, uid=-1, gid=-1, check=None):
    """Replace ``path`` with ``text``: temp file in the same directory, fsync, rename, fsync dir.

    ``check(temp_path)``, when given, runs on the complete temp file before the rename and may
    raise to leave ``path`` as it was."""
    directory = os.path.dirname(path) or "."
    fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), dir=directory)
    try:
        os.fchmod(fd, mode)
        if uid != -1 or gid != -1:
            os.fchown(fd, uid, gid)
        with os.fdopen(fd, "w") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        if check:
            check(tmp)
        os.rename(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def transaction(path, update, check_mode=False, timeout=60.0):
    """Run ``update()`` holding the lock of the state file at ``path``.

    Check mode neither locks nor creates anything: writes are atomic renames,
    so an unlocked read always sees a whole file.
    """
    if check_mode:
        return update()
    ensure_private_dir(os.path.dirname(path))
    with locked(path, timeout=timeout):
        return update()


def ensure_private_dir(path, mode=0o700):
    """Create the directory holding state files (root-only) when missing."""
    try:
        os.makedirs(path, mode)
    except OSError as exc:
        # another run may create it at the same moment
        if exc.errno != errno.EEXIST or not os.path.isdir(path):
            raise
