# -*- coding: utf-8 -*-
# Copyright: scalemeet.jitsi contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The autoscaling signal: bridge load per region and shard, and how many bridges to add or remove.

Input is what the hosts say about themselves, read in the same run (nothing is remembered):
each bridge's region and shards (inventory), whether its service runs, and its private stats
API (stress_level, conferences, participants, drain); each shard's slots (maximum, in use).

A region scales out when its active bridges' mean stress is above `scale_out_stress` and in
when it is below `scale_in_stress`; the size it aims for carries the region's summed stress
at `target_stress` per bridge. Steps are at most `max_step` bridges, never below
`min_bridges`, and an added bridge must be a stopped bridge of the region for which every
shard it serves has a free slot. Removed bridges are the least busy ones.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math

from ansible_collections.scalemeet.jitsi.plugins.module_utils.problems import ProblemsError

POLICY_DEFAULTS = {"scale_out_stress": 0.7, "scale_in_stress": 0.3, "target_stress": 0.5, "min_bridges": 1, "max_step": 2}


class AutoscaleError(ProblemsError):
    """Every problem with the autoscaling input, one line each."""

    what = "autoscale"


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def check_policy(policy):
    """The policy with defaults filled in; raises AutoscaleError naming each bad key."""
    merged = dict(POLICY_DEFAULTS)
    merged.update(policy or {})
    problems = ["policy: unknown key %s" % k for k in sorted(set(merged) - set(POLICY_DEFAULTS))]
    for key in ("scale_out_stress", "scale_in_stress", "target_stress"):
        if not _number(merged[key]) or not 0 < merged[key] <= 1:
            problems.append("policy: %s=%r must be a number in (0, 1]" % (key, merged[key]))
    for key in ("min_bridges", "max_step"):
        if not isinstance(merged[key], int) or isinstance(merged[key], bool) or merged[key] < (0 if key == "min_bridges" else 1):
            problems.append("policy: %s=%r must be an integer of at least %d" % (key, merged[key], 0 if key == "min_bridges" else 1))
    if not problems and not merged["scale_in_stress"] < merged["target_stress"] < merged["scale_out_stress"]:
        problems.append("policy: needs scale_in_stress < target_stress < scale_out_stress, got %s < %s < %s"
                        % (merged["scale_in_stress"], merged["target_stress"], merged["scale_out_stress"]))
    if problems:
        raise AutoscaleError(problems)
    return merged


def bridge_state(bridge):
    """active, draining, stopped or unreachable (running, but its stats API did not answer)."""
    if not bridge.get("running"):
        return "stopped"
    stats = bridge.get("stats")
    if not isinstance(stats, dict):
        return "unreachable"
    return "draining" if stats.get("drain") or stats.get("graceful_shutdown") else "active"


def _load(bridge):
    stats = bridge.get("stats") or {}
    return {"stress": float(stats.get("stress_level") or 0.0), "conferences": int(stats.get("conferences") or 0),
            "participants": int(stats.get("participants") or 0)}


def aggregate(bridges, shards):
    """Per bridge, region and shard: states, stress, conferences, participants, free slots."""
    problems = []
    for name in sorted(bridges):
        b = bridges[name]
        if not isinstance(b.get("region"), str) or not b.get("region"):
            problems.append("bridge %s: region is missing" % name)
        unknown = sorted(set(b.get("shards") or []) - set(shards))
        if not b.get("shards") or unknown:
            problems.append("bridge %s: shards %s are not shards of the deployment" % (name, ", ".join(unknown) or "(none)"))
    for name in sorted(shards):
        s = shards[name]
        if not isinstance(s.get("max_bridges"), int) or not isinstance(s.get("used_slots"), int):
            problems.append("shard %s: max_bridges and used_slots must be integers" % name)
    if problems:
        raise AutoscaleError(problems)

    def group():
        return {"bridges": {"active": 0, "draining": 0, "stopped": 0, "unreachable": 0},
                "stress_sum": 0.0, "conferences": 0, "participants": 0}
    per_bridge, regions, per_shard = {}, {}, {}
    for name in sorted(bridges):
        b = bridges[name]
        state, load = bridge_state(b), _load(b)
        per_bridge[name] = dict(load, state=state, region=b["region"], shards=sorted(b["shards"]))
        for g in [regions.setdefault(b["region"], group())] + [per_shard.setdefault(s, group()) for s in b["shards"]]:
            g["bridges"][state] += 1
            if state == "active":
                g["stress_sum"] += load["stress"]
            if state in ("active", "draining"):
                g["conferences"] += load["conferences"]
                g["participants"] += load["participants"]
    for name in sorted(shards):
        per_shard.setdefault(name, group())["free_slots"] = max(0, shards[name]["max_bridges"] - shards[name]["used_slots"])
    for g in list(regions.values()) + list(per_shard.values()):
        active = g["bridges"]["active"]
        g["stress_avg"] = round(g["stress_sum"] / active, 4) if active else 0.0
        g["stress_sum"] = round(g["stress_sum"], 4)
    return {"bridges": per_bridge, "regions": regions, "shards": per_shard}


