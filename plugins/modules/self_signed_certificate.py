#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: self_signed_certificate
short_description: Make a self-signed certificate once, its key readable by a service's group
version_added: 0.2.0
description:
  - Generates an RSA 3072 key and a self-signed SHA-256 certificate with C(openssl req) when the
    certificate does not exist, and keeps them afterwards (a new key on every run would break clients
    that pinned the old one).
  - The key is owned by root, in group O(key_group) with O(key_mode); it is never readable by others,
    not even while openssl writes it. The key is put in place before the certificate, so a
    certificate on disk always has its key.
  - With O(directory_mode), the certificate's directory is created or set to root, O(directory_group)
    and that mode.
  - One module run for what were three tasks (directory, openssl, key attributes).
  - Every name, mode, group and path is checked before anything changes. A certificate without its
    key fails rather than being paired with a new key.
requirements:
  - openssl on the managed host
author:
  - scalemeet.jitsi maintainers (@scalemeet)
attributes:
  check_mode:
    support: full
    description: Reports what would change (and RV(created)) without changing it.
  diff_mode:
    support: none
    description: The key is secret and the certificate is new or unchanged.
options:
  path:
    description: Certificate path (PEM).
    type: path
    required: true
  key_path:
    description: Key path (PEM, unencrypted).
    type: path
    required: true
  names:
    description: DNS names (wildcards allowed); the first is also the subject's CN.
    type: list
    elements: str
    required: true
  days:
    description: Lifetime of a generated certificate.
    type: int
    default: 3650
  key_group:
    description: Group owning the key.
    type: str
    default: root
  key_mode:
    description: Mode of the key, octal as a string.
    type: str
    default: "0600"
  directory_group:
    description: Group of the certificate's directory, with O(directory_mode).
    type: str
    default: root
  directory_mode:
    description: Mode of the certificate's directory; when not given the directory must exist and is left as it is.
    type: str
"""

EXAMPLES = r"""
- name: Self-signed certificate for Prosody, key readable by its group
  scalemeet.jitsi.self_signed_certificate:
    path: /etc/prosody/certs/meet.example.org.crt
    key_path: /etc/prosody/certs/meet.example.org.key
    names: [meet.example.org, "*.meet.example.org"]
    key_group: prosody
    key_mode: "0640"
    directory_group: prosody
    directory_mode: "0750"
  register: cert
"""

RETURN = r"""
created:
  description: Whether a new certificate and key were made (or would be, in check mode).
  returned: success
  type: bool
changes:
  description: What changed, in order (C(directory), C(generate), C(key)).
  returned: success
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.scalemeet.jitsi.plugins.module_utils.self_signed import CertificateError, apply, plan


def main():
    module = AnsibleModule(
        argument_spec=dict(
            path=dict(type="path", required=True),
            key_path=dict(type="path", required=True, no_log=False),
            names=dict(type="list", elements="str", required=True),
            days=dict(type="int", default=3650),
            key_group=dict(type="str", default="root", no_log=False),
            key_mode=dict(type="str", default="0600", no_log=False),
            directory_group=dict(type="str", default="root"),
            directory_mode=dict(type="str"),
        ),
        supports_check_mode=True,
    )
    try:
        steps = plan(module.params)
        if not module.check_mode:
            apply(module.params, steps, module.run_command)
    except CertificateError as exc:
        module.fail_json(msg=str(exc), path=exc.path)
    except OSError as exc:
        module.fail_json(msg="%s: %s" % (exc.filename, exc.strerror), path=exc.filename)
    module.exit_json(changed=bool(steps), created=any(kind == "generate" for kind, _r in steps),
                     changes=[kind for kind, _r in steps])


if __name__ == "__main__":
    main()
