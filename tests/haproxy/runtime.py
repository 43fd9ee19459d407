"""HAProxy's own views of a node, shared by the Molecule tests and the benchmarks: the state of
each server from its Prometheus endpoint, and a runtime API command through its admin socket
(run inside the node with python3, no socat needed)."""

# python3 -c ADMIN_COMMAND <socket> <command>: prints HAProxy's whole answer.
ADMIN_COMMAND = ("import socket, sys; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); "
                 "s.sendall(sys.argv[2].encode() + b'\\n'); print(s.makefile().read())")


def server_states(metrics, proxy=None):
    """{server: state} from HAProxy's Prometheus exposition (the state whose gauge is 1),
    of one proxy (backend) or of all."""
    states = {}
    for line in metrics.splitlines():
        if line.startswith("haproxy_server_status{") and line.endswith(" 1"):
            labels = dict(part.split("=", 1) for part in line[line.index("{") + 1:line.index("}")].split(","))
            if proxy is None or labels.get("proxy", "").strip('"') == proxy:
                states[labels["server"].strip('"')] = labels["state"].strip('"')
    return states
