# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Prosody accounts in its file storage (``storage = "internal"``, ``internal_hashed``).

Accounts are written as Prosody itself writes them (SCRAM-SHA-1 keys, never the
password), so a password never appears on a command line or in a process list,
and an unchanged password is recognised without touching the account.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import hmac
import os
import re
import time
import uuid

from ansible_collections.scalemeet.jitsi.plugins.module_utils.state_file import StateFileError, atomic_write_text

ITERATIONS = 10000
# Node parts of accounts the roles create: jvb-01, focus. Kept strict on purpose.
USER_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
HOST_RE = re.compile(r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$")
_FIELD_RE = re.compile(r'\["(\w+)"\]\s*=\s*(?:"((?:[^"\\]|\\.)*)"|(-?\d+))')


class ProsodyAccountError(Exception):
    """Bad input or an account file that cannot be read."""


def encode(name):
    """Prosody's datamanager encoding: every non-alphanumeric byte as %xx."""
    return re.sub(r"[^A-Za-z0-9]", lambda m: "%%%02x" % ord(m.group(0)), name)


def account_path(data_dir, host, user):
    return os.path.join(data_dir, encode(host), "accounts", encode(user) + ".dat")


def scram_keys(password, salt, iterations):
    salted = hashlib.pbkdf2_hmac("sha1", password.encode("utf-8"), salt.encode("utf-8"), iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha1).digest()
    stored_key = hashlib.sha1(client_key).hexdigest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha1).hexdigest()
    return stored_key, server_key


def parse_account(text):
    """Fields of an account file (a Lua table literal)."""
    fields = {}
    for key, string_value, number in _FIELD_RE.findall(text):
        fields[key] = int(number) if number else string_value
    return fields


def password_matches(fields, password):
    try:
        stored_key, _server_key = scram_keys(password, fields["salt"], int(fields["iteration_count"]))
    except (KeyError, TypeError, ValueError):
        return False
    return hmac.compare_digest(stored_key, str(fields.get("stored_key", "")))


def render_account(password, now=None, salt=None, created=None):
    salt = salt or str(uuid.uuid4())
    now = int(now or time.time())
    stored_key, server_key = scram_keys(password, salt, ITERATIONS)
    return (
        "return {\n"
        '\t["stored_key"] = "%s";\n'
        '\t["salt"] = "%s";\n'
        '\t["iteration_count"] = %d;\n'
        '\t["created"] = %d;\n'
        '\t["server_key"] = "%s";\n'
        '\t["updated"] = %d;\n'
        "};\n" % (stored_key, salt, ITERATIONS, created or now, server_key, now)
    )


def check_names(host, users):
    if not isinstance(host, str) or not HOST_RE.match(host):
        raise ProsodyAccountError("host %r is not a valid domain name" % (host,))
    for user in users:
        if not isinstance(user, str) or not USER_RE.match(user):
            raise ProsodyAccountError("account %r on %s: name must be lower-case letters, digits, '.', '_' or '-'" % (user, host))


def plan(data_dir, host, present, absent):
    """Return {user: action} with action in ok, create, update, delete, absent."""
    check_names(host, list(present) + list(absent))
    both = sorted(set(present) & set(absent))
    if both:
        raise ProsodyAccountError("accounts %s on %s are asked to be present and absent" % (", ".join(both), host))
    actions = {}
    for user, password in present.items():
        if not isinstance(password, str) or not password:
            raise ProsodyAccountError("account %s@%s: password must be a non-empty string" % (user, host))
        path = account_path(data_dir, host, user)
        try:
            with open(path) as f:
                fields = parse_account(f.read())
        except IOError:
            actions[user] = "create"
            continue
        actions[user] = "ok" if password_matches(fields, password) else "update"
    for user in absent:
        actions[user] = "delete" if os.path.exists(account_path(data_dir, host, user)) else "absent"
    return actions


def apply(data_dir, host, present, actions, uid=-1, gid=-1):
    """Carry out ``actions`` from ``plan``; account files are 0640 owned by uid:gid."""
    accounts_dir = os.path.join(data_dir, encode(host), "accounts")
    for path in (os.path.dirname(accounts_dir), accounts_dir):
        if not os.path.isdir(path):
            os.mkdir(path, 0o750)
            os.chown(path, uid, gid)
    for user, action in sorted(actions.items()):
        path = account_path(data_dir, host, user)
        try:
            if action in ("create", "update"):
                atomic_write_text(path, render_account(present[user]), mode=0o640, uid=uid, gid=gid)
            elif action == "delete":
                os.unlink(path)
        except (OSError, StateFileError) as exc:
            raise ProsodyAccountError("account %s@%s: cannot %s %s: %s" % (user, host, action, path, exc))
