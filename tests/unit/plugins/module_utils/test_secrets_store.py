import json
import multiprocessing
import os
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.scalemeet.jitsi.plugins.module_utils import secrets_store as ss


def _store(tmp_path):
    return str(tmp_path / "secrets" / "meet.json")


def test_first_run_generates_then_stable(tmp_path):
    path = _store(tmp_path)
    specs = ss.standard_specs(bridge_slots=3, turn=True, jwt=True)
    first = ss.ensure(path, "meet", specs)
    assert first["changed"] is True
    assert set(first["secrets"]) == {
        "focus_password", "jvb_slot_01_password", "jvb_slot_02_password", "jvb_slot_03_password", "turn_secret", "jwt_app_secret"}
    assert set(first["actions"].values()) == {"generated"}
    second = ss.ensure(path, "meet", specs)
    assert second["changed"] is False
    assert second["secrets"] == first["secrets"]
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert os.stat(os.path.dirname(path)).st_mode & 0o777 == 0o700


def test_kinds_use_their_alphabet_and_length(tmp_path):
    out = ss.ensure(_store(tmp_path), "meet", [
        {"name": "p", "kind": "password"}, {"name": "h", "kind": "hex"}, {"name": "t", "kind": "token", "length": 100}])
    assert len(out["secrets"]["p"]) == 32 and set(out["secrets"]["p"]) <= set(string.ascii_letters + string.digits)
    assert len(out["secrets"]["h"]) == 64 and set(out["secrets"]["h"]) <= set("0123456789abcdef")
    assert len(out["secrets"]["t"]) == 100


def test_values_differ_between_secrets_and_deployments(tmp_path):
    a = ss.ensure(str(tmp_path / "a.json"), "a", ss.standard_specs(bridge_slots=5))["secrets"]
    b = ss.ensure(str(tmp_path / "b.json"), "b", ss.standard_specs(bridge_slots=5))["secrets"]
    assert len(set(a.values()) | set(b.values())) == 12


def test_rotate_changes_exactly_the_named(tmp_path):
    path = _store(tmp_path)
    specs = ss.standard_specs(bridge_slots=2, turn=True)
    before = ss.ensure(path, "meet", specs)["secrets"]
    out = ss.ensure(path, "meet", specs, rotate=["jvb_slot_02_password"])
    assert out["changed"] is True
    assert out["actions"]["jvb_slot_02_password"] == "rotated"
    assert out["secrets"]["jvb_slot_02_password"] != before["jvb_slot_02_password"]
    assert {k: v for k, v in out["secrets"].items() if k != "jvb_slot_02_password"} == {
        k: v for k, v in before.items() if k != "jvb_slot_02_password"}


def test_provided_value_wins_and_is_stored(tmp_path):
    path = _store(tmp_path)
    ss.ensure(path, "meet", [{"name": "turn_secret", "kind": "hex"}])
    out = ss.ensure(path, "meet", [{"name": "turn_secret", "kind": "hex", "value": "fromvault"}])
    assert out["secrets"]["turn_secret"] == "fromvault" and out["actions"]["turn_secret"] == "provided"
    again = ss.ensure(path, "meet", [{"name": "turn_secret", "kind": "hex", "value": "fromvault"}])
    assert again["changed"] is False
    # later runs without the value keep the stored one
    assert ss.ensure(path, "meet", [{"name": "turn_secret", "kind": "hex"}])["secrets"]["turn_secret"] == "fromvault"


def test_unrequested_secrets_are_kept(tmp_path):
    path = _store(tmp_path)
    full = ss.ensure(path, "meet", ss.standard_specs(bridge_slots=4))["secrets"]
    ss.ensure(path, "meet", ss.standard_specs(bridge_slots=1))
    assert ss.ensure(path, "meet", ss.standard_specs(bridge_slots=4))["secrets"] == full


def test_check_mode_writes_nothing(tmp_path):
    path = _store(tmp_path)
    out = ss.ensure(path, "meet", ss.standard_specs(), check_mode=True)
    assert out["changed"] is True
    assert not os.path.exists(os.path.dirname(path))


