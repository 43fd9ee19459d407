# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Nebula's certificate authority, kept in one directory on the host the operator chooses.

Layout: ca.crt and ca.key (0600); hosts/<name>.crt, the certificate each host holds now;
revoked/<name>-<fingerprint>.crt, certificates of hosts that left the overlay, whose
fingerprints every host blocks until they expire. Host private keys never come here:
hosts send public keys and get certificates back.

nebula-cert does the cryptography; this code decides when to run it. Errors are typed
(NebulaPkiError) and name the host, file or value.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import binascii
import datetime
import json
import os
import re
import tempfile

UTC = datetime.timezone.utc
HOST_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$")


class NebulaPkiError(Exception):
    """Anything that stops the CA from doing its job; the message names what is wrong."""


def _parse_time(text, what):
    try:
        return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except (TypeError, ValueError):
        raise NebulaPkiError("%s: unreadable time %r" % (what, text))


def parse_certificate(text, what="certificate"):
    """The output of `nebula-cert print -json` as a flat dict with datetimes."""
    try:
        data = json.loads(text)
        details = data["details"]
        return {
            "name": details["name"],
            "ips": sorted(details.get("ips") or []),
            "groups": sorted(details.get("groups") or []),
            "is_ca": bool(details.get("isCa")),
            "issuer": details.get("issuer") or "",
            "public_key": details["publicKey"],
            "not_before": _parse_time(details["notBefore"], what),
            "not_after": _parse_time(details["notAfter"], what),
            "fingerprint": data["fingerprint"],
        }
    except (ValueError, KeyError, TypeError) as exc:
        raise NebulaPkiError("%s: not a Nebula certificate (%s)" % (what, exc))


def public_key_hex(pem, what="public key"):
    """Hex of the key inside a NEBULA X25519 PUBLIC KEY PEM block, as certificates print it."""
    match = re.search(r"-----BEGIN NEBULA X25519 PUBLIC KEY-----\s*(.+?)\s*-----END NEBULA X25519 PUBLIC KEY-----",
                      pem or "", re.S)
    if not match:
        raise NebulaPkiError("%s: not a Nebula X25519 public key PEM block" % what)
    try:
        raw = base64.b64decode("".join(match.group(1).split()), validate=True)
    except (binascii.Error, ValueError):
        raise NebulaPkiError("%s: the PEM body is not base64" % what)
    if len(raw) != 32:
        raise NebulaPkiError("%s: an X25519 key has 32 bytes, this one %d" % (what, len(raw)))
    return binascii.hexlify(raw).decode("ascii")


def days_left(cert, now):
    return (cert["not_after"] - now).total_seconds() / 86400.0


def reasons_to_sign(current, desired, ca, now, renew_before_days):
    """Why a host needs a new certificate; empty when the one it has is still right."""
    if current is None:
        return ["no certificate yet"]
    reasons = []
    if current["issuer"] != ca["fingerprint"]:
        reasons.append("signed by another CA (%s...)" % current["issuer"][:16])
    for key in ("name", "ips", "groups", "public_key"):
        if current[key] != desired[key]:
            reasons.append("%s changed" % key.replace("_", " "))
    left = days_left(current, now)
    if left < renew_before_days:
        reasons.append("expires in %.1f days (renewal starts %d days ahead)" % (left, renew_before_days))
    return reasons