def decide(agg, policy=None):
    """Per region: active, desired, the stopped bridges to start (add) and the ones to drain (remove)."""
    p = check_policy(policy)
    free = dict((s, g["free_slots"]) for s, g in agg["shards"].items())
    plan = {}
    for region in sorted(agg["regions"]):
        g = agg["regions"][region]
        active = g["bridges"]["active"]
        members = [n for n in sorted(agg["bridges"]) if agg["bridges"][n]["region"] == region]
        aim = max(p["min_bridges"], int(math.ceil(g["stress_sum"] / p["target_stress"] - 1e-9)))
        if active < p["min_bridges"]:
            desired, reason = aim, "fewer active bridges than min_bridges %d" % p["min_bridges"]
        elif active and g["stress_avg"] > p["scale_out_stress"]:
            desired = max(aim, active + 1)
            reason = "mean stress %.2f above scale_out_stress %.2f" % (g["stress_avg"], p["scale_out_stress"])
        elif active and g["stress_avg"] < p["scale_in_stress"]:
            desired = min(aim, active)
            reason = "mean stress %.2f below scale_in_stress %.2f%s" % (
                g["stress_avg"], p["scale_in_stress"], "" if desired < active else "; kept at min_bridges %d" % p["min_bridges"])
        else:
            desired, reason = active, "mean stress %.2f within %.2f..%.2f" % (g["stress_avg"], p["scale_in_stress"], p["scale_out_stress"])
        add, remove, limits = [], [], []
        if desired > active:
            want = min(desired - active, p["max_step"])
            for name in (n for n in members if agg["bridges"][n]["state"] == "stopped"):
                if len(add) == want:
                    break
                if all(free.get(s, 0) > 0 for s in agg["bridges"][name]["shards"]):
                    add.append(name)
                    for s in agg["bridges"][name]["shards"]:
                        free[s] -= 1
            if len(add) < desired - active:
                limits.append("max_step %d" % p["max_step"] if len(add) == p["max_step"]
                              else "%d stopped bridge(s) with free slots" % len(add))
        elif desired < active:
            busy = sorted((n for n in members if agg["bridges"][n]["state"] == "active"),
                          key=lambda n: (agg["bridges"][n]["conferences"], agg["bridges"][n]["participants"], n))
            remove = sorted(busy[:min(active - desired, p["max_step"])])
            if len(remove) < active - desired:
                limits.append("max_step %d" % p["max_step"])
        plan[region] = {"active": active, "desired": desired, "add": add, "remove": remove,
                        "stress_avg": g["stress_avg"], "reason": reason + ("; limited by " + ", ".join(limits) if limits else "")}
    return plan


def _labels(**labels):
    def esc(v):
        return str(v).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")
    return "{%s}" % ",".join('%s="%s"' % (k, esc(labels[k])) for k in sorted(labels))


def prometheus(agg, plan=None):
    """The aggregate (and plan) in Prometheus' text exposition format, for a textfile collector."""
    out = []

    def metric(name, help_text, samples):
        out.append("# HELP %s %s" % (name, help_text))
        out.append("# TYPE %s gauge" % name)
        out.extend("%s%s %s" % (name, _labels(**labels), value) for labels, value in samples)
    b, r, s = agg["bridges"], agg["regions"], agg["shards"]
    states = ("active", "draining", "stopped", "unreachable")
    metric("scalemeet_bridge_up", "1 when the bridge runs and its stats API answers.",
           [({"bridge": n, "region": b[n]["region"]}, int(b[n]["state"] in ("active", "draining"))) for n in sorted(b)])
    metric("scalemeet_bridge_draining", "1 when the bridge drains (no new conferences).",
           [({"bridge": n, "region": b[n]["region"]}, int(b[n]["state"] == "draining")) for n in sorted(b)])
    for key, text in (("stress", "Stress level the bridge reports (0 to 1)."), ("conferences", "Conferences on the bridge."),
                      ("participants", "Participants on the bridge.")):
        metric("scalemeet_bridge_" + key, text, [({"bridge": n, "region": b[n]["region"]}, b[n][key]) for n in sorted(b)])
    for kind, groups, label in (("region", r, "region"), ("shard", s, "shard")):
        metric("scalemeet_%s_bridges" % kind, "Bridges of the %s by state." % kind,
               [({label: g, "state": st}, groups[g]["bridges"][st]) for g in sorted(groups) for st in states])
        metric("scalemeet_%s_stress_avg" % kind, "Mean stress of the %s's active bridges." % kind,
               [({label: g}, groups[g]["stress_avg"]) for g in sorted(groups)])
        metric("scalemeet_%s_conferences" % kind, "Conferences on the %s's running bridges." % kind,
               [({label: g}, groups[g]["conferences"]) for g in sorted(groups)])
    metric("scalemeet_shard_free_slots", "Bridge slots of the shard no bridge holds.",
           [({"shard": g}, s[g]["free_slots"]) for g in sorted(s)])
    if plan is not None:
        metric("scalemeet_autoscale_desired_bridges", "Active bridges the autoscaling policy aims for.",
               [({"region": g}, plan[g]["desired"]) for g in sorted(plan)])
    return "\n".join(out) + "\n"
