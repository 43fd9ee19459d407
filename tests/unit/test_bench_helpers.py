"""The benchmark helpers that turn measurements into numbers and reports (tests/bench)."""

import json
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "bench"))
# pylint: disable=wrong-import-position
import bench_ansible  # noqa: E402
import report  # noqa: E402
import stats  # noqa: E402

PROFILE_ROLES = """
PLAY RECAP *********************************************************************
cl-hap1                    : ok=39   changed=0    unreachable=0    failed=0    skipped=12
cl-shard1                  : ok=79   changed=2    unreachable=0    failed=0    skipped=30

Thursday 26 November 2026  22:09:30 +0000 (0:00:00.070)       0:01:15.141 *****
===============================================================================
scalemeet.jitsi.prosody ------------------------------------------------ 12.34s
gather_facts ------------------------------------------------------------ 6.10s
scalemeet.jitsi.jitsi_repo ---------------------------------------------- 2.00s
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~
total ------------------------------------------------------------------ 20.44s
"""


@pytest.mark.parametrize("p, expected", [(0, 1.0), (50, 2.5), (100, 4.0), (99, 3.97), (25, 1.75)])
def test_percentiles_interpolate_between_ranks(p, expected):
    assert stats.percentile([4, 1, 3, 2], p) == pytest.approx(expected)


def test_percentile_refuses_nonsense():
    with pytest.raises(ValueError):
        stats.percentile([], 50)
    with pytest.raises(ValueError):
        stats.percentile([1], 101)


def test_summary_scales_seconds_to_milliseconds():
    s = stats.summary([0.001, 0.002, 0.003], 1000.0)
    assert (s["count"], s["p50"], s["max"]) == (3, pytest.approx(2.0), pytest.approx(3.0))


def test_profile_roles_and_recap_are_read():
    assert bench_ansible.role_times(PROFILE_ROLES) == {
        "scalemeet.jitsi.prosody": 12.34, "gather_facts": 6.10, "scalemeet.jitsi.jitsi_repo": 2.00}
    assert bench_ansible.changed_hosts(PROFILE_ROLES) == ["cl-shard1"]
    assert bench_ansible.host_tasks(PROFILE_ROLES) == 39 + 79
    assert bench_ansible.host_tasks(PROFILE_ROLES, ("ok", "skipped")) == 39 + 12 + 79 + 30


def test_cpu_summary_says_which_side_grew_and_the_cost_per_host_task():
    cpu = bench_ansible.cpu_summary({"controller": 1.5, "hosts": 2.5}, {"controller": 24.0, "hosts": 20.0}, 400)
    assert cpu["noop_to_floor_controller"] == pytest.approx(16.0)
    assert cpu["noop_to_floor_hosts"] == pytest.approx(8.0)
    assert cpu["controller_ms_per_host_task"] == pytest.approx(60.0)


def test_inventory_hosts_found_in_nested_groups(tmp_path):
    inv = tmp_path / "inv.yml"
    inv.write_text("all:\n  hosts: {a: {}}\n  children:\n    g1:\n      hosts: {b: {}}\n      children:\n        g2: {hosts: {c: {}, a: {}}}\n")
    assert bench_ansible.inventory_hosts(inv) == ["a", "b", "c"]


