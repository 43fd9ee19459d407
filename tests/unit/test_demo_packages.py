"""tests/demo/packages.py: the demo takes Jitsi's repository only when it serves its signed index."""

import http.server
import importlib.util
import pathlib
import socket
import threading

import pytest

SPEC = importlib.util.spec_from_file_location("demo_packages", pathlib.Path(__file__).resolve().parents[1] / "demo" / "packages.py")
packages = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(packages)


class Repository(http.server.BaseHTTPRequestHandler):
    """A flat repository on loopback serving only stable/InRelease."""

    def do_HEAD(self):  # noqa: N802 (http.server's name)
        self.send_response(200 if self.path == "/stable/InRelease" else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def repo_url():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Repository)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield "http://127.0.0.1:%d" % server.server_address[1]
    server.shutdown()
    server.server_close()


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_auto_takes_jitsi_when_the_repository_answers(repo_url):
    assert packages.reachable(repo_url)
    chosen = packages.choose("auto", repo_url + "/")
    assert chosen == {"DEMO_PACKAGES": "jitsi", "DEMO_JITSI_REPO_URL": repo_url,
                      "DEMO_JITSI_REPO_KEY_URL": repo_url + "/jitsi-key.gpg.key", "DEMO_JAVA_PACKAGE": "auto"}


def test_auto_falls_back_to_the_test_doubles(repo_url):
    assert not packages.reachable(repo_url, suite="unstable/")  # 404
    dead = "http://127.0.0.1:%d" % closed_port()
    assert not packages.reachable(dead, timeout=1)
    chosen = packages.choose("auto", dead)
    assert chosen["DEMO_PACKAGES"] == "standin" and chosen["DEMO_JAVA_PACKAGE"] == "none"
    assert chosen["DEMO_JITSI_REPO_URL"] == "file:///srv/scalemeet-standin-apt"


def test_forced_modes_never_ask():
    def probe(_url):
        raise AssertionError("asked")
    assert packages.choose("standin", probe=probe)["DEMO_PACKAGES"] == "standin"
    jitsi = packages.choose("jitsi", "https://mirror.example.invalid", key_url="https://keys.example.invalid/k.asc", probe=probe)
    assert jitsi["DEMO_JITSI_REPO_KEY_URL"] == "https://keys.example.invalid/k.asc"


def test_bad_mode_or_url_is_named(capsys):
    with pytest.raises(ValueError, match="DEMO_PACKAGES=real: must be one of auto, jitsi, standin"):
        packages.choose("real")
    with pytest.raises(ValueError, match="JITSI_REPO_URL=ftp://x: must be an http"):
        packages.choose("jitsi", "ftp://x")
    assert packages.main(["--mode", "real"]) == 2
    assert "DEMO_PACKAGES=real" in capsys.readouterr().err


def test_main_prints_shell_assignments(capsys):
    assert packages.main(["--mode", "standin"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "DEMO_PACKAGES=standin" in lines and "DEMO_JAVA_PACKAGE=none" in lines
