"""How a single-call benchmark reports its sequential call times: p50, p99 and max."""

from __future__ import annotations

import statistics


def report(title: str, times: list[float]) -> None:
    """Print ``title`` and the spread of ``times`` (milliseconds)."""
    p99 = statistics.quantiles(times, n=100)[98]
    print(f"# {title}")
    print(f"p50 {statistics.median(times):.1f} ms  p99 {p99:.1f} ms  max {max(times):.1f} ms")
