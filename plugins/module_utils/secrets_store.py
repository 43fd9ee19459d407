# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Component secrets of a deployment: generated once, kept stable, rotated on request.

Plain Python, no Ansible imports: the module is a thin wrapper around ``ensure``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import os
import re
import secrets as _csprng
import stat
import string

from ansible_collections.scalemeet.jitsi.plugins.module_utils.state_file import (
    StateFileCorrupt,
    read_json,
    transaction,
    write_json_atomic,
)

STORE_FORMAT = 1
DEFAULT_STORE_DIR = "/var/lib/scalemeet/secrets"

# Alphabets are chosen so a value can go into Prosody's Lua, HOCON and shell
# without quoting: letters and digits only, except the URL-safe JWT secret.
KINDS = {
    "password": {"alphabet": string.ascii_letters + string.digits, "length": 32},
    "hex": {"alphabet": "0123456789abcdef", "length": 64},
    "token": {"alphabet": string.ascii_letters + string.digits + "-_", "length": 64},
}
MIN_LENGTH = 16
MAX_LENGTH = 4096
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class SecretsError(Exception):
    """Base class for errors the module reports."""


class SecretSpecError(SecretsError):
    """A requested secret is malformed (names the secret and the key)."""


class SecretStoreCorrupt(StateFileCorrupt, SecretsError):
    """The store exists but cannot be trusted; it is never regenerated."""


def bridge_slot_secret_name(slot):
    """Name of the XMPP password of bridge slot ``slot`` (1-based)."""
    return "jvb_slot_%02d_password" % slot


def standard_specs(bridge_slots=0, focus=True, turn=False, jwt=False):
    """The secrets a deployment's roles need, as specs for ``ensure``."""
    specs = []
    if focus:
        specs.append({"name": "focus_password", "kind": "password"})
    specs.extend({"name": bridge_slot_secret_name(i), "kind": "password"} for i in range(1, bridge_slots + 1))
    if turn:
        specs.append({"name": "turn_secret", "kind": "hex"})
    if jwt:
        specs.append({"name": "jwt_app_secret", "kind": "token"})
    return specs


def requested_specs(bridge_slots=0, focus=True, turn=False, jwt=False, extra=()):
    """The specs of one request: the standard ones, each replaced by an extra spec of the same
    name (its kind, length or provided value), then the other extra specs."""
    by_name = dict((spec["name"], spec) for spec in extra)
    specs = standard_specs(bridge_slots=bridge_slots, focus=focus, turn=turn, jwt=jwt)
    return [by_name.pop(spec["name"], spec) for spec in specs] + list(by_name.values())


def known_answer(known, specs, rotate):
    """The request answered from values this run already read from the same store, or None
    when the store must be asked: a rotation, a name not read yet, a provided value that
    differs from the one read. Stored values are kept whatever the kind or length asked."""
    if rotate or not isinstance(known, dict):
        return None
    answer = {}
    for spec in specs:
        name, provided = spec.get("name"), spec.get("value")
        value = known.get(name)
        if not isinstance(value, str) or not value or (provided is not None and provided != value):
            return None
        answer[name] = value
    return answer


def probe(store_dir):
    """What a request could be answered from without the module, read by the host probe:
    {"dir": store_dir, "stores": {deployment: {name: value}}}. Only a store the module would
    leave as it is: a regular file of mode 0600 named after the deployment it holds, which reads
    as a valid store. Anything else is left out, and the module fixes or reports it."""
    try:
        names = sorted(os.listdir(store_dir))
    except OSError:
        return {"dir": store_dir, "stores": {}}
    stores = {}
    for name in names:
        deployment, dot, ext = name.rpartition(".")
        if not dot or ext != "json" or not deployment:
            continue
        path = os.path.join(store_dir, name)
        try:
            mode = os.lstat(path).st_mode
            if not stat.S_ISREG(mode) or stat.S_IMODE(mode) != 0o600:
                continue
            doc = read_json(path, STORE_FORMAT, error=SecretStoreCorrupt)
            if doc is None or doc.get("deployment") != deployment:
                continue
            entries = _validate_store(path, doc)
        except (OSError, StateFileCorrupt):
            continue
        stores[deployment] = dict((n, entry["value"]) for n, entry in entries.items())
    return {"dir": store_dir, "stores": stores}


def probed_answer(probed, store_dir, deployment, specs, rotate):
    """The request answered from the store as the host probe read it, or None when the module
    must run: another directory was probed, the store was left out, a rotation, a name it lacks,
    or a provided value (the module records where a value came from)."""
    if not isinstance(probed, dict) or probed.get("dir") != store_dir:
        return None
    if any(spec.get("value") is not None for spec in specs):
        return None
    return known_answer((probed.get("stores") or {}).get(deployment), specs, rotate)


def generate(kind, length):
    alphabet = KINDS[kind]["alphabet"]
    return "".join(_csprng.choice(alphabet) for _pos in range(length))


