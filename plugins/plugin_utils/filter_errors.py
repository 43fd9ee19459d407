# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters report the typed errors of module_utils as Ansible's filter error, same message.

Filters import module_utils inside the function, not at the top of the file: to find one of a
collection's filters, ansible-core loads every filter file of the collection, in each task's
worker process, and compiles the collection's module_utils from source each time. Imports at the
top would make every task that uses any filter pay for all of them (20 ms a task against 10 ms,
measured; docs/performance.md).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib

from ansible.errors import AnsibleFilterError


@contextlib.contextmanager
def reported(*error_types):
    """An error of error_types raised inside becomes AnsibleFilterError with its message."""
    try:
        yield
    except error_types as exc:
        raise AnsibleFilterError(str(exc)) from exc
