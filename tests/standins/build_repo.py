"""Build the signed local apt repository of TEST DOUBLE Jitsi packages.

Jitsi's apt repository is unreachable from the test machines. This builds
stand-in packages named jicofo and jitsi-videobridge2 (same units, users and
config paths; Python code from src/scalemeet_standin plus a vendored pyhocon),
and jitsi-meet-web (a page in Jitsi Meet's web root saying it is a test double),
and a flat repository laid out like Jitsi's (`<url> stable/`), signed with a
throw-away key, so the roles install them through the same apt task as on a
real host. Output: <out>/stable/{*.deb,Packages,Release,InRelease}, <out>/key.asc.
Skips all work when the inputs have not changed.
"""

import argparse
import configparser
import gzip
import hashlib
import pathlib
import shutil
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent


def inputs_hash(vendor):
    h = hashlib.sha256()
    for root in (HERE / "src", HERE / "packages", vendor):
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            h.update(str(path.relative_to(root.parent)).encode())
            h.update(path.read_bytes())
    h.update(pathlib.Path(__file__).read_bytes())
    return h.hexdigest()[:16]


def render(template, values):
    text = (HERE / "packages" / template).read_text()
    for key, value in values.items():
        text = text.replace("@%s@" % key, value)
    return text


def build_deb(spec, version, vendor, outdir):
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp) / "root"
        debian = root / "DEBIAN"
        if "unit" in spec:
            install_service(spec, version, vendor, root, debian)
        else:  # files only (the web application): the package's root/ tree as it is
            shutil.copytree(HERE / "packages" / spec["name"] / "root", root)
        doc = root / "usr/share/doc" / spec["name"]
        doc.mkdir(parents=True)
        (doc / "README.test-double").write_text(
            "TEST DOUBLE built by scalemeet.jitsi's tests/standins/build_repo.py.\n"
            "It is not Jitsi software. Install Jitsi's real packages on real hosts.\n")
        debian.mkdir(exist_ok=True)
        (debian / "control").write_text(
            "Package: %s\nVersion: %s\nArchitecture: all\nMaintainer: scalemeet.jitsi tests <tests@scalemeet.invalid>\n"
            "%sSection: net\nPriority: optional\nDescription: %s\n This package is a test double.\n"
            % (spec["name"], version, "Depends: %s\n" % spec["depends"] if spec.get("depends") else "", spec["description"]))
        deb = outdir / ("%s_%s_all.deb" % (spec["name"], version.replace(":", "%3a")))
        subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "--build", str(root), str(deb)],
                       check=True, stdout=subprocess.DEVNULL)
        return deb


def install_service(spec, version, vendor, root, debian):
    """A service package: the double's Python code, its unit and maintainer scripts."""
    # one library directory per package, so jicofo and the bridge install side by side (single server)
    lib = root / "usr/lib/scalemeet-standin" / spec["name"]
    shutil.copytree(HERE / "src" / "scalemeet_standin", lib / "scalemeet_standin",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(vendor, lib / "pyhocon", ignore=shutil.ignore_patterns("__pycache__"))
    values = {"NAME": spec["name"], "VERSION": version, "USER": spec["user"], "UNIT": spec["unit"],
              "MODULE": spec["module"], "LIB": "/usr/lib/scalemeet-standin/" + spec["name"],
              "CONFIG_DIR": spec["config_dir"], "DESCRIPTION": spec["description"]}
    unit = root / "lib/systemd/system" / spec["unit"]
    unit.parent.mkdir(parents=True)
    unit.write_text(render("unit.service.in", values))
    debian.mkdir(parents=True)
    for script in ("postinst", "prerm"):
        (debian / script).write_text(render(script + ".in", values))
        (debian / script).chmod(0o755)


def control_fields(deb):
    out = subprocess.run(["dpkg-deb", "-f", str(deb)], check=True, capture_output=True, text=True).stdout
    return out.rstrip("\n")


def write_indexes(stable, gpg_home):
    entries = []
    for deb in sorted(stable.glob("*.deb")):
        data = deb.read_bytes()
        entries.append("%s\nFilename: stable/%s\nSize: %d\nMD5sum: %s\nSHA256: %s\n" % (
            control_fields(deb), deb.name, len(data), hashlib.md5(data).hexdigest(), hashlib.sha256(data).hexdigest()))
    packages = "\n".join(entries).encode()
    (stable / "Packages").write_bytes(packages)
    (stable / "Packages.gz").write_bytes(gzip.compress(packages, mtime=0))
    lines = ["Origin: scalemeet-standin", "Label: scalemeet.jitsi TEST DOUBLES (not Jitsi)", "Suite: stable",
             "Codename: stable", "Architectures: all", "Date: Thu, 01 Jan 2026 00:00:00 UTC"]
    for field, algo in (("MD5Sum", hashlib.md5), ("SHA256", hashlib.sha256)):
        lines.append(field + ":")
        for name in ("Packages", "Packages.gz"):
            data = (stable / name).read_bytes()
            lines.append(" %s %d %s" % (algo(data).hexdigest(), len(data), name))
    (stable / "Release").write_text("\n".join(lines) + "\n")
    gpg = ["gpg", "--batch", "--yes", "--homedir", str(gpg_home), "--local-user", "scalemeet-standin"]
    subprocess.run(gpg + ["--clearsign", "-o", str(stable / "InRelease"), str(stable / "Release")], check=True)
    subprocess.run(gpg + ["--armor", "--detach-sign", "-o", str(stable / "Release.gpg"), str(stable / "Release")], check=True)


def signing_key(gpg_home, out):
    gpg_home.mkdir(mode=0o700, parents=True, exist_ok=True)
    base = ["gpg", "--batch", "--homedir", str(gpg_home)]
    listed = subprocess.run(base + ["--list-secret-keys", "scalemeet-standin"], capture_output=True, check=False)
    if listed.returncode != 0:
        subprocess.run(base + ["--passphrase", "", "--quick-generate-key",
                               "scalemeet-standin TEST DOUBLE repository (not Jitsi) <scalemeet-standin@tests.invalid>",
                               "ed25519", "sign", "never"], check=True, capture_output=True)
    key = subprocess.run(base + ["--armor", "--export", "scalemeet-standin"], check=True, capture_output=True).stdout
    (out / "key.asc").write_bytes(key)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=pathlib.Path)
    args = parser.parse_args()
    import pyhocon  # the venv's copy is what the doubles ship
    vendor = pathlib.Path(pyhocon.__file__).parent
    out = args.out.resolve()
    stamp = out / ".inputs"
    digest = inputs_hash(vendor)
    if stamp.exists() and stamp.read_text() == digest and (out / "stable" / "InRelease").exists():
        print("[standins] repository %s is current (%s), nothing to build" % (out, digest))
        return 0
    stable = out / "stable"
    if stable.exists():
        shutil.rmtree(stable)
    stable.mkdir(parents=True)
    for ini in sorted((HERE / "packages").glob("*/package.ini")):
        cp = configparser.ConfigParser()
        cp.read(ini)
        spec = dict(cp["package"])
        for version in spec["versions"].split():
            deb = build_deb(spec, version, vendor, stable)
            print("[standins] built %s" % deb.name)
    signing_key(out / "gnupg", out)
    write_indexes(stable, out / "gnupg")
    stamp.write_text(digest)
    print("[standins] signed repository at %s (inputs %s)" % (out, digest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
