"""call_record: a repeated call is answered from the record only while its paths are as it left them."""

import os

import pytest

from ansible_collections.scalemeet.jitsi.plugins.module_utils import call_record as cr

KEY = "d1"


def test_the_digest_reads_module_arguments_and_paths_not_their_order():
    assert cr.digest("m.n.o", {"a": 1, "b": [1, 2]}, ["/x"]) == cr.digest("m.n.o", {"b": [1, 2], "a": 1}, ["/x"])
    assert cr.digest("m.n.o", {"a": 1}, ["/x"]) != cr.digest("m.n.o", {"a": 2}, ["/x"])
    assert cr.digest("m.n.o", {"a": 1}, ["/x"]) != cr.digest("m.n.p", {"a": 1}, ["/x"])
    assert cr.digest("m.n.o", {"a": 1}, ["/x"]) != cr.digest("m.n.o", {"a": 1}, ["/y"])


def test_the_outcome_leaves_out_this_runs_details():
    ran = {"changed": True, "invocation": {"module_args": {}}, "diff": {}, "warnings": ["w"], "msg": "OK",
           "_ansible_no_log": False, "stat": {"exists": True}, "content": "eA=="}
    assert cr.outcome(ran) == {"stat": {"exists": True}, "content": "eA=="}


@pytest.fixture
def tree(tmp_path):
    (tmp_path / "file").write_text("one\n")
    os.chmod(tmp_path / "file", 0o640)
    (tmp_path / "dir").mkdir(mode=0o750)
    os.symlink("file", tmp_path / "link")
    return tmp_path


def drift(kind, path):
    if kind == "contents":
        path.write_text("two\n")
    elif kind == "mode":
        os.chmod(path, 0o600)
    elif kind == "removed":
        path.unlink() if not path.is_dir() else path.rmdir()
    elif kind == "retargeted":
        path.unlink()
        os.symlink("dir", path)
    elif kind == "replaced":
        path.unlink()
        path.write_text("one\n")


@pytest.mark.parametrize("name,kind", [
    ("file", "contents"), ("file", "mode"), ("file", "removed"), ("dir", "mode"), ("dir", "removed"),
    ("link", "retargeted"), ("link", "replaced"),
])
def test_a_described_path_is_intact_until_it_changes(tree, name, kind):
    path = tree / name
    entry = cr.describe(str(path))
    assert cr.intact(str(path), entry) is True
    drift(kind, path)
    assert cr.intact(str(path), entry) is False


def test_an_absent_path_is_intact_until_it_appears(tmp_path):
    entry = cr.describe(str(tmp_path / "none"))
    assert entry == {"kind": "absent"} and cr.intact(str(tmp_path / "none"), entry) is True
    (tmp_path / "none").write_text("")
    assert cr.intact(str(tmp_path / "none"), entry) is False


def test_what_is_neither_file_directory_nor_link_is_never_intact(tmp_path):
    os.mkfifo(tmp_path / "fifo")
    entry = cr.describe(str(tmp_path / "fifo"))
    assert entry == {"kind": "other"} and cr.intact(str(tmp_path / "fifo"), entry) is False


def test_a_recorded_call_is_answered_while_its_paths_hold(tree):
    record = str(tree / "state" / "calls.json")
    paths = [str(tree / "file"), str(tree / "dir")]
    cr.record(record, "m.n.stat", KEY, paths, {"changed": False, "stat": {"exists": True}}, now=1000.0)
    probed = cr.probe(record, now=1060.0)
    assert probed == {KEY: {"module": "m.n.stat", "result": {"stat": {"exists": True}}, "age": 60.0, "intact": True}}
    assert oct(os.stat(record).st_mode & 0o777) == "0o600"
    assert cr.answer(probed, KEY, max_age=86400) == {"stat": {"exists": True}}
    drift("contents", tree / "file")
    probed = cr.probe(record, now=1060.0)
    assert probed[KEY]["intact"] is False and cr.answer(probed, KEY, 86400) is None


@pytest.mark.parametrize("change", [
    {"intact": False},  # a path changed since
    {"age": 86401.0},  # too old
    {"age": -5.0},  # the host's clock went back
    {"age": "60"},  # not a number
    {"result": None},  # nothing usable recorded
])
def test_anything_else_is_no_answer(change):
    probed = {KEY: dict({"module": "m", "result": {"stat": {}}, "age": 60.0, "intact": True}, **change)}
    assert cr.answer(probed, KEY, max_age=86400) is None


def test_another_call_or_no_probe_is_no_answer():
    probed = {KEY: {"module": "m", "result": {}, "age": 1.0, "intact": True}}
    assert cr.answer(probed, "d2", 86400) is None  # other module, arguments or paths
    assert cr.answer({}, KEY, 86400) is None
    assert cr.answer(None, KEY, 86400) is None


def test_entries_no_run_refreshed_for_a_week_are_dropped(tree):
    record = str(tree / "calls.json")
    cr.record(record, "m", "old", [str(tree / "file")], {"a": 1}, now=0.0)
    cr.record(record, "m", "kept", [str(tree / "file")], {"a": 2}, now=3600.0)
    cr.record(record, "m", "new", [str(tree / "dir")], {}, now=cr.PRUNE_AGE + 1.0)
    assert sorted(cr.probe(record, now=cr.PRUNE_AGE + 2.0)) == ["kept", "new"]


def test_a_corrupt_record_or_entry_counts_as_none(tree):
    record = tree / "calls.json"
    record.write_text("{not json")
    assert cr.probe(str(record), now=1.0) == {}
    cr.record(str(record), "m", KEY, [str(tree / "file")], {}, now=1.0)  # replaces the corrupt record
    assert list(cr.probe(str(record), now=1.0)) == [KEY]
    record.write_text('{"format": 1, "calls": {"a": {"module": "m"}, "b": "x", "c": {"module": "m", "result": {},'
                      ' "recorded": 1, "paths": {}}}}')
    assert cr.probe(str(record), now=2.0) == {"c": {"module": "m", "result": {}, "age": 1.0, "intact": False}}