def test_report_writes_json_markdown_plots_and_docs(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "machine", lambda: {"cpus": 2, "kernel": "k", "ansible_core": "2.19", "docker": "28"})
    results = [
        {"name": "ansible run cost", "setup_floor_s": {"best": 4.0, "runs": [4.0, 4.5]}, "noop_site_s": {"best": 10.0},
         "ratio_noop_to_floor": 2.5, "role_s": {"scalemeet.jitsi.prosody": 3.0, "gather_facts": 1.0}},
        {"name": "HAProxy", "small_table": {"direct_ms": {"p50": 1.0, "p99": 2.0}, "haproxy_ms": {"p50": 1.2, "p99": 2.5}},
         "table_200k": {"direct_ms": {"p50": 1.0, "p99": 2.0}, "haproxy_ms": {"p50": 1.3, "p99": 2.6}}},
        {"name": "signaling", "steps": [{"sessions": 250, "join_ms": {"p50": 90.0, "p99": 120.0}},
                                        {"sessions": 4500, "join_ms": None, "break": "step failed: 503"}]},
    ]
    docs = tmp_path / "performance.md"
    docs.write_text("# Performance\n\nHow to rerun: make bench.\n\n<!-- results -->\nold numbers\n")
    written = report.write(results, tmp_path / "out", docs)
    assert written["plots"] == ["run_cost_per_role.png", "haproxy_latency.png", "join_latency.png"]
    for name in written["plots"]:
        assert (tmp_path / "out" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads((tmp_path / "out" / "results.json").read_text())["results"][0]["ratio_noop_to_floor"] == 2.5
    md = (tmp_path / "out" / "results.md").read_text()
    assert "| ratio_noop_to_floor | 2.500 |" in md and "| setup_floor_s.runs | 4.000, 4.500 |" in md
    text = docs.read_text()
    assert text.startswith("# Performance\n\nHow to rerun: make bench.") and "old numbers" not in text
    assert "## Latest results" in text and "### HAProxy" in text and "](out/haproxy_latency.png)" in text


def test_a_partial_run_keeps_the_other_results_marked_with_their_date(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "machine", lambda: {"cpus": 2})
    monkeypatch.setattr(report, "plots", lambda _report, _out: [])
    first = report.write([{"name": "ansible", "ratio": 16.0}, {"name": "signaling", "p99": 305.0}], tmp_path)
    second = report.write([{"name": "ansible", "ratio": 12.0}], tmp_path, keep_previous=True)
    assert second["results"] == [{"name": "ansible", "ratio": 12.0},
                                 {"name": "signaling", "p99": 305.0, "measured": first["date"]}]
    third = report.write([{"name": "ansible", "ratio": 11.0}], tmp_path, keep_previous=True)
    # a result carried twice keeps the date it was measured, not the date of the run that carried it
    assert third["results"][1] == {"name": "signaling", "p99": 305.0, "measured": first["date"]}
    assert report.write([{"name": "ansible", "ratio": 10.0}], tmp_path)["results"] == [{"name": "ansible", "ratio": 10.0}]


def test_two_ramps_share_one_latency_plot(tmp_path, monkeypatch):
    monkeypatch.setattr(report, "machine", lambda: {"cpus": 2})
    ramp = {"name": "signaling", "steps": [{"sessions": 1000, "join_ms": {"p50": 90.0, "p99": 130.0}}]}
    extended = {"name": "signaling (steps 20500)", "steps": [
        {"sessions": 1000, "join_ms": {"p50": 91.0, "p99": 129.0}},
        {"sessions": 20500, "join_ms": {"p50": 99.0, "p99": 203.0}, "break": "errors 24.0 % > 1 %"}]}
    written = report.write([extended, dict(ramp, measured="2026-11-27 13:12 UTC")], tmp_path)
    assert written["plots"] == ["join_latency.png"]
    assert (tmp_path / "join_latency.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_step_breaks_on_errors_or_slow_joins():
    sys.path.insert(0, str(ROOT))
    import bench_signaling  # noqa: E402  # pylint: disable=import-outside-toplevel
    fine = {"error_rate": 0.005, "join_ms": {"p99": 1500.0}}
    assert bench_signaling.broken(fine) is None
    assert bench_signaling.broken({"error_rate": 0.02, "join_ms": {"p99": 100.0}}) == "errors 2.0 % > 1 %"
    assert bench_signaling.broken({"error_rate": 0.0, "join_ms": {"p99": 2500.0}}) == "join p99 2500 ms > 2000 ms"
    assert bench_signaling.broken({"error_rate": 1.0, "join_ms": None}) == "errors 100.0 % > 1 %"


def test_lists_of_results_flatten_by_index():
    rows = report.flatten({"steps": [{"sessions": 250, "join_ms": {"p99": 1.5}}, {"sessions": 500}], "errors": {}})
    assert rows == [("steps[0].sessions", 250), ("steps[0].join_ms.p99", 1.5), ("steps[1].sessions", 500)]


def test_cpu_bound_names_the_saturated_machine_a_busy_process_or_waiting():
    import bench_signaling  # noqa: E402  # pylint: disable=import-outside-toplevel
    busy = {"load generator": 120.0, "cl-hap1": 30.0}
    assert bench_signaling.bound_by(busy, 190.0, 200) == "machine CPUs saturated (largest: load generator 120 %)"
    assert bench_signaling.bound_by(busy, 150.0, 200) == "load generator (one CPU)"
    idle = {"load generator": 20.0, "cl-shard1": 35.0}
    assert bench_signaling.bound_by(idle, 60.0, 200).startswith("latency (no process near one CPU; largest: cl-shard1 35 %")


def test_refused_upgrades_are_counted_by_http_status():
    import ws_sessions  # noqa: E402  # pylint: disable=import-outside-toplevel

    class Refused(Exception):
        response = type("Response", (), {"status_code": 503})()
    assert ws_sessions.error_kind(Refused("no")) == "Refused HTTP 503"
    assert ws_sessions.error_kind(TimeoutError("slow")) == "TimeoutError"
    assert ws_sessions.error_kind(TimeoutError("slow"), "bind") == "TimeoutError in bind"
    assert ws_sessions.error_kind(Refused("no"), "connect") == "Refused HTTP 503 in connect"


def test_the_headline_step_runs_even_after_an_earlier_break(monkeypatch):
    import bench_signaling  # noqa: E402  # pylint: disable=import-outside-toplevel
    ran = []

    def fake_step(_cluster, sessions, rate):
        assert rate == 25.0
        ran.append(sessions)
        return {"sessions": sessions, "joined": sessions, "error_rate": 0.05 if sessions >= 250 else 0.0,
                "join_ms": {"p99": 10.0}, "cpu": {"bound_by": "latency"}}
    monkeypatch.setattr(bench_signaling, "step", fake_step)
    monkeypatch.setattr(bench_signaling.time, "sleep", lambda _s: None)
    monkeypatch.setattr(bench_signaling, "haproxy_events", lambda _cluster, _since=None: {})
    monkeypatch.setattr(bench_signaling, "wait_for_shards", lambda _cluster: 0.0)
    result = bench_signaling.run(type("Cluster", (), {"shards": {"shard1": "c1", "shard2": "c2"}})(),
                                 steps=(100, 250, 500, 1500), headline=1000, sockets=20000)
    assert ran == [100, 250, 1000]
    assert result["break_point"] == {"sessions": 250, "reason": "errors 5.0 % > 1 %"}
    assert result["headline"]["sessions"] == 1000


def test_a_step_that_cannot_run_is_the_break_point_and_earlier_steps_are_kept(monkeypatch):
    import bench_signaling  # noqa: E402  # pylint: disable=import-outside-toplevel

    def fake_step(_cluster, sessions, rate):
        if sessions > 1000:
            raise RuntimeError("GET /config.js?room=x answered 503")
        return {"sessions": sessions, "joined": sessions, "error_rate": 0.0, "join_ms": {"p99": 10.0}, "cpu": {"bound_by": "latency"}}
    monkeypatch.setattr(bench_signaling, "step", fake_step)
    monkeypatch.setattr(bench_signaling, "haproxy_events", lambda _cluster, _since=None: {"cl-hap1": ["Server shards/shard1 is DOWN"]})
    monkeypatch.setattr(bench_signaling, "wait_for_shards", lambda _cluster: 0.0)
    monkeypatch.setattr(bench_signaling.time, "sleep", lambda _s: None)
    result = bench_signaling.run(type("Cluster", (), {"shards": {"shard1": "c1"}})(), steps=(500, 2000, 3000), headline=1000, rate=25.0,
                                 sockets=20000)
    assert [s["sessions"] for s in result["steps"]] == [500, 1000, 2000]
    assert result["break_point"] == {"sessions": 2000, "reason": "step failed: GET /config.js?room=x answered 503"}
    assert result["steps"][-1]["haproxy_log"] == {"cl-hap1": ["Server shards/shard1 is DOWN"]}


def steps_that_never_break(monkeypatch):
    """bench_signaling with a step that always holds; the list of the step sizes it ran."""
    import bench_signaling  # noqa: E402  # pylint: disable=import-outside-toplevel
    ran = []

    def fake_step(_cluster, sessions, rate):
        ran.append(sessions)
        return {"sessions": sessions, "joined": sessions, "error_rate": 0.0, "join_ms": {"p99": 10.0}, "cpu": {"bound_by": "latency"}}
    monkeypatch.setattr(bench_signaling, "step", fake_step)
    monkeypatch.setattr(bench_signaling, "haproxy_events", lambda _cluster, _since=None: {})
    monkeypatch.setattr(bench_signaling, "wait_for_shards", lambda _cluster: 0.0)
    return bench_signaling, ran


def test_past_its_steps_the_ramp_grows_by_half_until_the_generator_runs_out_of_sockets(monkeypatch):
    bench_signaling, ran = steps_that_never_break(monkeypatch)
    result = bench_signaling.run(type("Cluster", (), {"shards": {"shard1": "c1"}})(), steps=(1000, 2000), sockets=10000)
    # 2000 * 1.5 = 3000, 4500, 6750 -> 7000, 10500 (more than 10,000 sockets less the margin)
    assert ran == [1000, 2000, 3000, 4500, 7000]
    assert result["break_point"] == {
        "sessions": None, "reason": "did not break up to 7000 sessions; the next step, 10500, needs more sockets than "
        "the load generator may open (ulimit -Hn 10000)"}


def test_the_ramp_stops_before_a_step_past_its_bound(monkeypatch):
    bench_signaling, ran = steps_that_never_break(monkeypatch)
    result = bench_signaling.run(type("Cluster", (), {"shards": {"shard1": "c1"}})(), steps=(20500,), sockets=262144,
                                 max_sessions=31000)
    assert ran == [1000, 20500, 31000]
    assert result["break_point"] == {
        "sessions": None, "reason": "did not break up to 31000 sessions; the next step, 46500, is past the bench's bound "
        "(--max-sessions 31000)"}


def test_past_its_steps_the_ramp_stops_at_the_step_that_breaks(monkeypatch):
    import bench_signaling  # noqa: E402  # pylint: disable=import-outside-toplevel

    def fake_step(_cluster, sessions, rate):
        return {"sessions": sessions, "joined": sessions, "error_rate": 0.0, "cpu": {"bound_by": "latency"},
                "join_ms": {"p99": 2500.0 if sessions >= 4500 else 300.0}}
    monkeypatch.setattr(bench_signaling, "step", fake_step)
    monkeypatch.setattr(bench_signaling, "haproxy_events", lambda _cluster, _since=None: {})
    monkeypatch.setattr(bench_signaling, "wait_for_shards", lambda _cluster: 0.0)
    result = bench_signaling.run(type("Cluster", (), {"shards": {"shard1": "c1"}})(), steps=(1000, 2000), sockets=100000)
    assert [s["sessions"] for s in result["steps"]] == [1000, 2000, 3000, 4500]
    assert result["break_point"] == {"sessions": 4500, "reason": "join p99 2500 ms > 2000 ms"}


def test_server_states_are_read_from_haproxy_metrics():
    from tests.haproxy import runtime  # noqa: E402  # pylint: disable=import-outside-toplevel
    metrics = "\n".join([
        '# TYPE haproxy_server_status gauge',
        'haproxy_server_status{proxy="shards",server="shard1",state="DOWN"} 0',
        'haproxy_server_status{proxy="shards",server="shard1",state="UP"} 1',
        'haproxy_server_status{proxy="shards",server="shard2",state="UP"} 0',
        'haproxy_server_status{proxy="shards",server="shard2",state="DOWN"} 1',
        'haproxy_server_status{proxy="shards",server="shard2",state="MAINT"} 0',
    ])
    assert runtime.server_states(metrics) == {"shard1": "UP", "shard2": "DOWN"}


def test_slow_samples_say_when_each_path_was_slow():
    import bench_haproxy  # noqa: E402  # pylint: disable=import-outside-toplevel
    samples = {"at": [0.0, 0.1, 0.2, 0.3], "haproxy": [0.0004, 0.004, 0.0004, 0.003], "direct": [0.0003, 0.0003, 0.005, 0.0003]}
    slow = bench_haproxy.slow_samples(samples, 0.0013)
    assert slow["haproxy"]["count"] == 2 and slow["haproxy"]["at_s"] == [0.1, 0.3] and slow["haproxy"]["ms"] == [4.0, 3.0]
    assert slow["direct"]["count"] == 1 and slow["direct"]["share"] == 0.25
    assert slow["run_s"] == 0.3


def test_waiting_for_a_quiet_machine_ends_at_the_first_quiet_window(monkeypatch):
    import containers  # noqa: E402  # pylint: disable=import-outside-toplevel
    busy = iter([0.0, 1.8, 1.8, 3.6, 3.6, 3.8])  # busy CPU-seconds read before and after each 1 s window, 2 CPUs
    monkeypatch.setattr(containers, "machine_busy_seconds", lambda: (next(busy), 2))
    monkeypatch.setattr(containers.time, "sleep", lambda _s: None)
    clock = iter(range(100))
    monkeypatch.setattr(containers.time, "monotonic", lambda: float(next(clock)))
    waited = containers.wait_until_quiet(busy_below=0.35, window=1.0, timeout=60.0)
    # windows 1 and 2 were 90 % busy, window 3 was 10 %: three windows read, then it stopped
    assert waited > 0
    with pytest.raises(StopIteration):
        containers.machine_busy_seconds()


def test_down_events_are_counted_once_per_node():
    import bench_signaling  # noqa: E402  # pylint: disable=import-outside-toplevel
    events = {"cl-hap1": ["[WARNING]  (1001) : Server shards/shard2 is DOWN, reason: Layer7 timeout",
                          "Server shards/shard2 is DOWN, reason: Layer7 timeout",
                          "Server shards/shard2 is UP, reason: Layer7 check passed"],
              "cl-hap2": ["Server shards/shard2 is DOWN, reason: Layer7 timeout"]}
    assert bench_signaling.down_events(events) == ["cl-hap1: Server shards/shard2 is DOWN, reason: Layer7 timeout",
                                                   "cl-hap2: Server shards/shard2 is DOWN, reason: Layer7 timeout"]


def test_server_states_of_one_proxy_only():
    from tests.haproxy import runtime  # noqa: E402  # pylint: disable=import-outside-toplevel
    metrics = "\n".join(['haproxy_server_status{proxy="shards",server="shard1",state="UP"} 1',
                         'haproxy_server_status{proxy="jitsi-meet",server="shard1",state="DOWN"} 1'])
    assert runtime.server_states(metrics, proxy="shards") == {"shard1": "UP"}
    assert runtime.server_states(metrics, proxy="jitsi-meet") == {"shard1": "DOWN"}


def test_a_join_cut_off_by_the_step_limit_is_told_from_a_server_wait():
    import asyncio  # pylint: disable=import-outside-toplevel
    import time  # pylint: disable=import-outside-toplevel
    import ws_sessions  # noqa: E402  # pylint: disable=import-outside-toplevel

    class Slow:
        def __init__(self, hang, step):
            self.hang, self.step = hang, step

        async def join(self):
            if self.hang == "server":
                raise TimeoutError("no answer")
            await asyncio.sleep(5)
            return None, 0.0
    seen = []
    participants = [Slow("server", "bind"), Slow("limit", "join")]
    asyncio.run(ws_sessions.arrive(participants, 1000.0, time.monotonic() + 0.2,
                                   lambda p, shard, s, exc: seen.append(ws_sessions.error_kind(exc, p.step))))
    assert sorted(seen) == ["StepTimeLimit in join", "TimeoutError in bind"]


def test_the_paired_ratio_follows_a_drifting_machine_and_drops_the_recording_run():
    # the recording run (24 s) is dropped; the rest drift together by a fifth and keep ratio 4
    assert bench_ansible.paired_ratio_median([24.0, 10.0, 12.0], [2.5, 2.5, 3.0]) == 4.0
    assert bench_ansible.paired_ratio_median([24.0, 10.0, 12.0, 11.0, 10.0], [2.5, 2.5, 3.0, 2.5, 2.5]) == 4.0
    # best against best pairs runs from different minutes (10 / 2.4 = 4.17 here); the median
    # round is the third
    assert bench_ansible.paired_ratio_median([10.0, 12.0, 13.0], [3.0, 2.4, 3.2]) == pytest.approx(13 / 3.2)