def normalize_specs(specs):
    """Validate specs and return {name: {kind, length, value}}; raises SecretSpecError."""
    result = {}
    for index, spec in enumerate(specs):
        name = spec.get("name")
        if not isinstance(name, str) or not NAME_RE.match(name):
            raise SecretSpecError("secrets[%d]: name %r must match %s" % (index, name, NAME_RE.pattern))
        if name in result:
            raise SecretSpecError("secret %s: requested twice" % name)
        kind = spec.get("kind") or "password"
        if kind not in KINDS:
            raise SecretSpecError("secret %s: kind %r is not one of %s" % (name, kind, ", ".join(sorted(KINDS))))
        length = spec.get("length") or KINDS[kind]["length"]
        if not isinstance(length, int) or isinstance(length, bool) or not MIN_LENGTH <= length <= MAX_LENGTH:
            raise SecretSpecError("secret %s: length %r must be an integer from %d to %d" % (name, length, MIN_LENGTH, MAX_LENGTH))
        value = spec.get("value")
        if value is not None:
            if not isinstance(value, str) or not value:
                raise SecretSpecError("secret %s: a provided value must be a non-empty string" % name)
            if any(c in value for c in "\n\r\0"):
                raise SecretSpecError("secret %s: a provided value must be one line without NUL" % name)
        result[name] = {"kind": kind, "length": length, "value": value}
    return result


def _validate_store(path, doc):
    entries = doc.get("secrets")
    if not isinstance(entries, dict):
        raise SecretStoreCorrupt(path, "'secrets' is %s, expected an object" % type(entries).__name__)
    for name, entry in entries.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("value"), str) or not entry["value"]:
            raise SecretStoreCorrupt(path, "secret %s has no string value" % name)
    return entries


def _now():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()


def plan(stored, wanted, rotate):
    """Decide each wanted secret's fate without touching disk.

    Returns (new_entries, actions) where actions maps name -> one of
    kept, generated, rotated, provided.
    """
    unknown = sorted(set(rotate) - set(wanted))
    if unknown:
        raise SecretSpecError("rotate names secrets this run does not manage: %s" % ", ".join(unknown))
    conflicting = sorted(n for n in rotate if wanted[n]["value"] is not None)
    if conflicting:
        raise SecretSpecError("cannot rotate %s: the value is provided by the operator; change it at its source" % ", ".join(conflicting))

    entries = dict(stored)
    actions = {}
    now = _now()
    for name in sorted(wanted):
        spec = wanted[name]
        old = stored.get(name)
        if spec["value"] is not None:
            if old is not None and old["value"] == spec["value"] and old.get("source") == "provided":
                actions[name] = "kept"
                continue
            entries[name] = {"value": spec["value"], "kind": spec["kind"], "source": "provided", "updated": now}
            actions[name] = "provided"
        elif old is None:
            entries[name] = {"value": generate(spec["kind"], spec["length"]), "kind": spec["kind"], "source": "generated", "updated": now}
            actions[name] = "generated"
        elif name in rotate:
            entries[name] = {"value": generate(spec["kind"], spec["length"]), "kind": spec["kind"], "source": "generated", "updated": now}
            actions[name] = "rotated"
        else:
            actions[name] = "kept"
    return entries, actions


def ensure(path, deployment, specs, rotate=(), check_mode=False, lock_timeout=60.0):
    """Make the store at ``path`` hold every secret in ``specs``.

    Returns a dict: changed, actions (name -> kept/generated/rotated/provided),
    secrets (name -> value for the requested names), names_before, names_after.
    Secrets the store holds but this run does not request are kept untouched.
    """
    wanted = normalize_specs(specs)
    return transaction(path, lambda: _ensure_locked(path, deployment, wanted, rotate, check_mode),
                       check_mode=check_mode, timeout=lock_timeout)


def _ensure_locked(path, deployment, wanted, rotate, check_mode):
    doc = read_json(path, STORE_FORMAT, error=SecretStoreCorrupt) or {
        "format": STORE_FORMAT, "deployment": deployment, "secrets": {}}
    if doc.get("deployment") != deployment:
        raise SecretStoreCorrupt(path, "holds deployment %r, not %r" % (doc.get("deployment"), deployment))
    stored = _validate_store(path, doc)
    entries, actions = plan(stored, wanted, set(rotate))
    changed = any(a != "kept" for a in actions.values())
    mode_fixed = os.path.exists(path) and (os.stat(path).st_mode & 0o777) != 0o600
    if not check_mode:
        if changed:
            doc["secrets"] = entries
            write_json_atomic(path, doc, mode=0o600)
        elif mode_fixed:
            os.chmod(path, 0o600)
    return {
        "changed": changed or mode_fixed,
        "actions": actions,
        "secrets": dict((name, entries[name]["value"]) for name in wanted),
        "names_before": sorted(stored),
        "names_after": sorted(entries),
    }
