"""overlay_endpoint: which address a peer's tunnel is reached on."""

import pytest

from ansible_collections.scalemeet.jitsi.plugins.filter.overlay_endpoint import overlay_endpoint


@pytest.mark.parametrize("hostvars, expected", [
    ({"overlay_underlay_address": "203.0.113.7", "ansible_facts": {"default_ipv4": {"address": "10.0.0.5"}}}, "203.0.113.7"),
    ({"overlay_underlay_address": "", "ansible_facts": {"default_ipv4": {"address": "10.0.0.5"}}, "ansible_host": "h"}, "10.0.0.5"),
    ({"ansible_facts": {}, "ansible_host": "192.0.2.9", "inventory_hostname": "jvb1"}, "192.0.2.9"),
    ({"inventory_hostname": "jvb1"}, "jvb1"),
])
def test_overlay_endpoint_prefers_the_explicit_address(hostvars, expected):
    assert overlay_endpoint(hostvars) == expected
