"""``python -m bench.fleet``: gateway processes on one PostgreSQL beside SQLite, and beside a
bare Starlette hello with as many processes, all in one run.

For 1, 2 and 4 ``crmgate serve --workers N --db postgresql://...`` processes (the kernel
balances one listening socket across them) and for SQLite with one and two processes, loads the
same endpoints (``--only TEXT``: those whose name holds TEXT) and prints one table of requests/s.
Each column begins with ``bench.hello`` served by uvicorn with the same number of processes,
measured just before crmgate's: the hello row shows what the machine itself does with that many
processes (wrk and PostgreSQL share its CPUs), so a figure that falls at four processes can be
read against hello's in the same minute. Each PostgreSQL column then runs the PostgreSQL floor
(``bench.pgfloor``: bare Starlette making the one version read per request a PostgreSQL-backed
process needs, then answering fixed bytes) with as many processes, once with a query per request
and once with a query per event-loop turn: its gain is the one crmgate's PF GET can reach while
it checks the database on every request. A second table gives each row's gain over one process.
``--repeat N`` measures every column N times, interleaved, and prints each cell's median.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
from pathlib import Path

import psycopg

from bench import load
from bench.servers import served
from bench.targets import TARGETS
from tests.postgres import Postgres

WORKERS = (1, 2, 4)
HELLO = "bare Starlette hello"
#: The floor's rows, by ``CRMGATE_BENCH_PGFLOOR_MODE``.
FLOORS = {
    "each": "PostgreSQL floor (a read per request)",
    "turn": "PostgreSQL floor (a read per loop turn)",
}


def measure_bare(app: str, name: str, workers: int, seconds: float, env: dict[str, str]) -> float:
    """Requests/s of the bare Starlette ``app`` under uvicorn with ``workers`` processes."""
    uvicorn = [sys.executable, "-m", "uvicorn", "--log-level", "warning", "--no-access-log"]
    with served([*uvicorn, "--workers", str(workers), app], "/", env) as (base, _):
        target = load.Target(name, base + "/")
        load.run(target, 1)
        return load.run(target, seconds).rps


def measure(db: str, workers: int, seconds: float, only: str = "") -> dict[str, float]:
    """hello with ``workers`` processes, the PostgreSQL floor with as many when ``db`` is a
    PostgreSQL DSN, then crmgate's endpoints on ``db`` with as many."""
    results = {HELLO: measure_bare("bench.hello:app", HELLO, workers, seconds, {})}
    if db.startswith("postgresql:"):
        for mode, name in FLOORS.items():
            env = {"CRMGATE_BENCH_PGFLOOR_DSN": db, "CRMGATE_BENCH_PGFLOOR_MODE": mode}
            results[name] = measure_bare("bench.pgfloor:app", name, workers, seconds, env)
    crmgate = [str(Path(sys.executable).parent / "crmgate"), "serve", "--log-level", "warning"]
    args = [*crmgate, "--db", db, "--workers", str(workers)]
    env = {"CRMGATE_ADMIN_TOKEN": "", "CRMGATE_SECRET_KEY": secrets.token_urlsafe(32)}
    with served(args, "/__admin/health", env) as (base, _):
        targets = [t for build in TARGETS.values() for t in build(base) if only in t.name]
        for target in targets:
            load.run(target, 1)
            results[target.name] = load.run(target, seconds).rps
        return results


def gains(columns: dict[str, dict[str, float]]) -> list[str]:
    """Markdown rows: PostgreSQL with one process against SQLite with one, and each column
    with more processes against its store's column with one."""
    pg_one = columns["PostgreSQL, 1 proc"]
    sqlite_one = columns.get("SQLite, 1 proc", {})
    more = [name for name in columns if not name.endswith(", 1 proc")]
    lines = [
        "| endpoint | PostgreSQL 1 proc / SQLite 1 proc | "
        + " | ".join(f"{name} / 1 proc" for name in more)
        + " |",
        "|---|---|" + "---|" * len(more),
    ]
    for endpoint, one in pg_one.items():
        cells = [_ratio(one, sqlite_one.get(endpoint))]
        for name in more:
            base = sqlite_one if name.startswith("SQLite") else pg_one
            cells.append(_ratio(columns[name].get(endpoint), base.get(endpoint)))
        lines.append(f"| {endpoint} | " + " | ".join(cells) + " |")
    return lines


def _ratio(value: float | None, of: float | None) -> str:
    return f"{value / of:.2f}x" if value and of else "n/a"


def table(columns: dict[str, dict[str, float]]) -> list[str]:
    """Markdown rows of requests/s: every row any column measured, "-" where one did not."""
    names = list(dict.fromkeys(name for column in columns.values() for name in column))
    names.sort(key=lambda name: name != HELLO and name not in FLOORS.values())
    lines = ["| endpoint | " + " | ".join(columns) + " |", "|---|" + "---|" * len(columns)]
    for endpoint in names:
        cells = [f"{c[endpoint]:.0f}" if endpoint in c else "-" for c in columns.values()]
        lines.append(f"| {endpoint} | " + " | ".join(cells) + " |")
    return lines


def medians(runs: list[dict[str, float]]) -> dict[str, float]:
    """Each row's median over the runs of one column."""
    return {name: statistics.median(run[name] for run in runs) for name in runs[0]}


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench.fleet")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--only", default="", help="only the endpoints whose name holds this")
    parser.add_argument("--repeat", type=int, default=1, help="runs of every column (median)")
    args = parser.parse_args()
    runs: dict[str, list[dict[str, float]]] = {}
    server = Postgres()
    dsn = server.start()
    try:
        for n in WORKERS:
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE fleet{n}")
        for _ in range(max(1, args.repeat)):
            for n in (1, 2):
                with tempfile.TemporaryDirectory() as tmp:
                    db = str(Path(tmp) / "b.db")
                    column = measure(db, n, args.seconds, args.only)
                runs.setdefault(f"SQLite, {n} proc", []).append(column)
            for n in WORKERS:
                db = dsn.rsplit("/", 1)[0] + f"/fleet{n}"
                column = measure(db, n, args.seconds, args.only)
                runs.setdefault(f"PostgreSQL, {n} proc", []).append(column)
    finally:
        server.stop()
    columns = {name: medians(column) for name, column in runs.items()}
    print(f"# crmgate fleet bench: {load.tool()}, {load.CONNECTIONS} connections, req/s")
    if args.repeat > 1:
        print(f"(median of {args.repeat} interleaved runs per cell)")
    print("\n".join(table(columns)))
    print()
    print("\n".join(gains(columns)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
