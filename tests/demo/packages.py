"""Where the demo's Jitsi packages come from: Jitsi's repository when it answers, else the test doubles.

Prints shell assignments for tests/demo/up.sh, which molecule/demo/molecule.yml reads:
DEMO_PACKAGES (jitsi or standin), DEMO_JITSI_REPO_URL, DEMO_JITSI_REPO_KEY_URL,
DEMO_JAVA_PACKAGE.

--mode auto asks the repository for its signed index (<url>/<suite>InRelease) once, with a
short timeout; jitsi and standin skip the question.
"""

import argparse
import shlex
import sys
import urllib.error
import urllib.request

JITSI_URL = "https://download.jitsi.org"
STANDIN_URL = "file:///srv/scalemeet-standin-apt"
MODES = ("auto", "jitsi", "standin")


def reachable(url, suite="stable/", timeout=5.0):
    """True when the repository serves its signed index."""
    request = urllib.request.Request("%s/%sInRelease" % (url.rstrip("/"), suite), method="HEAD")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 (http(s) only, checked)
            return answer.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def choose(mode, url=JITSI_URL, key_url=None, probe=reachable):
    """The demo's package settings for `mode` (auto asks `probe(url)`)."""
    if mode not in MODES:
        raise ValueError("DEMO_PACKAGES=%s: must be one of %s" % (mode, ", ".join(MODES)))
    if not url.startswith(("http://", "https://")):
        raise ValueError("JITSI_REPO_URL=%s: must be an http(s) URL" % url)
    if mode == "auto":
        mode = "jitsi" if probe(url) else "standin"
    if mode == "jitsi":
        return {"DEMO_PACKAGES": "jitsi", "DEMO_JITSI_REPO_URL": url.rstrip("/"),
                "DEMO_JITSI_REPO_KEY_URL": key_url or url.rstrip("/") + "/jitsi-key.gpg.key",
                "DEMO_JAVA_PACKAGE": "auto"}
    return {"DEMO_PACKAGES": "standin", "DEMO_JITSI_REPO_URL": STANDIN_URL,
            "DEMO_JITSI_REPO_KEY_URL": STANDIN_URL + "/key.asc", "DEMO_JAVA_PACKAGE": "none"}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", default="auto")
    parser.add_argument("--url", default=JITSI_URL)
    parser.add_argument("--key-url", default="")
    args = parser.parse_args(argv)
    try:
        chosen = choose(args.mode, args.url, args.key_url or None)
    except ValueError as exc:
        print("packages.py: %s" % exc, file=sys.stderr)
        return 2
    for name, value in chosen.items():
        print("%s=%s" % (name, shlex.quote(value)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
