"""config_files: plan only what differs, check everything first, write atomically and validated."""

import grp
import os
import pwd
import stat

import pytest

from ansible_collections.scalemeet.jitsi.plugins.module_utils import config_files as cf

ME = pwd.getpwuid(os.getuid()).pw_name
MY_GROUP = grp.getgrgid(os.getgid()).gr_name


def spec(path, content=None, mode="0644", **extra):
    out = dict(path=str(path), owner=ME, group=MY_GROUP, mode=mode, **extra)
    if content is not None:
        out["content"] = content
    return out


def never_run(command):
    raise AssertionError("no validation expected, got %s" % command)


def reasons(steps):
    return [(kind, os.path.basename(s["path"]), reason) for kind, s, _u, _g, _m, reason in steps]


def test_first_run_creates_then_nothing_is_planned(tmp_path):
    dirs = [spec(tmp_path / "d", mode="0750")]
    files = [spec(tmp_path / "d" / "a.conf", "a = 1\n", mode="0640"), spec(tmp_path / "b.conf", "b\n")]
    steps = cf.plan(dirs, files)
    assert reasons(steps) == [("directory", "d", "create"), ("file", "a.conf", "create"), ("file", "b.conf", "create")]
    cf.apply(steps, never_run)
    assert (tmp_path / "d" / "a.conf").read_text() == "a = 1\n"
    assert stat.S_IMODE((tmp_path / "d").stat().st_mode) == 0o750
    assert stat.S_IMODE((tmp_path / "d" / "a.conf").stat().st_mode) == 0o640
    assert cf.plan(dirs, files) == []


def test_contents_and_attributes_are_told_apart(tmp_path):
    (tmp_path / "a.conf").write_text("old\n")
    (tmp_path / "b.conf").write_text("same\n")
    os.chmod(tmp_path / "a.conf", 0o644)
    os.chmod(tmp_path / "b.conf", 0o600)
    steps = cf.plan([], [spec(tmp_path / "a.conf", "new\n"), spec(tmp_path / "b.conf", "same\n")])
    assert reasons(steps) == [("file", "a.conf", "contents"), ("file", "b.conf", "attributes")]
    inode = (tmp_path / "b.conf").stat().st_ino
    cf.apply(steps, never_run)
    assert (tmp_path / "a.conf").read_text() == "new\n"
    # attributes are fixed in place, not by rewriting the file
    assert (tmp_path / "b.conf").stat().st_ino == inode
    assert stat.S_IMODE((tmp_path / "b.conf").stat().st_mode) == 0o644


def test_a_refused_file_is_left_as_it_was_and_no_temp_file_stays(tmp_path):
    target = tmp_path / "haproxy.cfg"
    target.write_text("good\n")
    seen = []

    def checker(command):
        seen.append(command)
        temp = command.split()[-1]
        assert open(temp).read() == "bad\n"  # the checker sees the whole new contents
        return 1, "", "line 1: unknown keyword 'bad'"
    steps = cf.plan([], [spec(target, "bad\n", validate="haproxy -c -q -f %s")])
    with pytest.raises(cf.ValidationFailed) as exc:
        cf.apply(steps, checker)
    assert exc.value.path == str(target) and "unknown keyword 'bad'" in str(exc.value)
    assert seen[0].startswith("haproxy -c -q -f " + str(tmp_path) + "/.haproxy.cfg.")
    assert target.read_text() == "good\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["haproxy.cfg"]


def test_an_accepted_file_replaces_the_old_one(tmp_path):
    target = tmp_path / "site.conf"
    target.write_text("old\n")
    cf.apply(cf.plan([], [spec(target, "new\n", validate="check %s")]), lambda command: (0, "ok", ""))
    assert target.read_text() == "new\n"


@pytest.mark.parametrize("bad, message", [
    (dict(owner="no-such-user-here"), "no user 'no-such-user-here'"),
    (dict(group="no-such-group-here"), "no group 'no-such-group-here'"),
    (dict(mode="644x"), "mode '644x' is not an octal mode"),
    (dict(path="relative.conf"), "not an absolute path"),
])
def test_bad_specs_fail_before_any_path_changes(tmp_path, bad, message):
    good = spec(tmp_path / "first.conf", "x\n")
    broken = dict(spec(tmp_path / "second.conf", "y\n"), **bad)
    with pytest.raises(cf.BadSpec) as exc:
        cf.plan([spec(tmp_path / "d")], [good, broken])
    assert message in str(exc.value) and exc.value.path == broken["path"]
    assert list(tmp_path.iterdir()) == []


def test_a_file_needs_its_directory_listed_or_present(tmp_path):
    with pytest.raises(cf.NotADirectory) as exc:
        cf.plan([], [spec(tmp_path / "missing" / "a.conf", "x\n")])
    assert "list it under directories" in str(exc.value)


def test_something_else_in_the_way_is_refused(tmp_path):
    (tmp_path / "d").write_text("a file\n")
    (tmp_path / "f").mkdir()
    with pytest.raises(cf.NotADirectory):
        cf.plan([spec(tmp_path / "d")], [])
    with pytest.raises(cf.NotADirectory):
        cf.plan([], [spec(tmp_path / "f", "x\n")])


def test_diff_shows_contents_but_never_a_secret(tmp_path):
    (tmp_path / "plain.conf").write_text("old\n")
    (tmp_path / "secret.conf").write_text("password = hunter1\n")
    steps = cf.plan([], [spec(tmp_path / "plain.conf", "new\n"),
                         spec(tmp_path / "secret.conf", "password = hunter2\n", mode="0600", secret=True)])
    diff = cf.diff(steps)
    assert "old\n" in diff["before"] and "new\n" in diff["after"]
    assert "hunter" not in diff["before"] + diff["after"]
    assert "mode 0600" in diff["after"] and "contents changed, not shown" in diff["after"]


