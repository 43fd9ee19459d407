"""service_needs_action: whether a role's 'enable and start' task has work, read from one systemctl query per host."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.scalemeet.jitsi.plugins.filter.service_needs_action import service_needs_action
from ansible_collections.scalemeet.jitsi.plugins.module_utils import host_state

# the shape `systemctl show --all --property=Id,ActiveState,UnitFileState '*.service'` prints
SYSTEMCTL = "\n".join([
    "Id=prosody.service", "ActiveState=active", "UnitFileState=enabled", "",
    "Id=nginx.service", "ActiveState=failed", "UnitFileState=enabled", "",
    "Id=haproxy.service", "ActiveState=active", "UnitFileState=disabled", "",
    "Id=systemd-timesyncd.service", "ActiveState=inactive", "UnitFileState=enabled", "",
    "Id=wg-quick@wg-scalemeet.service", "ActiveState=active", "UnitFileState=enabled", "",
    "Id=jicofo.service", "ActiveState=activating", "UnitFileState=enabled", "",
    "Id=dbus.service", "ActiveState=active", "UnitFileState=static", "",
])


@pytest.mark.parametrize("name, started, expected", [
    ("prosody", True, False),                   # enabled and running: nothing to do
    ("prosody.service", True, False),
    ("nginx", True, True),                      # failed: the module starts it
    ("haproxy", True, True),                    # running but not enabled
    ("systemd-timesyncd", True, True),          # enabled, not running
    ("systemd-timesyncd", False, False),        # ... and only enabling is asked
    ("wg-quick@wg-scalemeet", True, False),     # a template's instance
    ("wg-quick@wg-other", True, True),          # another instance is not this one
    ("jicofo", True, True),                     # still starting: the module waits for it
    ("dbus", True, True),                       # static is not enabled: the module decides
    ("nebula@scalemeet", True, True),           # not in the query at all
    ("prosody.socket", True, True),             # another unit type, not the service
])
def test_only_a_unit_enabled_and_running_needs_nothing(name, started, expected):
    assert service_needs_action(name, SYSTEMCTL, started=started) is expected


def test_without_the_query_the_module_runs():
    assert service_needs_action("prosody", None) is True


@pytest.mark.parametrize("name, output, fragment", [
    ("", SYSTEMCTL, "'' is not a unit name"),
    ("two words", SYSTEMCTL, "'two words' is not a unit name"),
    (["prosody"], SYSTEMCTL, "is not a unit name"),
    ("prosody", {"prosody": "active"}, "must be text, got dict"),
    ("prosody", "Id=prosody.service\nActiveState active\n", "'ActiveState active' in the systemctl query"),
    ("prosody", "ActiveState=active\nUnitFileState=enabled\n", "a unit in the systemctl query has no Id"),
])
def test_bad_input_is_named(name, output, fragment):
    with pytest.raises(AnsibleFilterError, match=fragment):
        service_needs_action(name, output)


def test_the_query_asks_for_the_properties_the_filter_reads():
    """The argv host_state runs: every property the filter reads, every service loaded or not running."""
    argv = host_state.SYSTEMCTL_ARGV
    assert argv[:2] == ["systemctl", "show"] and "--all" in argv and argv[-1] == "*.service"
    properties = [a.split("=", 1)[1] for a in argv if a.startswith("--property=")]
    assert len(properties) == 1 and set(properties[0].split(",")) == {"Id", "ActiveState", "UnitFileState"}
