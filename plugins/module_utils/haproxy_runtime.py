# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HAProxy's runtime API (the admin socket): drain shards, save server state.

Drain is HAProxy's admin state DRAIN: the server gets no new rooms from the
load balancer, but requests that match a stick-table entry still reach it, so
rooms already there stay. The state is saved to HAProxy's server-state file
before every reload, so a reload keeps it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket
import time

from ansible_collections.scalemeet.jitsi.plugins.module_utils.state_file import atomic_write_text

# The admin socket where Debian's HAProxy and the haproxy role put it.
DEFAULT_SOCKET = "/run/haproxy/admin.sock"

# srv_admin_state bits (HAProxy's SRV_ADMF_*)
ADMIN_FORCED_MAINT = 0x01
ADMIN_FORCED_DRAIN = 0x08


class RuntimeApiError(Exception):
    """The socket could not be used, or HAProxy refused a command."""


def command(path, line, timeout=5.0):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        try:
            sock.connect(path)
        except (OSError, socket.error) as exc:
            raise RuntimeApiError("cannot connect to HAProxy's runtime socket %s: %s" % (path, exc))
        chunks = []
        try:
            sock.sendall(line.encode("utf-8") + b"\n")
            # The master CLI answers only once the client has finished sending.
            sock.shutdown(socket.SHUT_WR)
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                chunks.append(data)
        except (OSError, socket.error) as exc:
            # A master re-executing on reload resets connections it had accepted.
            raise RuntimeApiError("HAProxy's runtime socket %s dropped %r: %s" % (path, line, exc))
    finally:
        sock.close()
    return b"".join(chunks).decode("utf-8", "replace")


def parse_server_states(text):
    """{backend: {server name: {"id", "admin_state", "op_state"}}} from the answer to
    `show servers state [backend]`; raises when the answer is not that list."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines or not lines[0].strip().isdigit():
        raise RuntimeApiError("HAProxy did not list its servers: %s" % (text.strip() or "(empty answer)"))
    header = None
    backends = {}
    for line in lines[1:]:
        if line.startswith("#"):
            header = line.lstrip("# ").split()
            continue
        if header is None:
            continue
        row = dict(zip(header, line.split()))
        backends.setdefault(row["be_name"], {})[row["srv_name"]] = {
            "id": int(row["srv_id"]), "admin_state": int(row["srv_admin_state"]),
            "op_state": int(row["srv_op_state"])}
    return backends


def server_states(path, backend):
    """{server name: {"id", "admin_state", "op_state"}} from `show servers state <backend>`."""
    text = command(path, "show servers state %s" % backend)
    try:
        return parse_server_states(text).get(backend, {})
    except RuntimeApiError:
        raise RuntimeApiError("HAProxy did not list backend %s: %s" % (backend, text.strip() or "(empty answer)"))


def drained(servers):
    return sorted(name for name, s in servers.items() if s["admin_state"] & ADMIN_FORCED_DRAIN)


def wait_for_backend(path, backend, timeout=15.0, poll=0.5):
    """server_states, retried while a reload is still handing over to the new worker."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return server_states(path, backend)
        except RuntimeApiError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(poll)


def plan_drains(servers, backend, wanted):
    """The commands that make exactly the servers in `wanted` drained: (drained now, commands).
    A server an operator put in maintenance is not made ready. Raises naming unknown servers."""
    unknown = sorted(set(wanted) - set(servers))
    if unknown:
        raise RuntimeApiError("backend %s has no server(s) %s (it has %s)"
                              % (backend, ", ".join(unknown), ", ".join(sorted(servers)) or "none"))
    before = drained(servers)
    commands = []
    for name in sorted(servers):
        is_drained = name in before
        if name in wanted and not is_drained:
            commands.append("set server %s/%s state drain" % (backend, name))
        elif name not in wanted and is_drained and not servers[name]["admin_state"] & ADMIN_FORCED_MAINT:
            # "ready" would also end a maintenance an operator forced: only undrain servers not in maintenance.
            commands.append("set server %s/%s state ready" % (backend, name))
    return before, commands


def ensure_drained(path, backend, wanted, check_mode=False, timeout=15.0):
    """Make exactly the servers in `wanted` drained. Returns changed, before, after, commands."""
    servers = wait_for_backend(path, backend, timeout=timeout)
    before, commands = plan_drains(servers, backend, wanted)
    if not check_mode:
        for line in commands:
            answer = command(path, line).strip()
            if answer:
                raise RuntimeApiError("HAProxy refused %r: %s" % (line, answer))
    return {"changed": bool(commands), "before": before, "after": sorted(wanted), "commands": commands}


def save_state(path, state_file):
    """Write `show servers state` to HAProxy's server-state file (read back on reload)."""
    text = command(path, "show servers state")
    if not text.strip() or not text.splitlines()[0].strip().isdigit():
        raise RuntimeApiError("HAProxy did not return its server state: %s" % (text.strip() or "(empty answer)"))
    atomic_write_text(state_file, text, mode=0o600)
    return text


def workers(master_path):
    """PIDs of the current workers, from the master CLI's `show proc`."""
    text = command(master_path, "show proc")
    pids, section = [], None
    for line in text.splitlines():
        if line.startswith("#"):
            section = line.strip("# ").split()[0] if line.strip("# ") else None
            continue
        fields = line.split()
        if section == "workers" and fields and fields[0].isdigit():
            pids.append(int(fields[0]))
    if section is None and not pids:
        raise RuntimeApiError("HAProxy's master CLI %s gave no process list: %s" % (master_path, text.strip() or "(empty answer)"))
    return pids


def reload(master_path, trigger, timeout=15.0, poll=0.2):
    """Run `trigger()` (e.g. systemctl reload) and wait until a new worker serves.

    A reload whose configuration fails to load leaves the old worker running
    and systemd still reports success; this turns that into an error.
    """
    before = set(workers(master_path))
    trigger()
    deadline = time.monotonic() + timeout
    while True:
        try:
            now = set(workers(master_path))
        except RuntimeApiError:
            now = set()  # HAProxy 3 re-executes its master on reload: the socket is briefly away
        if now - before:
            return sorted(now - before)
        if time.monotonic() >= deadline:
            raise RuntimeApiError("HAProxy kept its old worker(s) %s: the new configuration did not load "
                                  "(see journalctl -u haproxy)" % ", ".join(str(p) for p in sorted(before)))
        time.sleep(poll)
