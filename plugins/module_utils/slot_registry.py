# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Numbered bridge slots of a shard, kept on the shard's signaling host.

Prosody holds one account per slot up to the shard's maximum from the start, so a
bridge that joins only claims a free slot: nothing on the signaling host reloads.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import json
import os
import re

from ansible_collections.scalemeet.jitsi.plugins.module_utils.state_file import (
    StateFileCorrupt,
    read_json,
    transaction,
    write_json_atomic,
)

REGISTRY_FORMAT = 1
# Shard names appear in relay ids, file names and host names: one DNS label.
SHARD_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
MAX_SLOTS = 999


class SlotError(Exception):
    """Base class for errors the module reports."""


class SlotSpecError(SlotError):
    """Bad arguments (names the argument and its value)."""


class SlotsExhausted(SlotError):
    """Every slot of the shard is taken."""


class SlotRegistryCorrupt(StateFileCorrupt, SlotError):
    """The registry exists but cannot be trusted; it is never regenerated."""


def slot_number(value):
    """A slot number (1-based) from what a playbook passed; SlotSpecError names a bad value."""
    try:
        slot = int(value)
    except (TypeError, ValueError):
        raise SlotSpecError("bridge slot %r is not a number" % (value,))
    if slot < 1:
        raise SlotSpecError("bridge slot %r must be 1 or more" % (value,))
    return slot


def account_name(slot):
    """XMPP account (and brewery nickname) of a slot: jvb-01, ..., jvb-99, jvb-100."""
    return "jvb-%02d" % slot


def relay_id(shard, slot):
    """Relay id of a slot, unique across the deployment because shard names are."""
    return "%s-%s" % (shard, account_name(slot))


def slot_facts(shard, slot):
    return {"slot": slot, "account": account_name(slot), "nickname": account_name(slot), "relay_id": relay_id(shard, slot)}


def registry_path(directory, shard):
    return os.path.join(directory, "%s.json" % shard)


def _validate(path, doc, shard):
    if doc.get("shard") != shard:
        raise SlotRegistryCorrupt(path, "holds shard %r, not %r" % (doc.get("shard"), shard))
    slots = doc.get("slots")
    if not isinstance(slots, dict):
        raise SlotRegistryCorrupt(path, "'slots' is %s, expected an object" % type(slots).__name__)
    owners = {}
    result = {}
    for key, entry in slots.items():
        if not key.isdigit() or int(key) < 1:
            raise SlotRegistryCorrupt(path, "slot key %r is not a positive number" % (key,))
        if not isinstance(entry, dict) or not isinstance(entry.get("bridge"), str) or not entry["bridge"]:
            raise SlotRegistryCorrupt(path, "slot %s has no bridge name" % key)
        if entry["bridge"] in owners:
            raise SlotRegistryCorrupt(path, "bridge %s holds slots %s and %s" % (entry["bridge"], owners[entry["bridge"]], key))
        owners[entry["bridge"]] = key
        result[int(key)] = entry
    return result


def parse(text, shard, path):
    """{slot: entry} from a registry file's text; raises SlotRegistryCorrupt naming the path."""
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise SlotRegistryCorrupt(path, "is not JSON: %s" % exc)
    if not isinstance(doc, dict):
        raise SlotRegistryCorrupt(path, "holds %s, expected an object" % type(doc).__name__)
    return _validate(path, doc, shard)


def check_args(shard, bridge, max_bridges):
    if not isinstance(shard, str) or not SHARD_RE.match(shard):
        raise SlotSpecError("shard %r must be a DNS label (lower-case letters, digits, '-')" % (shard,))
    if not isinstance(bridge, str) or not bridge.strip():
        raise SlotSpecError("bridge name %r must be a non-empty string" % (bridge,))
    if not isinstance(max_bridges, int) or isinstance(max_bridges, bool) or not 1 <= max_bridges <= MAX_SLOTS:
        raise SlotSpecError("shard %s: max_bridges %r must be an integer from 1 to %d" % (shard, max_bridges, MAX_SLOTS))


def decide(slots, shard, bridge, max_bridges, state):
    """Pure decision: returns (new_slots, slot or None, changed). Raises SlotsExhausted."""
    held = [n for n, e in slots.items() if e["bridge"] == bridge]
    current = held[0] if held else None
    new = dict(slots)
    if state == "absent":
        if current is None:
            return new, None, False
        del new[current]
        return new, current, True
    if current is not None:
        if current > max_bridges:
            raise SlotSpecError(
                "shard %s: bridge %s holds slot %d, above max_bridges %d; release it (state=absent) before lowering the maximum"
                % (shard, bridge, current, max_bridges))
        return new, current, False
    free = [n for n in range(1, max_bridges + 1) if n not in slots]
    if not free:
        raise SlotsExhausted(
            "shard %s is full: all %d slots (max_bridges) are taken; bridge %s did not fit" % (shard, max_bridges, bridge))
    slot = free[0]
    new[slot] = {"bridge": bridge, "claimed": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()}
    return new, slot, True


def ensure(directory, shard, bridge, max_bridges, state="present", check_mode=False, lock_timeout=60.0):
    """Claim (present) or release (absent) ``bridge``'s slot in ``shard``'s registry.

    Returns changed, slot facts (slot, account, nickname, relay_id; None when
    released), the map of slot -> bridge after the change, and free slots.
    """
    check_args(shard, bridge, max_bridges)
    if state not in ("present", "absent"):
        raise SlotSpecError("state %r must be present or absent" % (state,))
    path = registry_path(directory, shard)
    return transaction(path, lambda: _ensure_locked(path, shard, bridge, max_bridges, state, check_mode),
                       check_mode=check_mode, timeout=lock_timeout)


def _ensure_locked(path, shard, bridge, max_bridges, state, check_mode):
    doc = read_json(path, REGISTRY_FORMAT, error=SlotRegistryCorrupt) or {
        "format": REGISTRY_FORMAT, "shard": shard, "slots": {}}
    slots = _validate(path, doc, shard)
    new, slot, changed = decide(slots, shard, bridge, max_bridges, state)
    if changed and not check_mode:
        doc["slots"] = dict((str(n), e) for n, e in new.items())
        doc["max_bridges"] = max_bridges
        write_json_atomic(path, doc, mode=0o600)
    facts = slot_facts(shard, slot) if (slot is not None and state == "present") else None
    return {
        "changed": changed,
        "state": state,
        "shard": shard,
        "bridge": bridge,
        "slot": facts,
        "released": slot if state == "absent" else None,
        "slots": dict((n, new[n]["bridge"]) for n in sorted(new)),
        "slots_before": dict((n, slots[n]["bridge"]) for n in sorted(slots)),
        "free": max(0, max_bridges - len([n for n in new if n <= max_bridges])),
        "path": path,
    }