def test_mode_drift_is_repaired(tmp_path):
    path = _store(tmp_path)
    ss.ensure(path, "meet", ss.standard_specs())
    os.chmod(path, 0o644)
    assert ss.ensure(path, "meet", ss.standard_specs())["changed"] is True
    assert os.stat(path).st_mode & 0o777 == 0o600


@pytest.mark.parametrize(
    "specs, rotate, fragment",
    [
        ([{"name": "Bad-Name"}], [], "'Bad-Name'"),
        ([{"name": "x"}, {"name": "x"}], [], "secret x: requested twice"),
        ([{"name": "x", "kind": "rsa"}], [], "secret x: kind 'rsa'"),
        ([{"name": "x", "length": 8}], [], "secret x: length 8"),
        ([{"name": "x", "length": True}], [], "secret x: length True"),
        ([{"name": "x", "value": ""}], [], "secret x: a provided value"),
        ([{"name": "x", "value": "a\nb"}], [], "secret x: a provided value must be one line"),
        ([{"name": "x"}], ["y"], "rotate names secrets this run does not manage: y"),
        ([{"name": "x", "value": "v"}], ["x"], "cannot rotate x"),
    ],
)
def test_bad_specs_name_the_offender(tmp_path, specs, rotate, fragment):
    with pytest.raises(ss.SecretSpecError) as err:
        ss.ensure(_store(tmp_path), "meet", specs, rotate=rotate)
    assert fragment in str(err.value)
    assert not os.path.exists(_store(tmp_path))


@pytest.mark.parametrize(
    "doc, fragment",
    [
        ({"format": 1, "deployment": "meet", "secrets": []}, "'secrets' is list"),
        ({"format": 1, "deployment": "meet", "secrets": {"a": {"value": 5}}}, "secret a has no string value"),
        ({"format": 1, "deployment": "other", "secrets": {}}, "holds deployment 'other'"),
    ],
)
def test_wrongly_typed_store_fails_and_is_not_regenerated(tmp_path, doc, fragment):
    path = _store(tmp_path)
    os.makedirs(os.path.dirname(path))
    with open(path, "w") as f:
        json.dump(doc, f)
    with pytest.raises(ss.SecretStoreCorrupt) as err:
        ss.ensure(path, "meet", ss.standard_specs())
    assert path in str(err.value) and fragment in str(err.value)
    assert json.load(open(path)) == doc


