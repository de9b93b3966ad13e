"""``python -m bench.fleet``: gateway processes on one PostgreSQL beside SQLite.

For 1, 2 and 4 ``crmgate serve --workers N --db postgresql://...`` processes (the kernel
balances one listening socket across them) and for SQLite with one and two processes, loads the
same endpoints (``--only TEXT``: those whose name holds TEXT) and prints one table of requests/s.
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


def measure(db: str, workers: int, seconds: float, only: str = "") -> dict[str, float]:
    crmgate = [str(Path(sys.executable).parent / "crmgate"), "serve", "--log-level", "warning"]
    args = [*crmgate, "--db", db, "--workers", str(workers)]
    env = {"CRMGATE_ADMIN_TOKEN": "", "CRMGATE_SECRET_KEY": secrets.token_urlsafe(32)}
    with served(args, "/__admin/health", env) as (base, _):
        targets = [t for build in TARGETS.values() for t in build(base) if only in t.name]
        results = {}
        for target in targets:
            load.run(target, 1)
            results[target.name] = load.run(target, seconds).rps
        return results


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
    return 0


if __name__ == "__main__":
    sys.exit(main())
