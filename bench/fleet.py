"""``python -m bench.fleet``: gateway processes on one PostgreSQL beside SQLite, and beside a
bare Starlette hello with as many processes, all in one run.

For 1, 2 and 4 ``crmgate serve --workers N --db postgresql://...`` processes (the kernel
balances one listening socket across them) and for SQLite with one and two processes, loads the
same endpoints (``--only TEXT``: those whose name holds TEXT) and prints one table of requests/s.
Each column begins with ``bench.hello`` served by uvicorn with the same number of processes,
measured just before crmgate's: the hello row shows what the machine itself does with that many
processes (wrk and PostgreSQL share its CPUs), so a figure that falls at four processes can be
read against hello's in the same minute. A second table gives each row's gain over one process.
"""

from __future__ import annotations

import argparse
import secrets
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


def measure_hello(workers: int, seconds: float) -> float:
    """Requests/s of ``bench.hello`` under uvicorn with ``workers`` processes."""
    uvicorn = [sys.executable, "-m", "uvicorn", "--log-level", "warning", "--no-access-log"]
    with served([*uvicorn, "--workers", str(workers), "bench.hello:app"], "/") as (base, _):
        target = load.Target(HELLO, base + "/")
        load.run(target, 1)
        return load.run(target, seconds).rps


def measure(db: str, workers: int, seconds: float, only: str = "") -> dict[str, float]:
    """hello with ``workers`` processes, then crmgate's endpoints on ``db`` with as many."""
    results = {HELLO: measure_hello(workers, seconds)}
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
            cells.append(_ratio(columns[name][endpoint], base.get(endpoint)))
        lines.append(f"| {endpoint} | " + " | ".join(cells) + " |")
    return lines


def _ratio(value: float, of: float | None) -> str:
    return f"{value / of:.2f}x" if of else "n/a"


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench.fleet")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--only", default="", help="only the endpoints whose name holds this")
    args = parser.parse_args()
    columns: dict[str, dict[str, float]] = {}
    for n in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            db = str(Path(tmp) / "b.db")
            columns[f"SQLite, {n} proc"] = measure(db, n, args.seconds, args.only)
    server = Postgres()
    dsn = server.start()
    try:
        for n in WORKERS:
            name = f"fleet{n}"
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE {name}")
            columns[f"PostgreSQL, {n} proc"] = measure(
                dsn.rsplit("/", 1)[0] + f"/{name}", n, args.seconds, args.only
            )
    finally:
        server.stop()
    names = list(next(iter(columns.values())))
    print(f"# crmgate fleet bench: {load.tool()}, {load.CONNECTIONS} connections, req/s")
    print("| endpoint | " + " | ".join(columns) + " |")
    print("|---|" + "---|" * len(columns))
    for endpoint in names:
        cells = " | ".join(f"{columns[c][endpoint]:.0f}" for c in columns)
        print(f"| {endpoint} | {cells} |")
    print()
    print("\n".join(gains(columns)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
