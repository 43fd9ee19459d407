"""config_files' record: the fast path answers exactly as the module's own plan would."""

import grp
import json
import os
import pwd

import pytest

from ansible_collections.scalemeet.jitsi.plugins.module_utils import config_files as cf
from ansible_collections.scalemeet.jitsi.plugins.module_utils import config_files_record as rec

ME = pwd.getpwuid(os.getuid()).pw_name
MY_GROUP = grp.getgrgid(os.getgid()).gr_name


def never_run(command):
    raise AssertionError("no validation expected, got %s" % command)


@pytest.fixture
def made(tmp_path):
    """A module run's worth of paths, made and recorded: (directories, files, links, absent, record path)."""
    dirs = [dict(path=str(tmp_path / "etc"), owner=ME, group=MY_GROUP, mode="0750")]
    files = [dict(path=str(tmp_path / "etc" / "a.conf"), owner=ME, group=MY_GROUP, mode="640", content="a = 1\n"),
             dict(path=str(tmp_path / "b.conf"), owner=ME, group=MY_GROUP, content="b\n")]
    links = [dict(path=str(tmp_path / "enabled"), src=str(tmp_path / "b.conf"))]
    absent = [str(tmp_path / "default")]
    cf.apply(planned(dirs, files, links, absent), never_run)
    record = str(tmp_path / "state" / "config_files.json")
    assert rec.record(record, rec.entries(dirs, files, links, absent)) is True
    return dirs, files, links, absent, record


def with_defaults(specs, mode):
    """The specs as the module's argument spec hands them to plan()."""
    return [dict(dict(owner=rec.OWNER, group=rec.GROUP, mode=mode), **s) for s in specs]


def planned(dirs, files, links, absent):
    return cf.plan(with_defaults(dirs, rec.DIRECTORY_MODE), with_defaults(files, rec.FILE_MODE), links, absent)


def both_answers(dirs, files, links, absent, record):
    """(the fast path's answer, the module's plan's answer) to "would anything change?"."""
    fast = not rec.unchanged(rec.entries(dirs, files, links, absent), rec.probe(record))
    return fast, bool(planned(dirs, files, links, absent))


def test_nothing_changed_both_say_so(made):
    assert both_answers(*made) == (False, False)
    probed = rec.probe(made[4])
    assert all(entry["intact"] for entry in probed.values())
    assert len(probed) == 5


def test_a_second_record_of_the_same_writes_nothing(made):
    dirs, files, links, absent, record = made
    before = os.stat(record).st_mtime_ns
    assert rec.record(record, rec.entries(dirs, files, links, absent)) is False
    assert os.stat(record).st_mtime_ns == before


def test_record_is_root_only(made):
    assert os.stat(made[4]).st_mode & 0o077 == 0
    assert os.stat(os.path.dirname(made[4])).st_mode & 0o077 == 0


DRIFTS = {
    "contents edited": lambda t: (t / "etc" / "a.conf").write_text("a = 2\n"),
    "file mode": lambda t: os.chmod(str(t / "b.conf"), 0o600),
    "directory mode": lambda t: os.chmod(str(t / "etc"), 0o755),
    "file replaced by a link": lambda t: (os.unlink(str(t / "b.conf")), os.symlink("/etc/hostname", str(t / "b.conf"))),
    "link retargeted": lambda t: (os.unlink(str(t / "enabled")), os.symlink("elsewhere", str(t / "enabled"))),
    "link replaced by a file": lambda t: (os.unlink(str(t / "enabled")), (t / "enabled").write_text("x")),
    "removed path is back": lambda t: (t / "default").write_text("x"),
    "file removed": lambda t: os.unlink(str(t / "b.conf")),
}


@pytest.mark.parametrize("drift", sorted(DRIFTS))
def test_any_drift_on_the_host_sends_the_call_to_the_module(made, tmp_path, drift):
    DRIFTS[drift](tmp_path)
    dirs, files, links, absent, record = made
    assert rec.unchanged(rec.entries(dirs, files, links, absent), rec.probe(record)) is False
    if "replaced" in drift:  # something of another kind in the way: the module names it
        with pytest.raises(cf.NotADirectory, match="exists and is not a"):
            planned(dirs, files, links, absent)
    else:
        assert planned(dirs, files, links, absent) != []


@pytest.mark.skipif(os.getuid() != 0, reason="changing a file's group to another needs root")
def test_group_drift_sends_the_call_to_the_module(made, tmp_path):
    other = next(g.gr_gid for g in grp.getgrall() if g.gr_gid != os.getgid())
    os.chown(str(tmp_path / "b.conf"), -1, other)
    assert both_answers(*made) == (True, True)


ASKS = {
    "new contents": lambda d, f, l, a: f[1].update(content="b = 2\n"),
    "new mode": lambda d, f, l, a: f[0].update(mode="0600"),
    "mode left to the default": lambda d, f, l, a: f[0].pop("mode"),
    "new link target": lambda d, f, l, a: l[0].update(src="/elsewhere"),
    "a path never recorded": lambda d, f, l, a: a.append(str(os.path.join(os.path.dirname(f[1]["path"]), "new"))),
    "another owner": lambda d, f, l, a: f[1].update(owner="nobody" if ME != "nobody" else "root"),
}


@pytest.mark.parametrize("ask", sorted(ASKS))
def test_asking_for_something_else_sends_the_call_to_the_module(made, ask):
    dirs, files, links, absent, record = made
    ASKS[ask](dirs, files, links, absent)
    assert both_answers(dirs, files, links, absent, record)[0] is True
    if ask != "a path never recorded":  # an absent path that is absent changes nothing, yet is unrecorded
        assert planned(dirs, files, links, absent) != []


def test_modes_are_compared_as_numbers(made):
    dirs, files, links, absent, record = made
    files[0]["mode"] = "0640"  # recorded from "640"
    dirs[0]["mode"] = "750"
    assert both_answers(dirs, files, links, absent, record) == (False, False)


def test_defaults_are_config_files_own(tmp_path):
    made = rec.entries([{"path": "/d"}], [{"path": "/f", "content": ""}])
    assert made["/d"] == {"kind": "directory", "owner": "root", "group": "root", "mode": "0755"}
    assert made["/f"]["mode"] == "0644" and made["/f"]["owner"] == "root"


@pytest.mark.parametrize("files", [
    [{"path": "/f"}],  # no content
    [{"path": "/f", "content": "x", "mode": "rw-r--r--"}],
    [{"content": "x"}],
    "not a list of specs",
])
def test_arguments_it_cannot_read_leave_the_answer_to_the_module(files):
    assert rec.entries([], files) is None


def test_no_probe_or_nothing_asked_is_never_unchanged(made):
    wanted = rec.entries(*made[:4])
    assert rec.unchanged(wanted, None) is False
    assert rec.unchanged({}, rec.probe(made[4])) is False


def test_a_corrupt_record_counts_as_empty_and_is_replaced(made):
    dirs, files, links, absent, record = made
    with open(record, "w") as f:
        f.write("{not json")
    assert rec.probe(record) == {}
    assert both_answers(dirs, files, links, absent, record)[0] is True
    assert rec.record(record, rec.entries(dirs, files, links, absent)) is True
    with open(record) as f:
        assert len(json.load(f)["paths"]) == 5


def test_a_missing_record_probes_nothing(tmp_path):
    assert rec.probe(str(tmp_path / "none.json")) == {}
