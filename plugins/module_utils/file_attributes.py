# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Owner, group and mode of files on the host, as config_files and self_signed check and set them.

Returns None for what does not exist or cannot be read, so each caller raises its own typed
error, naming its own path.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import grp
import os
import pwd
import re
import stat

MODE = re.compile(r"^0?[0-7]{3,4}$")


def octal_mode(value):
    """The mode an octal string such as '0640' means, or None."""
    value = str(value or "")
    return int(value, 8) if MODE.match(value) else None


def user_id(name):
    try:
        return pwd.getpwnam(name).pw_uid
    except KeyError:
        return None


def group_id(name):
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        return None


def stat_or_none(path, follow=True):
    """os.stat (os.lstat unless follow), or None when nothing is there."""
    try:
        return os.stat(path) if follow else os.lstat(path)
    except OSError:
        return None


def attributes_differ(st, uid, gid, mode):
    return st.st_uid != uid or st.st_gid != gid or stat.S_IMODE(st.st_mode) != mode
