# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters report the typed errors of module_utils as Ansible's filter error, same message."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools

from ansible.errors import AnsibleFilterError


def reports(*error_types):
    """Decorate a filter: an error of error_types becomes AnsibleFilterError with its message."""
    def decorate(func):
        @functools.wraps(func)
        def run(*args, **kwargs):
            try:
                return func(*args, **kwargs)
            except error_types as exc:
                raise AnsibleFilterError(str(exc)) from exc
        return run
    return decorate