def test_truncated_store_fails_naming_file(tmp_path):
    path = _store(tmp_path)
    ss.ensure(path, "meet", ss.standard_specs())
    content = open(path).read()
    with open(path, "w") as f:
        f.write(content[: len(content) // 2])
    with pytest.raises(ss.SecretStoreCorrupt) as err:
        ss.ensure(path, "meet", ss.standard_specs())
    assert path in str(err.value) and "never regenerated" in str(err.value)


def _race(args):
    path, barrier_path = args
    # spin until the file appears so both processes start together
    while not os.path.exists(barrier_path):
        pass
    return ss.ensure(path, "meet", ss.standard_specs(bridge_slots=10, turn=True))["secrets"]


def test_concurrent_first_runs_agree(tmp_path):
    path = _store(tmp_path)
    barrier = str(tmp_path / "go")
    with multiprocessing.get_context("fork").Pool(4) as pool:
        pending = pool.map_async(_race, [(path, barrier)] * 8)
        open(barrier, "w").close()
        results = pending.get(timeout=60)
    assert all(r == results[0] for r in results)
    assert ss.ensure(path, "meet", ss.standard_specs(bridge_slots=10, turn=True))["secrets"] == results[0]


@settings(max_examples=50, deadline=None)
@given(names=st.lists(st.from_regex(ss.NAME_RE, fullmatch=True), min_size=1, max_size=8, unique=True),
       data=st.data())
def test_rotation_touches_only_rotated(tmp_path_factory, names, data):
    path = str(tmp_path_factory.mktemp("prop") / "s.json")
    specs = [{"name": n} for n in names]
    before = ss.ensure(path, "d", specs)["secrets"]
    rotate = data.draw(st.lists(st.sampled_from(names), unique=True))
    after = ss.ensure(path, "d", specs, rotate=rotate)["secrets"]
    for n in names:
        assert (after[n] != before[n]) == (n in rotate)


def test_a_request_replaces_a_standard_spec_by_its_own_and_adds_the_others():
    specs = ss.requested_specs(bridge_slots=1, turn=True, extra=[
        {"name": "turn_secret", "kind": "hex", "value": "ab" * 16}, {"name": "api_key", "kind": "token"}])
    assert [s["name"] for s in specs] == ["focus_password", "jvb_slot_01_password", "turn_secret", "api_key"]
    assert specs[2]["value"] == "ab" * 16


@pytest.mark.parametrize("known,rotate", [
    (None, []),  # nothing read yet
    ({"focus_password": ""}, []),  # not a value
    ({"focus_password": "x" * 32}, ["focus_password"]),  # a rotation
    ({"jvb_slot_01_password": "x" * 32}, []),  # focus not read
])
def test_known_answers_only_what_was_read_and_not_rotated(known, rotate):
    assert ss.known_answer(known, ss.requested_specs(), rotate) is None


def test_known_answers_exactly_the_request():
    known = {"focus_password": "f" * 32, "jvb_slot_01_password": "s" * 32, "turn_secret": "t" * 64}
    assert ss.known_answer(known, ss.requested_specs(), []) == {"focus_password": "f" * 32}


def _probed_store(tmp_path, **request):
    """A store made by ensure as the module makes it, and the probe of its directory."""
    path = _store(tmp_path)
    made = ss.ensure(path, "meet", ss.requested_specs(**request))
    return path, made["secrets"]


def test_the_probe_reads_each_store_the_module_would_leave_as_it_is(tmp_path):
    path, secrets = _probed_store(tmp_path, bridge_slots=2, turn=True)
    probed = ss.probe(os.path.dirname(path))
    assert probed == {"dir": os.path.dirname(path), "stores": {"meet": secrets}}
    specs = ss.requested_specs(bridge_slots=2, turn=True)
    assert ss.probed_answer(probed, os.path.dirname(path), "meet", specs, []) == secrets


@pytest.mark.parametrize("spoil", [
    lambda path: os.chmod(path, 0o644),  # the module would fix the mode
    lambda path: open(path, "w").write("{not json"),  # the module reports it
    lambda path: os.rename(path, path.replace("meet.json", "other.json")),  # holds another deployment
    lambda path: os.rename(path, path + ".bak"),  # not a store file
])
def test_a_store_the_module_would_touch_or_report_is_left_out(tmp_path, spoil):
    path, _secrets = _probed_store(tmp_path)
    spoil(path)
    assert ss.probe(os.path.dirname(path))["stores"] == {}


def test_the_probe_of_a_missing_directory_holds_no_store(tmp_path):
    assert ss.probe(str(tmp_path / "none")) == {"dir": str(tmp_path / "none"), "stores": {}}


@pytest.mark.parametrize("store_dir, deployment, asked, rotate", [
    ("/elsewhere", "meet", {}, []),  # another directory was probed
    (None, "other", {}, []),  # no such store
    (None, "meet", {"bridge_slots": 3}, []),  # a name it lacks
    (None, "meet", {}, ["focus_password"]),  # a rotation
    (None, "meet", {"extra": [{"name": "focus_password", "value": "x" * 32}]}, []),  # provided: the module records it
])
def test_anything_the_probed_store_cannot_answer_runs_the_module(tmp_path, store_dir, deployment, asked, rotate):
    path, secrets = _probed_store(tmp_path, bridge_slots=2)
    probed = ss.probe(os.path.dirname(path))
    asked = dict(asked)
    extra = asked.pop("extra", ())
    if extra:  # a provided value equal to the stored one still goes to the module
        extra = [dict(extra[0], value=secrets["focus_password"])]
    specs = ss.requested_specs(extra=extra, **asked)
    assert ss.probed_answer(probed, store_dir or os.path.dirname(path), deployment, specs, rotate) is None
