"""host_address: which address other hosts reach a host on."""

import pytest

from ansible_collections.scalemeet.jitsi.plugins.filter.host_address import host_address


@pytest.mark.parametrize("hostvars, expected", [
    ({"overlay_underlay_address": "203.0.113.7", "ansible_facts": {"default_ipv4": {"address": "10.0.0.5"}}}, "203.0.113.7"),
    ({"overlay_underlay_address": "", "ansible_facts": {"default_ipv4": {"address": "10.0.0.5"}}, "ansible_host": "h"}, "10.0.0.5"),
    ({"ansible_facts": {}, "ansible_host": "192.0.2.9", "inventory_hostname": "jvb1"}, "192.0.2.9"),
    ({"inventory_hostname": "jvb1"}, "jvb1"),
])
def test_preferred_variable_then_facts_then_ansible_host(hostvars, expected):
    assert host_address(hostvars, "overlay_underlay_address") == expected


def test_without_a_preferred_variable():
    assert host_address({"overlay_underlay_address": "203.0.113.7", "ansible_host": "192.0.2.9"}) == "192.0.2.9"
