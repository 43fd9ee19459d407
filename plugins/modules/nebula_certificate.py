#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: nebula_certificate
short_description: Sign a host's Nebula public key on the CA host, only when needed
version_added: 0.2.0
description:
  - Runs on the host holding the CA made by M(scalemeet.jitsi.nebula_ca), usually through C(delegate_to).
    Takes the host's public key (its private key stays on the host) and returns a certificate.
  - Signs only when the host has no certificate yet, or when its name, address, groups or key changed,
    when the CA changed, or when it expires within O(renew_before_days). A re-run changes nothing.
  - The lifetime never passes the CA's own expiry (Nebula refuses such certificates).
author:
  - scalemeet.jitsi maintainers (@scalemeet)
attributes:
  check_mode:
    support: full
    description: Reports whether it would sign, and why.
  diff_mode:
    support: none
    description: Certificates are not shown as diffs.
options:
  name:
    description: The host's name in the certificate (its inventory name).
    type: str
    required: true
  ip:
    description: The host's overlay address with the prefix of Nebula's network, e.g. C(10.60.1.10/22).
    type: str
    required: true
  groups:
    description: Groups for Nebula's firewall, e.g. the host's role and region.
    type: list
    elements: str
    default: []
  public_key:
    description: The host's public key, a C(NEBULA X25519 PUBLIC KEY) PEM block.
    type: str
    required: true
  days:
    description: Lifetime of a new certificate in days.
    type: int
    default: 365
  renew_before_days:
    description: Sign a new certificate when the current one expires within this many days.
    type: int
    default: 30
  directory:
    description: The CA directory.
    type: path
    default: /etc/scalemeet/nebula-ca
  nebula_cert:
    description: Path of the nebula-cert program.
    type: path
    default: /usr/bin/nebula-cert
requirements:
  - nebula-cert on the CA host (Debian package C(nebula))
"""

EXAMPLES = r"""
- name: Certificate for this bridge, signed where the CA lives
  scalemeet.jitsi.nebula_certificate:
    name: "{{ inventory_hostname }}"
    ip: 10.60.1.10/22
    groups: [bridge, "region:eu"]
    public_key: "{{ host_pub.content | b64decode }}"
  delegate_to: "{{ groups['signaling'][0] }}"
  register: cert
"""

RETURN = r"""
certificate:
  description: The host's certificate (public); empty in check mode before the first signing.
  returned: success
  type: str
fingerprint:
  description: The certificate's fingerprint.
  returned: success
  type: str
not_after:
  description: When the certificate expires (UTC, ISO 8601).
  returned: success
  type: str
reasons:
  description: Why it was (or in check mode would be) signed; empty when nothing changed.
  returned: success
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.scalemeet.jitsi.plugins.module_utils.nebula_pki import MODULE_ARGS, NebulaPkiError, authority_for


def main():
    module = AnsibleModule(
        argument_spec=dict(
            MODULE_ARGS,
            name=dict(type="str", required=True),
            ip=dict(type="str", required=True),
            groups=dict(type="list", elements="str", default=[]),
            public_key=dict(type="str", required=True),
            days=dict(type="int", default=365),
            renew_before_days=dict(type="int", default=30),
        ),
        supports_check_mode=True,
    )
    p = module.params
    ca_dir = authority_for(module)
    try:
        result = ca_dir.ensure_host(p["name"], p["ip"], p["groups"], p["public_key"], p["days"],
                                    p["renew_before_days"], module.check_mode)
    except (NebulaPkiError, OSError) as exc:
        module.fail_json(msg="Nebula certificate for host %s: %s" % (p["name"], exc))
    module.exit_json(**result)


if __name__ == "__main__":
    main()
