"""``make bench``: crmgate's endpoints beside a bare Starlette "hello" app, the reference app
(``../shared/bench/proto.py``, a lean PF links answer on the same stack), the write floor
(``bench/floor.py``: one SQLite UPDATE and COMMIT per PUT) and WireMock serving
the same bytes as static stubs, all in one run: one table per process count (``--workers``,
default ``1,2``: crmgate, hello and the reference app each with that many processes); then
crmgate's memory across many requests. The PF links GET is measured twice: as a client
repeating it gets it (from the answer cache) and computed (a gateway with the cache off).

Options: ``--seconds N`` per endpoint, ``--rss-requests N`` (0 skips the memory run),
``--workers 1,2`` (the process counts, one table each; WireMock uses every CPU, measured once).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

from bench import load, wiremock
from bench.servers import free_port, served
from bench.servicestack import JOHN, JSON_UPDATE
from bench.targets import TARGETS

ROOT = Path(__file__).resolve().parent.parent
#: The reference app, where the project's shared folder keeps it (override: CRMGATE_BENCH_PROTO).
PROTO = Path(os.environ.get("CRMGATE_BENCH_PROTO", ROOT.parent / "shared/bench/proto.py"))
PROTO_NAME = "reference app (proto.py, PF links)"
#: ``bench/floor.py``: one committed SQLite write per PUT, the floor of crmgate's write rows.
FLOOR_NAME = "write floor (bare Starlette + one SQLite UPDATE and COMMIT, WAL, synchronous=NORMAL)"
#: The GET measured again on a gateway with the answer cache off (``--no-answer-cache``), so
#: the table shows the computed path beside the reused one; WireMock serves the same bytes.
COMPUTED = "PF GET links JSON"
COMPUTED_SUFFIX = " (computed)"
Row = tuple[str, load.Result, load.Result | None]


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


def table(rows: list[Row], hello: load.Result, alone: dict[str, float] | None = None) -> None:
    """One run's table; ``alone``: req/s of each row with one process (the gain column)."""
    header = ("endpoint", "req/s", "p50 ms", "p99 ms", "vs hello", "WireMock", "vs WM", "errors")
    widths = [max(40, *(len(name) for name, _, _ in rows)), 8, 7, 7, 8, 8, 6, 6]
    if alone is not None:
        header += ("vs 1 proc",)
        widths.append(9)
    print(
        "| "
        + " | ".join(
            f"{h:<{w}}" if i == 0 else f"{h:>{w}}"
            for i, (h, w) in enumerate(zip(header, widths, strict=True))
        )
        + " |"
    )
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for name, r, wm in rows:
        wm_rps = f"{wm.rps:.0f}" if wm else "n/a"
        vs_wm = f"{r.rps / wm.rps:.2f}x" if wm else "n/a"
        line = (
            f"| {name:<{widths[0]}} | {r.rps:>8.0f} | {r.p50_ms:>7.2f} | {r.p99_ms:>7.2f} | "
            f"{r.rps / hello.rps:>7.0%} | {wm_rps:>8} | {vs_wm:>6} | {r.errors:>6} |"
        )
        if alone is not None:
            gain = f"{r.rps / alone[name]:.2f}x" if alone.get(name) else "n/a"
            line += f" {gain:>9} |"
        print(line)


def run_proto(uvicorn: list[str], seconds: float) -> load.Result | None:
    """The reference app, run as its README says: copied to a temporary folder, where it
    writes its SQLite file."""
    if not PROTO.exists():
        print(f"# reference app not measured: {PROTO} not found")
        return None
    with tempfile.TemporaryDirectory() as folder:
        shutil.copy(PROTO, folder)
        with served([*uvicorn, "proto:app"], "/", cwd=Path(folder)) as (base, _):
            target = load.Target(
                PROTO_NAME,
                f"{base}/api/contacts/{JOHN}/links",
                headers=(("Authorization", "Bearer t0k3n"),),
            )
            load.run(target, 1)  # warm-up
            return load.run(target, seconds)


