"""Probes for overlay tests: UDP listeners and senders inside containers, and a capture
of a Docker network's bridge on this machine. Traffic stays between the scenario's containers."""

import json
import socket
import subprocess
import sys
import threading
import time

# The bridges' media port, which relays use.
RELAY_PORT = 10000

LISTEN = r"""
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1])))
end = time.time() + float(sys.argv[2])
print("ready", flush=True)
while time.time() < end:
    s.settimeout(max(0.05, end - time.time()))
    try:
        data, src = s.recvfrom(65535)
    except socket.timeout:
        break
    print(src[0], data.decode(errors="replace"), flush=True)
"""

SEND = r"""
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(int(sys.argv[4])):
    try:
        s.sendto(sys.argv[3].encode(), (sys.argv[1], int(sys.argv[2])))
    except OSError as exc:
        print("send error", exc)
    time.sleep(0.1)
"""


def docker_exec(name, *argv, check=True, timeout=60):
    proc = subprocess.run(["docker", "exec", name, *argv], capture_output=True, text=True, timeout=timeout, check=False)
    if check:
        assert proc.returncode == 0, (name, argv, proc.stdout, proc.stderr)
    return proc


def send(src, address, port, payload, count=5):
    docker_exec(src, "python3", "-c", SEND, address, str(port), payload, str(count))


class Listener:
    """UDP listener inside a container, for a bounded time."""

    def __init__(self, name, port=RELAY_PORT, seconds=2.5):
        self.proc = subprocess.Popen(["docker", "exec", name, "python3", "-c", LISTEN, str(port), str(seconds)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "ready"

    def received(self):
        out, _err = self.proc.communicate(timeout=30)
        return [line.split(" ", 1) for line in out.splitlines() if " " in line]


class Capture:
    """Frames on the WAN network's bridge, captured on this machine (AF_PACKET, promiscuous)."""

    def __init__(self, network):
        net_id = subprocess.run(["docker", "network", "inspect", "-f", "{{.Id}}", network], capture_output=True,
                                text=True, check=True).stdout.strip()
        self.iface = "br-" + net_id[:12]
        self.frames = []
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
        self.sock.bind((self.iface, 0))
        ifindex = socket.if_nametoindex(self.iface)
        mreq = ifindex.to_bytes(4, sys.byteorder) + (1).to_bytes(2, sys.byteorder) + bytes(10)  # PACKET_MR_PROMISC
        self.sock.setsockopt(263, 1, mreq)  # SOL_PACKET, PACKET_ADD_MEMBERSHIP
        self.sock.settimeout(0.2)
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                self.frames.append(self.sock.recv(65535))
            except socket.timeout:
                continue

    def stop(self):
        time.sleep(0.5)
        self._stop.set()
        self.thread.join(timeout=5)
        self.sock.close()
        return self.frames

    @staticmethod
    def udp(frames):
        """(src, dst, sport, dport, payload) of the IPv4 UDP frames."""
        out = []
        for f in frames:
            if len(f) < 42 or f[12:14] != b"\x08\x00" or f[23] != 17:
                continue
            ihl = (f[14] & 0x0F) * 4
            udp = 14 + ihl
            out.append((socket.inet_ntoa(f[26:30]), socket.inet_ntoa(f[30:34]),
                        int.from_bytes(f[udp:udp + 2], "big"), int.from_bytes(f[udp + 2:udp + 4], "big"), f[udp + 8:]))
        return out


def reaches(src, dst, dst_address, port=RELAY_PORT, attempts=10):
    """Whether src's datagrams reach dst_address (on dst), retrying for up to ~30 s."""
    for _attempt in range(attempts):
        listener = Listener(dst, port=port, seconds=3.0)
        send(src, dst_address, port, "probe-from-" + src, count=3)
        if listener.received():
            return True
    return False


def counter(name, counter_name):
    """Packets counted by one named counter of the overlay firewall."""
    out = docker_exec(name, "nft", "-j", "list", "counter", "inet", "scalemeet_overlay", counter_name).stdout
    return [o["counter"]["packets"] for o in json.loads(out)["nftables"] if "counter" in o][0]
