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
and once with a query per event-loop turn: its gain is the one crmgate's PF GET could reach if
it checked the database on every request (it does not while the processes share a commit board,
``core.store.board``; ``CRMGATE_COMMIT_BOARD=off`` measures it without). A second table gives
each row's gain over one process.
``--repeat N`` measures every column N times, interleaved, and prints each cell's median.

A third table gives the CPU each request took (µs): the server's processes and, on PostgreSQL,
the database's backends, read from ``/proc`` around the load. On a machine shared with other
work, requests/s move with whatever else runs; CPU per request moves much less, and it is what
decides how far more processes can go on the same CPUs.
"""

from __future__ import annotations

import argparse
import os
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
#: Requests/s, and CPU µs per request (server processes and database backends).
Cell = tuple[float, float]
#: Where the PostgreSQL floor finds its database.
DSN_ENV = "CRMGATE_BENCH_PGFLOOR_DSN"
#: The floor's rows, by ``CRMGATE_BENCH_PGFLOOR_MODE``.
FLOORS = {
    "each": "PostgreSQL floor (a read per request)",
    "turn": "PostgreSQL floor (a read per loop turn)",
}


def measure_bare(app: str, name: str, workers: int, seconds: float, env: dict[str, str]) -> Cell:
    """The bare Starlette ``app`` under uvicorn with ``workers`` processes."""
    uvicorn = [sys.executable, "-m", "uvicorn", "--log-level", "warning", "--no-access-log"]
    with served([*uvicorn, "--workers", str(workers), app], "/", env) as (base, pid):
        return loaded(load.Target(name, base + "/"), seconds, pid, env.get(DSN_ENV))


def measure(db: str, workers: int, seconds: float, only: str = "") -> dict[str, Cell]:
    """hello with ``workers`` processes, the PostgreSQL floor with as many when ``db`` is a
    PostgreSQL DSN, then crmgate's endpoints on ``db`` with as many."""
    results = {HELLO: measure_bare("bench.hello:app", HELLO, workers, seconds, {})}
    pg = db if db.startswith("postgresql:") else None
    if pg is not None:
        for mode, name in FLOORS.items():
            env = {DSN_ENV: pg, "CRMGATE_BENCH_PGFLOOR_MODE": mode}
            results[name] = measure_bare("bench.pgfloor:app", name, workers, seconds, env)
    crmgate = [str(Path(sys.executable).parent / "crmgate"), "serve", "--log-level", "warning"]
    args = [*crmgate, "--db", db, "--workers", str(workers)]
    env = {"CRMGATE_ADMIN_TOKEN": "", "CRMGATE_SECRET_KEY": secrets.token_urlsafe(32)}
    with served(args, "/__admin/health", env) as (base, pid):
        targets = [t for build in TARGETS.values() for t in build(base) if only in t.name]
        for target in targets:
            results[target.name] = loaded(target, seconds, pid, pg)
        return results


def loaded(target: load.Target, seconds: float, pid: int, dsn: str | None) -> Cell:
    """Requests/s of ``target`` after a second of warm-up, and the CPU µs each took in the
    process ``pid`` and its children and, with ``dsn``, that database's backends."""
    load.run(target, 1)
    pids = _tree(pid) + (_backends(dsn) if dsn else [])
    before = _ticks(pids)
    result = load.run(target, seconds)
    used = (_ticks(pids) - before) / os.sysconf("SC_CLK_TCK")
    length = max(1, round(seconds)) if load.tool() == "wrk" else seconds
    return result.rps, used / max(result.rps * length, 1) * 1e6


def _tree(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        found.append(todo.pop())
        todo += parents.get(found[-1], [])
    return found


def _backends(dsn: str) -> list[int]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return [row[0] for row in rows]


def _ticks(pids: list[int]) -> int:
    """User and system CPU clock ticks the processes used so far."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total


def gains(columns: dict[str, dict[str, Cell]]) -> list[str]:
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
    for endpoint, (one, _) in pg_one.items():
        cells = [_ratio(one, _rps(sqlite_one.get(endpoint)))]
        for name in more:
            base = sqlite_one if name.startswith("SQLite") else pg_one
            cells.append(_ratio(_rps(columns[name].get(endpoint)), _rps(base.get(endpoint))))
        lines.append(f"| {endpoint} | " + " | ".join(cells) + " |")
    return lines


def _ratio(value: float | None, of: float | None) -> str:
    return f"{value / of:.2f}x" if value and of else "n/a"


def _rps(cell: Cell | None) -> float | None:
    return cell[0] if cell else None


def table(columns: dict[str, dict[str, Cell]], part: int = 0) -> list[str]:
    """Markdown rows of requests/s (``part`` 1: CPU µs per request): every row any column
    measured, "-" where one did not."""
    names = list(dict.fromkeys(name for column in columns.values() for name in column))
    names.sort(key=lambda name: name != HELLO and name not in FLOORS.values())
    lines = ["| endpoint | " + " | ".join(columns) + " |", "|---|" + "---|" * len(columns)]
    for endpoint in names:
        cells = [f"{c[endpoint][part]:.0f}" if endpoint in c else "-" for c in columns.values()]
        lines.append(f"| {endpoint} | " + " | ".join(cells) + " |")
    return lines


def medians(runs: list[dict[str, Cell]]) -> dict[str, Cell]:
    """Each row's medians over the runs of one column."""
    return {
        name: (
            statistics.median(run[name][0] for run in runs),
            statistics.median(run[name][1] for run in runs),
        )
        for name in runs[0]
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench.fleet")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--only", default="", help="only the endpoints whose name holds this")
    parser.add_argument("--repeat", type=int, default=1, help="runs of every column (median)")
    args = parser.parse_args()
    runs: dict[str, list[dict[str, Cell]]] = {}
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
    print()
    print("CPU per request, µs (server processes + PostgreSQL backends)")
    print("\n".join(table(columns, 1)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
