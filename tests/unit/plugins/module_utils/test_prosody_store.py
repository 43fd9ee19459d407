import os

import pytest

from ansible_collections.scalemeet.jitsi.plugins.module_utils import prosody_store as ps

# Written by Prosody 0.12.3 itself: prosodyctl register jvb-02 auth.meet.test secret1
PROSODY_WRITTEN = """
return {
\t["iteration_count"] = 10000;
\t["stored_key"] = "1d1bce55a8f74311540486af15101674a709002d";
\t["server_key"] = "ffd6e1c2045faa5cd08e8f919864f6c3ad64dfc8";
\t["salt"] = "ad7ff812-357e-43fb-937d-26bd6ac611bf";
};
"""


def test_encode_matches_prosody_layout():
    assert ps.account_path("/var/lib/prosody", "auth.meet.test", "jvb-02") == \
        "/var/lib/prosody/auth%2emeet%2etest/accounts/jvb%2d02.dat"


def test_parse_and_match():
    fields = ps.parse_account(PROSODY_WRITTEN)
    assert fields["iteration_count"] == 10000
    assert ps.password_matches(fields, "secret1") and not ps.password_matches(fields, "secret2")
    assert not ps.password_matches({}, "x")


def test_plan_and_apply_round_trip(tmp_path):
    d = str(tmp_path)
    present = {"focus": "p1", "jvb-01": "p2"}
    assert ps.plan(d, "auth.meet.test", present, ["jvb-02"]) == {"focus": "create", "jvb-01": "create", "jvb-02": "absent"}
    ps.apply(d, "auth.meet.test", present, ps.plan(d, "auth.meet.test", present, []))
    assert ps.plan(d, "auth.meet.test", present, []) == {"focus": "ok", "jvb-01": "ok"}
    path = ps.account_path(d, "auth.meet.test", "jvb-01")
    assert os.stat(path).st_mode & 0o777 == 0o640
    assert "p2" not in open(path).read()
    assert ps.plan(d, "auth.meet.test", {"focus": "changed"}, ["jvb-01"]) == {"focus": "update", "jvb-01": "delete"}
    ps.apply(d, "auth.meet.test", {"focus": "changed"}, {"focus": "update", "jvb-01": "delete"})
    assert not os.path.exists(path)
    assert ps.password_matches(ps.parse_account(open(ps.account_path(d, "auth.meet.test", "focus")).read()), "changed")


@pytest.mark.parametrize("host, present, absent, fragment", [
    ("meet test", {}, [], "host 'meet test'"),
    ("auth.meet.test", {"Bad User": "x"}, [], "account 'Bad User' on auth.meet.test"),
    ("auth.meet.test", {"a": "x"}, ["a"], "accounts a on auth.meet.test are asked to be present and absent"),
    ("auth.meet.test", {"a": ""}, [], "account a@auth.meet.test: password must be a non-empty string"),
])
def test_bad_input(tmp_path, host, present, absent, fragment):
    with pytest.raises(ps.ProsodyAccountError) as err:
        ps.plan(str(tmp_path), host, present, absent)
    assert fragment in str(err.value)
