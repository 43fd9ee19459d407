#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: nebula_ca
short_description: Keep a Nebula certificate authority on a managed host
version_added: 0.2.0
description:
  - Creates the CA once in O(directory) on the host it runs on (the CA key never leaves that host) and
    reports when it expires, so a play can warn long before the whole mesh stops.
  - Given the current overlay O(members), moves the certificates of hosts that left to C(revoked/)
    and returns the fingerprints every remaining host must block until those certificates expire.
  - Host certificates are signed by M(scalemeet.jitsi.nebula_certificate).
author:
  - scalemeet.jitsi maintainers (@scalemeet)
attributes:
  check_mode:
    support: full
    description: Reports what it would create or revoke and changes nothing.
  diff_mode:
    support: none
    description: Certificates are not shown as diffs.
options:
  directory:
    description: Directory holding C(ca.crt), C(ca.key) (mode 0600), C(hosts/) and C(revoked/).
    type: path
    default: /etc/scalemeet/nebula-ca
  name:
    description: The CA's name, used when it is created.
    type: str
    default: scalemeet overlay CA
  days:
    description: Lifetime of a new CA in days. Nebula's own default is one year.
    type: int
    default: 3650
  members:
    description: Hosts in the overlay now. Certificates of other hosts are revoked. Omit to revoke nothing.
    type: list
    elements: str
  nebula_cert:
    description: Path of the nebula-cert program.
    type: path
    default: /usr/bin/nebula-cert
requirements:
  - nebula-cert on the CA host (Debian package C(nebula))
"""

EXAMPLES = r"""
- name: Keep the CA on the first signaling host
  scalemeet.jitsi.nebula_ca:
    members: "{{ groups['bridges'] }}"
  delegate_to: "{{ groups['signaling'][0] }}"
  run_once: true
  register: ca
"""

RETURN = r"""
ca_certificate:
  description: The CA certificate (public), for every host's C(pki.ca).
  returned: success, except in check mode before the CA exists
  type: str
ca_fingerprint:
  description: The CA certificate's fingerprint.
  returned: success
  type: str
ca_not_after:
  description: When the CA expires (UTC, ISO 8601), or null in check mode before it exists.
  returned: success
  type: str
ca_days_left:
  description: Days until the CA expires.
  returned: success
  type: float
revoked:
  description: Hosts whose certificates this run moved to C(revoked/).
  returned: success
  type: list
  elements: str
blocklist:
  description: Fingerprints of revoked certificates that have not expired.
  returned: success
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.scalemeet.jitsi.plugins.module_utils.nebula_pki import MODULE_ARGS, NebulaPkiError, authority_for, days_left


def main():
    module = AnsibleModule(
        argument_spec=dict(
            MODULE_ARGS,
            name=dict(type="str", default="scalemeet overlay CA"),
            days=dict(type="int", default=3650),
            members=dict(type="list", elements="str"),
        ),
        supports_check_mode=True,
    )
    p = module.params
    ca_dir = authority_for(module)
    try:
        created, ca = ca_dir.ensure_ca(p["name"], p["days"], module.check_mode)
        revoked = ca_dir.revoke_others(p["members"], module.check_mode) if p["members"] is not None else []
        blocklist = ca_dir.blocklist()
    except (NebulaPkiError, OSError) as exc:
        module.fail_json(msg="Nebula CA %s: %s" % (p["directory"], exc))
    module.exit_json(
        changed=created or bool(revoked),
        ca_certificate=ca_dir.ca_certificate(),
        ca_fingerprint=ca["fingerprint"] if ca else None,
        ca_not_after=ca["not_after"].strftime("%Y-%m-%dT%H:%M:%SZ") if ca else None,
        ca_days_left=round(days_left(ca, ca_dir.now), 1) if ca else None,
        revoked=revoked,
        blocklist=blocklist,
    )


if __name__ == "__main__":
    main()
