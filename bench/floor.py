"""The write floor: a bare Starlette app whose PUT reads its body, updates one SQLite row
(the body and a count of writes, so each commit changes it) and commits (WAL,
``synchronous = NORMAL``, as crmgate's store), then answers fixed bytes. What a committed
write costs on this machine with nothing else around it, served the same way as crmgate; a
measuring stick for the BokaMera PUT, not a design to copy.

The transaction is ``BEGIN IMMEDIATE``, ``UPDATE``, ``COMMIT``: the write lock a
read-modify-write holds, as crmgate's writes do. The database file is ``CRMGATE_BENCH_FLOOR_DB``
(default ``floor.db`` in the working directory); every process of ``--workers N`` opens it.
"""

from __future__ import annotations

import os
import sqlite3

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

#: The answer of every PUT, whatever it wrote.
ANSWER = b'{"Id":1,"Written":true}'


def connect(path: str) -> sqlite3.Connection:
    """The connection, with the table and its one row there (created by whichever process
    comes first; the others wait on the busy timeout)."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("CREATE TABLE IF NOT EXISTS floor (id INTEGER PRIMARY KEY, body BLOB, n INTEGER)")
    conn.execute("INSERT OR IGNORE INTO floor (id, body, n) VALUES (1, x'', 0)")
    return conn


conn = connect(os.environ.get("CRMGATE_BENCH_FLOOR_DB", "floor.db"))


async def put(request: Request) -> Response:
    body = await request.body()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("UPDATE floor SET body = ?, n = n + 1 WHERE id = 1", (body,))
    conn.execute("COMMIT")
    return Response(ANSWER, media_type="application/json")


app = Starlette(routes=[Route("/", put, methods=["PUT"])])
