# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The autoscaling signal and decision from what the bridges report in this run."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: autoscale_plan
short_description: Bridge load per region and shard, Prometheus metrics, and how many bridges to add or remove
version_added: 0.1.0
description:
  - Aggregates each bridge's private stats (C(stress_level), C(conferences), C(participants), C(drain))
    per region and per shard, renders them in Prometheus' text format, and decides per region which
    stopped bridges to start and which active bridges to drain.
  - A region scales out when its active bridges' mean stress is above C(scale_out_stress), in when it
    is below C(scale_in_stress); it aims for its summed stress at C(target_stress) per bridge, moves at
    most C(max_step) bridges a run, keeps C(min_bridges), starts only stopped bridges whose shards all
    have a free slot, and drains the least busy bridges first.
  - Bad input fails naming the bridge, shard or policy key.
author:
  - scalemeet.jitsi maintainers (@scalemeet)
positional: _input, shards, policy
options:
  _input:
    description: Bridge name to C({region, shards, running, stats}); C(stats) is the bridge's C(/colibri/stats) answer, or null when it did not answer.
    type: dict
    required: true
  shards:
    description: Shard name to C({max_bridges, used_slots}).
    type: dict
    required: true
  policy:
    description: C(scale_out_stress) (0.7), C(scale_in_stress) (0.3), C(target_stress) (0.5), C(min_bridges) (1), C(max_step) (2).
    type: dict
    default: {}
"""

EXAMPLES = r"""
- name: Decide
  ansible.builtin.set_fact:
    plan: "{{ bridge_reports | scalemeet.jitsi.autoscale_plan(shard_slots, {'max_step': 1}) }}"
"""

RETURN = r"""
_value:
  description: C(aggregate) (bridges, regions, shards), C(plan) (per region C(active), C(desired), C(add), C(remove), C(reason)), C(metrics) (text).
  type: dict
"""

from ansible.errors import AnsibleFilterError


def autoscale_plan(bridges, shards, policy=None):
    # Imported when called (plugin_utils/filter_errors.py says why).
    from ansible_collections.scalemeet.jitsi.plugins.module_utils.autoscale import AutoscaleError, aggregate, decide, prometheus

    try:
        agg = aggregate(dict(bridges or {}), dict(shards or {}))
        plan = decide(agg, dict(policy or {}))
    except AutoscaleError as exc:
        raise AnsibleFilterError(str(exc))
    return {"aggregate": agg, "plan": plan, "metrics": prometheus(agg, plan)}


class FilterModule(object):
    def filters(self):
        return {"autoscale_plan": autoscale_plan}
