import json
import os

import pytest

from ansible_collections.scalemeet.jitsi.plugins.module_utils import state_file as sf


def test_missing_file_reads_as_none(tmp_path):
    assert sf.read_json(str(tmp_path / "nope.json"), 1) is None


def test_atomic_write_round_trip_and_mode(tmp_path):
    path = str(tmp_path / "s.json")
    sf.write_json_atomic(path, {"format": 1, "x": [1, 2]})
    assert sf.read_json(path, 1) == {"format": 1, "x": [1, 2]}
    assert os.stat(path).st_mode & 0o777 == 0o600
    # no temporary files left behind
    assert sorted(os.listdir(str(tmp_path))) == ["s.json"]


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b'{"format": 1, "secrets": {"a"', "not valid JSON"),
        (b"[1, 2]", "top level is list"),
        (b'{"format": 2}', "format is 2"),
        (b"\xff\xfe", "not valid JSON"),
    ],
)
def test_corrupt_files_name_the_file(tmp_path, content, reason):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(sf.StateFileCorrupt) as err:
        sf.read_json(str(path), 1)
    assert str(path) in str(err.value)
    assert reason in str(err.value)


def test_lock_times_out_naming_the_file(tmp_path):
    path = str(tmp_path / "s.json")
    with sf.locked(path):
        pid = os.fork()
        if pid == 0:  # child: must not get the lock while the parent holds it
            try:
                with sf.locked(path, timeout=0.2):
                    os._exit(1)
            except sf.StateFileLockTimeout as exc:
                os._exit(0 if path in str(exc) else 2)
        _pid, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0


def test_failed_write_leaves_old_file(tmp_path):
    path = str(tmp_path / "s.json")
    sf.write_json_atomic(path, {"format": 1, "v": 1})
    with pytest.raises(TypeError):
        sf.write_json_atomic(path, {"format": 1, "v": object()})
    assert json.loads(open(path).read())["v"] == 1
    assert sorted(os.listdir(str(tmp_path))) == ["s.json"]
