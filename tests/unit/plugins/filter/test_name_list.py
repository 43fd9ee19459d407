"""name_list: names from a list or a survey's comma-separated text, safe to build host patterns from."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.scalemeet.jitsi.plugins.filter.name_list import name_list


@pytest.mark.parametrize("value, expected", [
    (None, []),
    ("", []),
    ([], []),
    ("jvb-8,jvb-7", ["jvb-7", "jvb-8"]),
    (" jvb-7 , jvb-8,,jvb-7 ", ["jvb-7", "jvb-8"]),
    ("jvb-7\njvb-8 jvb-9", ["jvb-7", "jvb-8", "jvb-9"]),
    (["shard2", "shard1", "shard2"], ["shard1", "shard2"]),
    (["jvb.eu.example.org"], ["jvb.eu.example.org"]),
])
def test_list_or_text_gives_sorted_unique_names(value, expected):
    assert name_list(value) == expected


@pytest.mark.parametrize("value, fragment", [
    ("jvb-*", "scale_bridges_remove: 'jvb-*' is not a host or shard name"),
    ("all:!jvb-1", "'all:!jvb-1' is not a host or shard name"),
    (["jvb-1&x"], "'jvb-1&x' is not"),
    ([3], "scale_bridges_remove: 3 is not a name"),
    ({"jvb-1": 1}, "expected a list or a comma-separated string, got dict"),
])
def test_pattern_characters_and_other_shapes_are_named(value, fragment):
    with pytest.raises(AnsibleFilterError) as err:
        name_list(value, "scale_bridges_remove")
    assert fragment in str(err.value)
