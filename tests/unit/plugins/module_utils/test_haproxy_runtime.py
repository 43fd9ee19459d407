"""The runtime API client against a fake admin socket that speaks HAProxy's protocol."""

import os
import socket
import struct
import tempfile
import threading

import pytest

from ansible_collections.scalemeet.jitsi.plugins.module_utils import haproxy_runtime as rt

HEADER = ("1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight "
          "srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state "
          "srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord\n")


class FakeHAProxy(object):
    """One command per connection, as HAProxy's CLI in non-interactive mode."""

    def __init__(self, servers, path=None):
        self.servers = dict(servers)  # name -> admin_state
        self.commands = []
        self.path = path or os.path.join(tempfile.mkdtemp(), "admin.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(self.path)
        self.sock.listen(8)
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _peer = self.sock.accept()
            except OSError:  # closed by the test
                return
            line = conn.makefile().readline().strip()
            self.commands.append(line)
            conn.sendall(self._answer(line).encode())
            conn.close()

    def _answer(self, line):
        if line.startswith("show servers state"):
            if line.split()[3:] not in ([], ["shards"]):
                return "Can't find backend.\n"
            rows = "".join("3 shards %d %s 10.0.0.%d 2 %d 1 1 5 6 3 4 6 0 0 1 - 443 -\n"
                           % (i + 1, name, i + 1, admin) for i, (name, admin) in enumerate(sorted(self.servers.items())))
            return HEADER + rows + "\n"
        parts = line.split()
        if parts[:2] == ["set", "server"]:
            name = parts[2].split("/")[1]
            if name not in self.servers:
                return "No such server.\n"
            if parts[4] == "drain":
                self.servers[name] |= rt.ADMIN_FORCED_DRAIN
            elif parts[4] == "ready":
                self.servers[name] &= ~(rt.ADMIN_FORCED_DRAIN | rt.ADMIN_FORCED_MAINT)
            return "\n"
        return "Unknown command.\n"


def test_drains_exactly_the_listed_servers_and_is_idempotent():
    fake = FakeHAProxy({"shard1": 0, "shard2": 0, "shard3": rt.ADMIN_FORCED_DRAIN})
    out = rt.ensure_drained(fake.path, "shards", ["shard2"])
    assert out["changed"] and out["before"] == ["shard3"] and out["after"] == ["shard2"]
    assert out["commands"] == ["set server shards/shard2 state drain", "set server shards/shard3 state ready"]
    assert rt.drained(rt.server_states(fake.path, "shards")) == ["shard2"]
    again = rt.ensure_drained(fake.path, "shards", ["shard2"])
    assert not again["changed"] and again["commands"] == []


def test_check_mode_sends_nothing():
    fake = FakeHAProxy({"shard1": 0})
    out = rt.ensure_drained(fake.path, "shards", ["shard1"], check_mode=True)
    assert out["changed"] and out["commands"] == ["set server shards/shard1 state drain"]
    assert not any(c.startswith("set") for c in fake.commands)


def test_a_server_in_maintenance_is_not_made_ready():
    fake = FakeHAProxy({"shard1": rt.ADMIN_FORCED_DRAIN | rt.ADMIN_FORCED_MAINT})
    assert rt.ensure_drained(fake.path, "shards", [])["commands"] == []


def test_unknown_server_and_missing_socket_are_named(tmp_path):
    fake = FakeHAProxy({"shard1": 0})
    with pytest.raises(rt.RuntimeApiError, match="backend shards has no server.s. shard9 .it has shard1."):
        rt.ensure_drained(fake.path, "shards", ["shard9"])
    with pytest.raises(rt.RuntimeApiError, match="cannot connect to HAProxy's runtime socket"):
        rt.ensure_drained(str(tmp_path / "none.sock"), "shards", [], timeout=0.2)


def test_waits_for_the_backend_of_a_worker_still_starting():
    fake = FakeHAProxy({})
    with pytest.raises(rt.RuntimeApiError, match="did not list backend nope"):
        rt.wait_for_backend(fake.path, "nope", timeout=0.3, poll=0.1)

    class Late(FakeHAProxy):
        asked = 0

        def _answer(self, line):
            Late.asked += 1
            return "Can't find backend.\n" if Late.asked < 3 else super(Late, self)._answer(line)
    late = Late({"shard1": 0})
    assert rt.wait_for_backend(late.path, "shards", timeout=5, poll=0.05) == {
        "shard1": {"id": 1, "admin_state": 0, "op_state": 2}}


def test_save_state_writes_the_server_state_file_privately(tmp_path):
    fake = FakeHAProxy({"shard1": rt.ADMIN_FORCED_DRAIN})
    target = tmp_path / "server-state"
    rt.save_state(fake.path, str(target))
    text = target.read_text()
    assert text.startswith("1\n# be_id") and " shard1 " in text
    assert (target.stat().st_mode & 0o777) == 0o600


class FakeMaster(FakeHAProxy):
    """The master CLI: `show proc` lists the current workers."""

    def __init__(self, pids, path=None):
        self.pids = list(pids)
        super(FakeMaster, self).__init__({}, path=path)

    def _answer(self, line):
        if line == "show proc":
            rows = "".join("%d\tworker\t0\t0d00h00m01s\t2.6.12\n" % p for p in self.pids)
            return ("#<PID>\t<type>\t<reloads>\t<uptime>\t<version>\n1\tmaster\t0\t0d00h01m00s\t2.6.12\n"
                    "# workers\n" + rows + "# programs\n\n")
        return super(FakeMaster, self)._answer(line)


def test_reload_waits_for_a_new_worker():
    master = FakeMaster([100])
    assert rt.workers(master.path) == [100]
    assert rt.reload(master.path, lambda: master.pids.__setitem__(0, 101), timeout=2, poll=0.05) == [101]


def test_reload_that_keeps_the_old_worker_fails_naming_it():
    master = FakeMaster([100])
    with pytest.raises(rt.RuntimeApiError, match="kept its old worker.s. 100: the new configuration did not load"):
        rt.reload(master.path, lambda: None, timeout=0.3, poll=0.05)


def test_reload_tolerates_the_master_socket_going_away_briefly():
    master = FakeMaster([100])

    def trigger():  # HAProxy 3 re-executes the master: for a moment nobody listens
        master.sock.close()
        os.unlink(master.path)
        threading.Timer(0.3, FakeMaster, args=([101],), kwargs={"path": master.path}).start()
    assert rt.reload(master.path, trigger, timeout=3, poll=0.05) == [101]


class ResettingMaster(FakeMaster):
    """A master that accepts connections and resets them, as HAProxy 3's does while it re-executes."""

    resets = 0

    def _serve(self):
        while True:
            try:
                conn, _peer = self.sock.accept()
            except OSError:
                return
            if self.resets:
                self.resets -= 1
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                conn.close()  # linger 0: the client sees ECONNRESET
                continue
            line = conn.makefile().readline().strip()
            conn.sendall(self._answer(line).encode())
            conn.close()


def test_a_reset_connection_is_a_runtime_error_naming_the_command():
    master = ResettingMaster([100])
    master.resets = 1
    with pytest.raises(rt.RuntimeApiError, match="dropped 'show proc'"):
        rt.workers(master.path)


def test_reload_retries_through_connections_reset_by_a_re_executing_master():
    master = ResettingMaster([100])

    def trigger():
        master.pids[0] = 101
        master.resets = 3
    assert rt.reload(master.path, trigger, timeout=3, poll=0.05) == [101]
    assert master.resets == 0
