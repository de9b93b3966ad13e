"""``make bench``: crmgate's endpoints beside a bare Starlette "hello" app and WireMock serving
the same bytes as static stubs, all in one run; then crmgate's memory across many requests.

Options: ``--seconds N`` per endpoint, ``--rss-requests N`` (0 skips the memory run),
``--workers N`` (processes for both crmgate and the hello app; WireMock uses every CPU).
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from bench import load, wiremock
from bench.servers import free_port, served
from bench.targets import TARGETS

ROOT = Path(__file__).resolve().parent.parent


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children (the workers of ``--workers N``)."""
    total = 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            total += int(line.split()[1]) / 1024
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return total + sum(rss_mb(int(child)) for child in children)


def answer(target: load.Target) -> httpx.Response:
    return httpx.request(
        target.method, target.url, content=target.body, headers=dict(target.headers)
    )


def table(rows: list[tuple[str, load.Result, load.Result | None]], hello: load.Result) -> None:
    header = ("endpoint", "req/s", "p50 ms", "p99 ms", "vs hello", "WireMock", "vs WM", "errors")
    print("| {:<40} | {:>8} | {:>7} | {:>7} | {:>8} | {:>8} | {:>6} | {:>6} |".format(*header))
    print("|" + "|".join("-" * (w + 2) for w in (40, 8, 7, 7, 8, 8, 6, 6)) + "|")
    for name, r, wm in rows:
        wm_rps = f"{wm.rps:.0f}" if wm else "n/a"
        vs_wm = f"{r.rps / wm.rps:.2f}x" if wm else "n/a"
        print(
            f"| {name:<40} | {r.rps:>8.0f} | {r.p50_ms:>7.2f} | {r.p99_ms:>7.2f} | "
            f"{r.rps / hello.rps:>7.0%} | {wm_rps:>8} | {vs_wm:>6} | {r.errors:>6} |"
        )


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rss-requests", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    workers = ["--workers", str(args.workers)]
    uvicorn = [sys.executable, "-m", "uvicorn", "--log-level", "warning", "--no-access-log"]
    uvicorn += workers
    with served([*uvicorn, "bench.hello:app"], "/") as (hello_base, _):
        hello = load.run(load.Target("bare Starlette hello", hello_base + "/"), args.seconds)
    measured: list[tuple[load.Target, load.Result, httpx.Response]] = []
    memory = ""
    with tempfile.TemporaryDirectory() as tmp:
        crmgate = [str(Path(sys.executable).parent / "crmgate"), "serve", "--log-level", "warning"]
        db = ["--db", str(Path(tmp) / "bench.db"), *workers]
        env = {"CRMGATE_ADMIN_TOKEN": ""}
        with served([*crmgate, *db], "/__admin/health", env) as (base, pid):
            targets = [t for build in TARGETS.values() for t in build(base)]
            for target in targets:
                recorded = answer(target)
                load.run(target, 1)  # warm-up
                measured.append((target, load.run(target, args.seconds), recorded))
            if args.rss_requests:
                memory = measure_memory(pid, targets[0], measured[0][1].rps, args.rss_requests)
        wiremocked = run_wiremock(measured, Path(tmp) / "wiremock", args.seconds)
    print(
        f"# crmgate bench: {load.tool()}, {load.CONNECTIONS} connections, {args.seconds:g}s each, "
        f"{args.workers} worker process(es) for crmgate and hello"
    )
    print(f"# {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    rows = [("bare Starlette hello", hello, None)]
    rows += [(t.name, r, wiremocked.get(t.name)) for t, r, _ in measured]
    table(rows, hello)
    if memory:
        print(memory)
    return 0


def measure_memory(pid: int, target: load.Target, rps: float, requests: int) -> str:
    """RSS before and after ``requests`` more requests (duration from the measured rate)."""
    before = rss_mb(pid)
    seconds = min(600.0, max(2.0, requests / max(rps, 1.0)))
    result = load.run(target, seconds)
    after = rss_mb(pid)
    return (
        f"# memory: crmgate RSS {before:.1f} MB -> {after:.1f} MB (+{after - before:.1f} MB) "
        f"after {result.rps * seconds:,.0f} requests to '{target.name}' with the journal on"
    )


def run_wiremock(
    measured: list[tuple[load.Target, load.Result, httpx.Response]], root: Path, seconds: float
) -> dict[str, load.Result]:
    stubs = [wiremock.stub(t, recorded) for t, _, recorded in measured]
    try:
        with wiremock.serving(stubs, root, free_port()) as base:
            moved = [
                load.Target(t.name, f"{base}/{t.url.split('/', 3)[3]}", t.method, t.body, t.headers)
                for t, _, _ in measured
            ]
            for target in moved:  # the JVM compiles as it goes: warm every stub before any count
                load.run(target, 2)
            return {target.name: load.run(target, seconds) for target in moved}
    except (FileNotFoundError, subprocess.CalledProcessError) as exc:
        print(f"# WireMock not measured: {exc}")
        return {}


if __name__ == "__main__":
    sys.exit(main())