def test_missing_parents_are_made_with_the_listed_owner_and_mode(tmp_path):
    old = os.umask(0o077)
    try:
        # a file may sit in a parent that only the listed directory's creation makes
        cf.apply(cf.plan([spec(tmp_path / "a" / "b" / "c", mode="0755")],
                         [spec(tmp_path / "a" / "b" / "c" / "f", "x\n"), spec(tmp_path / "a" / "b" / "g", "y\n")]),
                 never_run)
    finally:
        os.umask(old)
    for directory in ("a", "a/b", "a/b/c"):
        assert stat.S_IMODE((tmp_path / directory).stat().st_mode) == 0o755, directory
    assert (tmp_path / "a" / "b" / "c" / "f").read_text() == "x\n"
    assert (tmp_path / "a" / "b" / "g").read_text() == "y\n"


def test_links_follow_the_files_and_a_new_target_replaces_the_link(tmp_path):
    (tmp_path / "enabled").mkdir()
    site = tmp_path / "site.conf"
    link = tmp_path / "enabled" / "site.conf"
    files = [spec(site, "server {}\n")]
    links = [dict(path=str(link), src=str(site))]
    steps = cf.plan([], files, links)
    assert reasons(steps) == [("file", "site.conf", "create"), ("link", "site.conf", "create")]
    cf.apply(steps, never_run)
    assert os.readlink(link) == str(site) and link.read_text() == "server {}\n"
    assert cf.plan([], files, links) == []
    links = [dict(path=str(link), src="../other.conf")]
    steps = cf.plan([], files, links)
    assert reasons(steps) == [("link", "site.conf", "target")]
    assert cf.diff(steps) == {"before": "# %s: -> %s\n" % (link, site), "after": "# %s: -> ../other.conf\n" % link}
    cf.apply(steps, never_run)
    assert os.readlink(link) == "../other.conf"
    assert sorted(os.listdir(tmp_path / "enabled")) == ["site.conf"]  # no temporary link left


def test_absent_paths_are_removed_once_and_only_files_or_links(tmp_path):
    (tmp_path / "default").symlink_to("/nonexistent/default")  # a dangling link is still there
    (tmp_path / "old.pref").write_text("Pin: version 1\n")
    absent = [str(tmp_path / "default"), str(tmp_path / "old.pref"), str(tmp_path / "never-there")]
    steps = cf.plan([], [], [], absent)
    assert reasons(steps) == [("absent", "default", "remove"), ("absent", "old.pref", "remove")]
    assert cf.diff(steps)["after"] == "# %s: absent\n# %s: absent\n" % (tmp_path / "default", tmp_path / "old.pref")
    cf.apply(steps, never_run)
    assert sorted(os.listdir(tmp_path)) == []
    assert cf.plan([], [], [], absent) == []


@pytest.mark.parametrize("make, links, absent, error, fragment", [
    (lambda d: (d / "site.conf").write_text("x"), [("site.conf", "/elsewhere")], [], cf.NotADirectory,
     "exists and is not a symbolic link"),
    (lambda d: None, [("missing/site.conf", "/elsewhere")], [], cf.NotADirectory, "does not exist"),
    (lambda d: (d / "dir").mkdir(), [], ["dir"], cf.NotADirectory, "is a directory"),
    (lambda d: None, [], ["relative/path"], cf.BadSpec, "not an absolute path"),
])
def test_what_is_in_the_way_of_links_and_removals_fails_before_any_change(tmp_path, make, links, absent, error, fragment):
    make(tmp_path)
    files = [spec(tmp_path / "new.conf", "new\n")]
    link_specs = [dict(path=str(tmp_path / p), src=s) for p, s in links]
    absent = [a if a.startswith("relative") else str(tmp_path / a) for a in absent]
    with pytest.raises(error, match=fragment):
        cf.plan([], files, link_specs, absent)
    assert not (tmp_path / "new.conf").exists()


def _systemctl(states):
    """A run_command answering systemctl over {unit: (is-enabled output, is-active rc)}; records the commands."""
    commands = []

    def run(argv):
        commands.append(argv[1:])
        if argv[1] == "is-enabled":  # rc as systemctl gives it
            return (0 if states[argv[2]][0] in ("enabled", "static") else 1), states[argv[2]][0] + "\n", ""
        if argv[1] == "is-active":
            return states[argv[2]][1], "", ""
        return 0, "", ""
    return run, commands


@pytest.mark.parametrize("state, pending", [
    (("enabled", 0), []),  # nothing to do
    (("disabled", 0), [("u", True, False)]),  # running, not at boot
    (("enabled", 3), [("u", False, True)]),  # enabled, stopped
    (("static", 0), []),  # enabled by whatever pulls it in, as systemd_service reads it: nothing to enable
    (("masked", 3), [("u", True, True)]),  # enable then fails, naming the unit
])
def test_a_unit_is_started_only_when_not_enabled_or_not_active(state, pending):
    run, _commands = _systemctl({"u": state})
    assert cf.services_to_start(["u"], run) == pending


def test_systemd_reads_a_written_unit_file_before_the_units_start():
    run, commands = _systemctl({})
    cf.start_services([("x.service", True, True)], ["/etc/x.conf", "/etc/systemd/system/x.service"], run)
    assert commands == [["daemon-reload"], ["enable", "x.service"], ["start", "x.service"]]
    run, commands = _systemctl({})
    cf.start_services([("x.service", False, True)], ["/etc/x.conf"], run)
    assert commands == [["start", "x.service"]]
