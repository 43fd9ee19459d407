# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A self-signed certificate made once with openssl, its key readable by one service's group.

Made once and kept: a new key on every run would break clients that pinned the old one.
One module run for the directory, the pair and the key's attributes, where three tasks
cost a module run each (docs/performance.md).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import re
import stat

from ansible_collections.scalemeet.jitsi.plugins.module_utils.file_attributes import attributes_differ, group_id, octal_mode, stat_or_none

# What openssl and the services accept as a DNS name in subjectAltName, wildcard included.
DNS_NAME = re.compile(r"^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$")


class CertificateError(Exception):
    """Base error; always names the path it is about."""

    def __init__(self, path, reason):
        self.path = path
        self.reason = reason
        super(CertificateError, self).__init__("%s: %s" % (path, reason))


class BadRequest(CertificateError):
    """A name, lifetime, group, mode or path that cannot be used."""


class BrokenPair(CertificateError):
    """The certificate is there without its key: making a new key would not match it."""


class GenerationFailed(CertificateError):
    """openssl refused; nothing was put in place."""


def _mode(path, value):
    mode = octal_mode(value)
    if mode is None:
        raise BadRequest(path, "mode %r is not an octal mode such as 0640" % (value,))
    return mode


def _gid(path, group):
    gid = group_id(group)
    if gid is None:
        raise BadRequest(path, "no group %r on this host" % (group,))
    return gid


def _differs(st, gid, mode):
    return attributes_differ(st, 0, gid, mode)  # key and directory belong to root


def plan(request):
    """What would change, in order: [('directory'|'generate'|'key', reason)]. Raises before
    any change. request: path, key_path, names, days, key_group, key_mode, and
    directory_group and directory_mode (None: the directory is left as it is and must exist)."""
    path, key_path = request["path"], request["key_path"]
    for what in (path, key_path):
        if not os.path.isabs(what or ""):
            raise BadRequest(what, "not an absolute path")
    names = request["names"] or []
    if not names:
        raise BadRequest(path, "no DNS names given")
    for name in names:
        if not DNS_NAME.match(name or ""):
            raise BadRequest(path, "%r is not a DNS name" % (name,))
    if int(request["days"]) < 1:
        raise BadRequest(path, "days must be at least 1, got %r" % (request["days"],))
    key_gid, key_mode = _gid(key_path, request["key_group"]), _mode(key_path, request["key_mode"])
    steps = []
    directory = os.path.dirname(path)
    dir_st = stat_or_none(directory)
    if dir_st is not None and not stat.S_ISDIR(dir_st.st_mode):
        raise BadRequest(directory, "exists and is not a directory")
    if request.get("directory_mode"):
        dir_gid, dir_mode = _gid(directory, request.get("directory_group") or "root"), _mode(directory, request["directory_mode"])
        if dir_st is None:
            steps.append(("directory", "create"))
        elif _differs(dir_st, dir_gid, dir_mode):
            steps.append(("directory", "attributes"))
    # Without directory_mode a missing directory is the calling role's to make (in check mode
    # it has not made it yet): planned as a new pair, refused by apply().
    cert_st, key_st = stat_or_none(path), stat_or_none(key_path)
    if cert_st is None:
        steps.append(("generate", "create"))
    elif key_st is None:
        raise BrokenPair(key_path, "the certificate %s is there but not its key; remove the certificate to make a new pair" % path)
    elif _differs(key_st, key_gid, key_mode):
        steps.append(("key", "attributes"))
    return steps


def openssl_argv(request, key_out, cert_out):
    names = request["names"]
    return ["openssl", "req", "-x509", "-newkey", "rsa:3072", "-nodes", "-sha256", "-days", str(int(request["days"])),
            "-subj", "/CN=%s" % names[0], "-addext", "subjectAltName=" + ",".join("DNS:" + n for n in names),
            "-keyout", key_out, "-out", cert_out]


def apply(request, steps, run_command):
    """Carry out plan()'s steps. The key is in place before the certificate, whose presence
    means the pair is complete; a refused or interrupted generation leaves neither."""
    path, key_path = request["path"], request["key_path"]
    key_gid, key_mode = _gid(key_path, request["key_group"]), _mode(key_path, request["key_mode"])
    if not request.get("directory_mode"):
        for directory in sorted({os.path.dirname(path), os.path.dirname(key_path)}):
            if not os.path.isdir(directory):
                raise BadRequest(directory, "does not exist (give directory_mode to create it)")
    for kind, _reason in steps:
        if kind == "directory":
            directory = os.path.dirname(path)
            gid, mode = _gid(directory, request.get("directory_group") or "root"), _mode(directory, request["directory_mode"])
            if not os.path.isdir(directory):
                os.makedirs(directory, mode)
            os.chown(directory, 0, gid)
            os.chmod(directory, mode)
        elif kind == "generate":
            _generate(request, key_gid, key_mode, run_command)
        else:
            os.chown(key_path, 0, key_gid)
            os.chmod(key_path, key_mode)


def _generate(request, key_gid, key_mode, run_command):
    path, key_path = request["path"], request["key_path"]
    suffix = ".%d.tmp" % os.getpid()
    key_tmp, cert_tmp = key_path + suffix, path + suffix
    # the key is never readable by others, not even for the moment openssl writes it
    fd = os.open(key_tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    try:
        rc, out, err = run_command(openssl_argv(request, key_tmp, cert_tmp))
        if rc != 0:
            raise GenerationFailed(path, "openssl refused (rc %d): %s" % (rc, (err or out).strip()[-2000:]))
        os.chown(key_tmp, 0, key_gid)
        os.chmod(key_tmp, key_mode)
        os.chmod(cert_tmp, 0o644)
        os.replace(key_tmp, key_path)
        os.replace(cert_tmp, path)
    finally:
        for leftover in (key_tmp, cert_tmp):
            if os.path.lexists(leftover):
                os.unlink(leftover)