def signing_hours(ca, now, wanted_days, what):
    """Certificate lifetime in hours: as wanted, but never past the CA (nebula-cert refuses that)."""
    left_hours = int((ca["not_after"] - now).total_seconds() // 3600) - 1
    if left_hours < 24:
        raise NebulaPkiError("%s: the CA expires %s; rotate the CA (docs/roles/overlay.md) before signing"
                             % (what, ca["not_after"].strftime("%Y-%m-%dT%H:%M:%SZ")))
    return min(int(wanted_days) * 24, left_hours)


# Options both modules take, and the authority they build from them.
MODULE_ARGS = dict(
    directory=dict(type="path", default="/etc/scalemeet/nebula-ca"),
    nebula_cert=dict(type="path", default="/usr/bin/nebula-cert"),
)


def authority_for(module):
    """The CA directory named by a module's options; commands run through the module."""
    return CertificateAuthority(module.params["directory"], module.run_command, nebula_cert=module.params["nebula_cert"])


class CertificateAuthority(object):
    """The CA directory. `run(argv)` runs a command and returns (rc, stdout, stderr)."""

    def __init__(self, directory, run, nebula_cert="nebula-cert", now=None):
        self.directory = directory
        self.run = run
        self.nebula_cert = nebula_cert
        self.now = now or datetime.datetime.now(UTC)
        self.ca_crt = os.path.join(directory, "ca.crt")
        self.ca_key = os.path.join(directory, "ca.key")

    def _cmd(self, argv, what):
        rc, out, err = self.run([self.nebula_cert] + argv)
        if rc != 0:
            raise NebulaPkiError("%s: nebula-cert %s failed (rc %s): %s" % (what, argv[0], rc, (err or out).strip()))
        return out

    def read(self, path, what):
        if not os.path.exists(path):
            return None
        return parse_certificate(self._cmd(["print", "-json", "-path", path], what), what)

    def _text(self, path):
        with open(path) as f:
            return f.read()

    def ensure_ca(self, name, days, check_mode):
        """Create the CA once. Returns (created, ca or None in check mode before creation)."""
        ca = self.read(self.ca_crt, self.ca_crt)
        if ca is not None:
            if not os.path.exists(self.ca_key):
                raise NebulaPkiError("%s exists but %s is missing; restore the key or rotate the CA" % (self.ca_crt, self.ca_key))
            if not ca["is_ca"]:
                raise NebulaPkiError("%s is not a CA certificate" % self.ca_crt)
            return False, ca
        if os.path.exists(self.ca_key):
            raise NebulaPkiError("%s exists without %s; refusing to overwrite a CA key" % (self.ca_key, self.ca_crt))
        if check_mode:
            return True, None
        for sub in ("", "hosts", "revoked"):
            path = os.path.join(self.directory, sub)
            if not os.path.isdir(path):
                os.makedirs(path, 0o700)
        self._cmd(["ca", "-name", name, "-duration", "%dh" % (int(days) * 24),
                   "-out-crt", self.ca_crt, "-out-key", self.ca_key], self.ca_crt)
        os.chmod(self.ca_key, 0o600)
        return True, self.read(self.ca_crt, self.ca_crt)

    def ca_certificate(self):
        return self._text(self.ca_crt) if os.path.exists(self.ca_crt) else ""

    def host_path(self, name):
        if not HOST_NAME_RE.match(name or ""):
            raise NebulaPkiError("host %r: not a usable certificate name" % (name,))
        return os.path.join(self.directory, "hosts", name + ".crt")

    def ensure_host(self, name, ip, groups, public_key_pem, days, renew_before_days, check_mode):
        """Sign the host's public key when it has no right certificate. Returns a result dict."""
        path = self.host_path(name)
        ca = self.read(self.ca_crt, self.ca_crt)
        if ca is None:
            if check_mode:
                return {"changed": True, "reasons": ["no CA yet"], "certificate": "", "fingerprint": None, "not_after": None}
            raise NebulaPkiError("%s: the CA does not exist yet" % self.ca_crt)
        desired = {"name": name, "ips": [ip], "groups": sorted(set(groups)),
                   "public_key": public_key_hex(public_key_pem, "host %s public key" % name)}
        current = self.read(path, "host %s certificate %s" % (name, path))
        reasons = reasons_to_sign(current, desired, ca, self.now, renew_before_days)
        if reasons and not check_mode:
            hours = signing_hours(ca, self.now, days, "host %s" % name)
            self._sign(path, desired, hours, "host %s" % name)
            current = self.read(path, "host %s certificate %s" % (name, path))
        return {
            "changed": bool(reasons),
            "reasons": reasons,
            "certificate": self._text(path) if os.path.exists(path) else "",
            "fingerprint": current["fingerprint"] if current else None,
            "not_after": current["not_after"].strftime("%Y-%m-%dT%H:%M:%SZ") if current else None,
        }

    def _sign(self, path, desired, hours, what):
        tmpdir = tempfile.mkdtemp(prefix=".sign-", dir=os.path.dirname(path))
        try:
            pub = os.path.join(tmpdir, "host.pub")
            crt = os.path.join(tmpdir, "host.crt")
            with open(pub, "w") as f:
                f.write("-----BEGIN NEBULA X25519 PUBLIC KEY-----\n%s\n-----END NEBULA X25519 PUBLIC KEY-----\n"
                        % base64.b64encode(binascii.unhexlify(desired["public_key"])).decode("ascii"))
            self._cmd(["sign", "-ca-crt", self.ca_crt, "-ca-key", self.ca_key, "-name", desired["name"],
                       "-ip", desired["ips"][0], "-groups", ",".join(desired["groups"]), "-in-pub", pub,
                       "-duration", "%dh" % hours, "-out-crt", crt], what)
            os.chmod(crt, 0o644)
            os.rename(crt, path)
        finally:
            for leftover in os.listdir(tmpdir):
                os.unlink(os.path.join(tmpdir, leftover))
            os.rmdir(tmpdir)

    def revoke_others(self, members, check_mode):
        """Move certificates of hosts no longer in the overlay to revoked/. Returns their names."""
        hosts_dir = os.path.join(self.directory, "hosts")
        gone = sorted(f[:-4] for f in (os.listdir(hosts_dir) if os.path.isdir(hosts_dir) else [])
                      if f.endswith(".crt") and f[:-4] not in set(members))
        if not check_mode:
            for name in gone:
                cert = self.read(os.path.join(hosts_dir, name + ".crt"), "host %s certificate" % name)
                os.rename(os.path.join(hosts_dir, name + ".crt"),
                          os.path.join(self.directory, "revoked", "%s-%s.crt" % (name, cert["fingerprint"][:16])))
        return gone

    def blocklist(self):
        """Fingerprints of revoked certificates that have not expired yet (expired ones fail anyway)."""
        revoked_dir = os.path.join(self.directory, "revoked")
        out = []
        for f in sorted(os.listdir(revoked_dir) if os.path.isdir(revoked_dir) else []):
            if f.endswith(".crt"):
                cert = self.read(os.path.join(revoked_dir, f), "revoked certificate %s" % f)
                if cert["not_after"] > self.now:
                    out.append(cert["fingerprint"])
        return sorted(set(out))
