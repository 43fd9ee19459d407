"""slot_usage: a shard's slots in use from its registry as slurp returns it."""

import base64
import json

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.scalemeet.jitsi.plugins.filter.slot_usage import slot_usage

SIGNAL = {"shard1": {"max_bridges": 4, "host": "sig1"}}


def slurped(doc):
    text = doc if isinstance(doc, str) else json.dumps(doc)
    return {"item": {"key": "shard1"}, "content": base64.b64encode(text.encode()).decode(),
            "source": "/var/lib/scalemeet/slots/shard1.json"}


def test_counts_the_held_slots():
    doc = {"format": 1, "shard": "shard1", "slots": {"1": {"bridge": "jvb-a"}, "3": {"bridge": "jvb-b"}}}
    assert slot_usage(slurped(doc), SIGNAL) == {"max_bridges": 4, "used_slots": 2}


def test_a_registry_not_written_yet_holds_nothing():
    missing = {"item": {"key": "shard1"}, "failed": True, "msg": "file not found: /var/lib/scalemeet/slots/shard1.json"}
    assert slot_usage(missing, SIGNAL) == {"max_bridges": 4, "used_slots": 0}


@pytest.mark.parametrize("result, fragment", [
    (slurped("{not json"), "shard1.json: is not JSON"),
    (slurped({"shard": "shard2", "slots": {}}), "shard1.json: holds shard 'shard2', not 'shard1'"),
    (slurped({"shard": "shard1", "slots": {"1": {"bridge": "a"}, "2": {"bridge": "a"}}}), "bridge a holds slots 1 and 2"),
    ({"item": {"key": "shard1"}, "failed": True, "msg": "Permission denied"}, "could not be read: Permission denied"),
    ({"item": {"key": "shard9"}, "content": ""}, "'shard9' is not a shard of the deployment"),
])
def test_unreadable_or_corrupt_registries_are_named(result, fragment):
    with pytest.raises(AnsibleFilterError) as err:
        slot_usage(result, SIGNAL)
    assert fragment in str(err.value)