def run_floor(uvicorn: list[str], seconds: float) -> load.Result:
    """The write floor, its database in a temporary folder, PUT with the BokaMera PUT's body."""
    with tempfile.TemporaryDirectory() as folder:
        env = {"CRMGATE_BENCH_FLOOR_DB": str(Path(folder) / "floor.db")}
        with served([*uvicorn, "bench.floor:app"], "/", env) as (base, _):
            json_type = (("Content-Type", "application/json"),)
            target = load.Target(FLOOR_NAME, base + "/", "PUT", JSON_UPDATE, json_type)
            load.run(target, 1)  # warm-up
            return load.run(target, seconds)


def run_processes(
    workers: int, seconds: float, rss_requests: int
) -> tuple[
    load.Result,
    load.Result | None,
    load.Result,
    list[tuple[load.Target, load.Result, httpx.Response]],
    str,
]:
    """hello, the reference app, the write floor and every crmgate endpoint with ``workers``
    processes each."""
    uvicorn = [sys.executable, "-m", "uvicorn", "--log-level", "warning", "--no-access-log"]
    uvicorn += ["--workers", str(workers)]
    with served([*uvicorn, "bench.hello:app"], "/") as (hello_base, _):
        load.run(load.Target("hello warm-up", hello_base + "/"), 1)
        hello = load.run(load.Target("bare Starlette hello", hello_base + "/"), seconds)
    proto = run_proto(uvicorn, seconds)
    floor = run_floor(uvicorn, seconds)
    measured: list[tuple[load.Target, load.Result, httpx.Response]] = []
    memory = ""
    with tempfile.TemporaryDirectory() as tmp:
        crmgate = [str(Path(sys.executable).parent / "crmgate"), "serve", "--log-level", "warning"]
        db = ["--db", str(Path(tmp) / "bench.db"), "--workers", str(workers)]
        env = {"CRMGATE_ADMIN_TOKEN": ""}
        with served([*crmgate, *db], "/__admin/health", env) as (base, pid):
            targets = [t for build in TARGETS.values() for t in build(base)]
            for target in targets:
                recorded = answer(target)
                load.run(target, 1)  # warm-up
                measured.append((target, load.run(target, seconds), recorded))
            if rss_requests:
                memory = measure_memory(pid, targets[0], measured[0][1].rps, rss_requests)
        with served([*crmgate, *db, "--no-answer-cache"], "/__admin/health", env) as (base, _):
            cached = [i for i, (t, _, _) in enumerate(measured) if t.name == COMPUTED]
            for target in TARGETS["servicestack.pf"](base):
                if target.name == COMPUTED and cached:
                    target = dataclasses.replace(target, name=COMPUTED + COMPUTED_SUFFIX)
                    load.run(target, 1)  # warm-up
                    row = (target, load.run(target, seconds), answer(target))
                    measured.insert(cached[0] + 1, row)
    return hello, proto, floor, measured, memory


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rss-requests", type=int, default=200_000)
    parser.add_argument("--workers", default="1,2", help="process counts, one table each")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]
    runs = []
    for i, workers in enumerate(counts):
        rss = args.rss_requests if i == 0 else 0  # memory once, with the first process count
        runs.append((workers, *run_processes(workers, args.seconds, rss)))
    with tempfile.TemporaryDirectory() as tmp:
        wiremocked = run_wiremock(runs[0][4], Path(tmp) / "wiremock", args.seconds)
    print(f"# crmgate bench: {load.tool()}, {load.CONNECTIONS} connections, {args.seconds:g}s each")
    print(f"# {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    alone: dict[str, float] | None = None
    for workers, hello, proto, floor, measured, memory in runs:
        print(f"\n## {workers} process(es) each for crmgate, hello and the reference app\n")
        rows: list[Row] = [("bare Starlette hello", hello, None)]
        if proto is not None:
            rows.append((PROTO_NAME, proto, wiremocked.get("PF GET links JSON")))
        rows.append((FLOOR_NAME, floor, None))
        rows += [
            (t.name, r, wiremocked.get(t.name.removesuffix(COMPUTED_SUFFIX)))
            for t, r, _ in measured
        ]
        table(rows, hello, alone if workers != counts[0] else None)
        if memory:
            print(memory)
        if alone is None:
            alone = {name: r.rps for name, r, _ in rows}
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
    measured = [m for m in measured if not m[0].name.endswith(COMPUTED_SUFFIX)]
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
