"""prosody_account_paths: the files prosody_accounts writes, named on the controller."""

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.scalemeet.jitsi.plugins.filter.prosody_account_paths import prosody_account_paths
from ansible_collections.scalemeet.jitsi.plugins.module_utils import prosody_store


def test_the_paths_are_the_files_the_module_writes(tmp_path):
    paths = prosody_account_paths(str(tmp_path), "auth.meet.example.org", ["focus", "jvb-01"])
    assert paths == [str(tmp_path / "auth%2emeet%2eexample%2eorg" / "accounts" / "focus.dat"),
                     str(tmp_path / "auth%2emeet%2eexample%2eorg" / "accounts" / "jvb%2d01.dat")]
    present = {"jvb-01": "p" * 24}
    actions = prosody_store.plan(str(tmp_path), "auth.meet.example.org", present, [])
    prosody_store.apply(str(tmp_path), "auth.meet.example.org", present, actions)
    written = sorted(str(p) for p in tmp_path.rglob("*.dat"))
    assert written == [paths[1]]


@pytest.mark.parametrize("users", ["focus", [""], [None]])
def test_users_must_be_a_list_of_names(users):
    with pytest.raises(AnsibleFilterError, match="users must be a list of account names"):
        prosody_account_paths("/var/lib/prosody", "auth.x.org", users)
