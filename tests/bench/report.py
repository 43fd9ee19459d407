"""The benchmark report: results.json, results.md and PNG plots in one directory, and
docs/performance.md with the latest numbers, the machine they came from and how to rerun them."""

import datetime
import importlib.metadata
import json
import os
import pathlib
import platform
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]


def machine():
    """What the numbers were measured on."""
    info = {"cpus": os.cpu_count(), "kernel": platform.release(), "python": platform.python_version()}
    try:
        model = [line for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")]
        info["cpu_model"] = model[0].split(":", 1)[1].strip() if model else "unknown"
        mem = [line for line in pathlib.Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")]
        info["memory_gib"] = round(int(mem[0].split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    # The ansible-core this interpreter imports is the one the benchmarks ran (ansible may not be on PATH).
    try:
        info["ansible_core"] = importlib.metadata.version("ansible-core")
    except importlib.metadata.PackageNotFoundError:
        info["ansible_core"] = "unknown"
    try:
        info["docker"] = subprocess.run(["docker", "version", "-f", "{{.Server.Version}}"], capture_output=True,
                                        text=True, check=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        info["docker"] = "unknown"
    return info


def flatten(value, prefix=""):
    """[(dotted key, scalar)] of a nested result."""
    if isinstance(value, dict):
        rows = []
        for key, inner in value.items():
            rows += flatten(inner, "%s.%s" % (prefix, key) if prefix else str(key))
        return rows
    if isinstance(value, list) and value and all(isinstance(v, (int, float)) for v in value):
        return [(prefix, ", ".join(fmt(v) for v in value))]
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        rows = []
        for index, inner in enumerate(value):
            rows += flatten(inner, "%s[%d]" % (prefix, index))
        return rows
    return [(prefix, value)]


def fmt(value):
    if isinstance(value, float):
        return "%.3f" % value if abs(value) < 100 else "%.1f" % value
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "none"
    return str(value)


def markdown(report):
    lines = ["# Benchmark results", "", "Measured %s on %s CPUs (%s), %s GiB, kernel %s, ansible-core %s, Docker %s." % (
        report["date"], report["machine"].get("cpus"), report["machine"].get("cpu_model", "?"),
        report["machine"].get("memory_gib", "?"), report["machine"].get("kernel"), report["machine"].get("ansible_core"),
        report["machine"].get("docker")), ""]
    for result in report["results"]:
        lines += ["## %s" % result["name"], "", "| measure | value |", "|---|---|"]
        lines += ["| %s | %s |" % (key, fmt(value)) for key, value in flatten(dict((k, v) for k, v in result.items() if k != "name"))]
        lines.append("")
    lines += ["Plots: " + (", ".join("[%s](%s)" % (p, p) for p in report.get("plots", [])) or "none"), ""]
    return "\n".join(lines)


def plots(report, out_dir):
    """PNG plots of what has a shape worth seeing; returns their file names."""
    import matplotlib  # pylint: disable=import-outside-toplevel
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # pylint: disable=import-outside-toplevel
    written = []
    for result in report["results"]:
        if "role_s" in result:
            roles = list(result["role_s"].items())
            fig, ax = plt.subplots(figsize=(8, 0.4 * len(roles) + 1.5))
            ax.barh([r for r, _s in roles][::-1], [s for _r, s in roles][::-1], color="#4c72b0")
            ax.set_xlabel("seconds (no-op re-run of site.yml, best of runs)")
            ax.set_title("Run cost per role; floor (ansible -m setup): %.1f s" % result["setup_floor_s"]["best"])
            fig.tight_layout()
            fig.savefig(out_dir / "run_cost_per_role.png", dpi=100)
            plt.close(fig)
            written.append("run_cost_per_role.png")
        if "table_200k" in result:
            labels = ["direct p50", "HAProxy p50", "direct p99", "HAProxy p99"]
            fig, ax = plt.subplots(figsize=(8, 4))
            series = [(key, label) for key, label in (("small_table", "before the fill"), ("table_200k", "200,000 rooms"),
                                                      ("table_200k_while_peers_sync", "200,000 rooms, peers syncing"))
                      if key in result]
            width = 0.8 / len(series)
            for offset, (key, label) in enumerate(series):
                r = result[key]
                values = [r["direct_ms"]["p50"], r["haproxy_ms"]["p50"], r["direct_ms"]["p99"], r["haproxy_ms"]["p99"]]
                ax.bar([i + offset * width for i in range(4)], values, width, label=label)
            ax.set_xticks([i + width * (len(series) - 1) / 2 for i in range(4)], labels)
            ax.set_ylabel("ms per request")
            ax.set_title("HAProxy versus straight to nginx")
            ax.legend()
            fig.tight_layout()
            fig.savefig(out_dir / "haproxy_latency.png", dpi=100)
            plt.close(fig)
            written.append("haproxy_latency.png")
    ramps = [r for r in report["results"] if "steps" in r]
    if ramps:  # every signaling ramp in one plot (a partial run keeps the last full one beside it)
        fig, ax = plt.subplots(figsize=(8, 4))
        for result in ramps:
            steps = [s for s in result["steps"] if s.get("join_ms")]  # a step where nobody joined has no latency
            sessions = [s["sessions"] for s in steps]
            label = "" if len(ramps) == 1 else " (%s)" % result.get("measured", report["date"])
            ax.plot(sessions, [s["join_ms"]["p50"] for s in steps], marker="o", label="join p50" + label)
            ax.plot(sessions, [s["join_ms"]["p99"] for s in steps], marker="o", label="join p99" + label)
            broke = [s for s in result["steps"] if s.get("break")]
            for step in broke[:1]:
                ax.axvline(step["sessions"], color="red", linestyle="--", linewidth=1)
                ax.annotate("breaks: " + step["break"], (step["sessions"], ax.get_ylim()[1] * 0.9), color="red",
                            ha="right", fontsize=8)
        ax.set_xlabel("sessions")
        ax.set_ylabel("ms to join a room (participants who joined)")
        ax.set_title("Signaling: join latency against sessions")
        ax.legend(fontsize=8)
        fig.tight_layout()
        fig.savefig(out_dir / "join_latency.png", dpi=100)
        plt.close(fig)
        written.append("join_latency.png")
    return written


def carried_over(results, previous_path):
    """The results of an earlier report that this run did not measure again (make bench with
    --only), each marked with the date it was measured, after this run's own."""
    try:
        previous = json.loads(pathlib.Path(previous_path).read_text())
    except (OSError, ValueError):
        return results
    measured = {r["name"] for r in results}
    kept = [dict(r, measured=r.get("measured", previous.get("date", "unknown")))
            for r in previous.get("results", []) if r.get("name") not in measured]
    return results + kept


def write(results, out_dir, docs=None, keep_previous=False):
    """results.json, results.md and plots into out_dir; the same Markdown into docs when given.
    keep_previous: results of out_dir's last report that this run did not measure stay in it."""
    out_dir = pathlib.Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if keep_previous:
        results = carried_over(results, out_dir / "results.json")
    report = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
              "machine": machine(), "results": results}
    report["plots"] = plots(report, out_dir)
    (out_dir / "results.json").write_text(json.dumps(report, indent=2) + "\n")
    text = markdown(report)
    (out_dir / "results.md").write_text(text)
    if docs:
        docs = pathlib.Path(docs)
        head = docs.read_text().split("<!-- results -->")[0] if docs.exists() else "# Performance\n\n"
        rel = os.path.relpath(out_dir, docs.parent)
        body = text.replace("## ", "### ").replace("# Benchmark results", "## Latest results")
        body = body.replace("](", "](%s/" % rel)
        docs.write_text(head.rstrip("\n") + "\n\n<!-- results -->\n" + body)
    return report
