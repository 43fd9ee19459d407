"""Small statistics for the benchmarks: percentiles of samples and their summary.

Percentiles use linear interpolation between closest ranks (numpy's default), so p50 of an
even count is the mean of the two middle samples. Numbers only: the benchmarks print and
store them, nothing asserts on them.
"""

import math


def percentile(samples, p):
    """The p-th percentile (0..100) of samples, linearly interpolated."""
    if not samples:
        raise ValueError("no samples")
    if not 0 <= p <= 100:
        raise ValueError("percentile %r is not in 0..100" % (p,))
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * p / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    if low == high:
        return float(ordered[int(rank)])
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(samples, scale=1.0):
    """count, p50, p90, p99, max and mean of samples, each multiplied by scale (1000: s to ms)."""
    return {
        "count": len(samples),
        "p50": percentile(samples, 50) * scale,
        "p90": percentile(samples, 90) * scale,
        "p99": percentile(samples, 99) * scale,
        "max": max(samples) * scale,
        "mean": sum(samples) / len(samples) * scale,
    }


def best_and_median(samples):
    """(best, median) of repeated timings: the best is the least disturbed run."""
    return min(samples), percentile(samples, 50)
