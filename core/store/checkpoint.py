"""WAL checkpoints off the serving thread.

A checkpoint copies committed pages from the ``-wal`` file back into the database and syncs
both files to disk. SQLite runs one inside the COMMIT that crosses ``wal_autocheckpoint`` pages:
the event loop that committed then waits for two fsyncs, and every other request with it. Here
a worker thread (``sqlite3`` lets go of the GIL while SQLite works) runs a PASSIVE checkpoint
every ``CHECKPOINT_EVERY`` write commits (or ``CHECKPOINT_ROWS`` changed rows) instead, on a
connection of its own; the serving connection keeps a larger ``wal_autocheckpoint`` only as a
backstop for a thread that falls behind. With ``synchronous = NORMAL`` a commit is in the WAL
at once (a crash of the process loses nothing) and is synced by the next checkpoint: a power
cut can lose the commits since then, at most ``CHECKPOINT_EVERY`` of them (fewer when they
change many rows).

Each checkpoint costs about the same (two fsyncs, and the worker thread taking the GIL from the
serving thread) however few pages it copies: a commit that changes one row adds one WAL page,
so checkpointing every thousand such commits instead of every hundred costs a tenth of the CPU
for a WAL of some 4 MiB. Commits that change many rows (a bulk of events: some 30 pages for a
hundred rows) are checkpointed every ``CHECKPOINT_ROWS`` changed rows instead, so the WAL stays
well under the serving connection's backstop.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from concurrent.futures import Future, ThreadPoolExecutor

#: Write commits between two background checkpoints (a commit dirties a few pages): the most
#: commits a power cut can lose.
CHECKPOINT_EVERY = 1000
#: Rows changed (``total_changes``) between two background checkpoints, if that comes first: a
#: changed row dirties about a page or less, which keeps the WAL under ``AUTOCHECKPOINT_PAGES``.
CHECKPOINT_ROWS = 3000
#: The serving connection checkpoints itself only past this many WAL pages (16 MiB of 4 KiB).
AUTOCHECKPOINT_PAGES = 4000

log = logging.getLogger(__name__)

_lock = threading.Lock()
_executor: tuple[int, ThreadPoolExecutor] | None = None


def _worker() -> ThreadPoolExecutor:
    """One thread for every store of this process (a forked child makes its own)."""
    global _executor
    with _lock:
        if _executor is None or _executor[0] != os.getpid():
            _executor = (os.getpid(), ThreadPoolExecutor(1, "crmgate-checkpoint"))
        return _executor[1]


class Checkpointer:
    """Counts the write commits of one store, and the rows they changed, and checkpoints its
    file every so many."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._commits = 0
        self._rows = 0
        self._conn: sqlite3.Connection | None = None
        self._pending: Future[None] | None = None

    def committed(self, rows: int) -> None:
        """A write transaction that changed ``rows`` rows committed: every ``CHECKPOINT_EVERY``
        commits or ``CHECKPOINT_ROWS`` rows, start a checkpoint (never a second while one
        runs)."""
        self._commits += 1
        self._rows += rows
        if self._commits < CHECKPOINT_EVERY and self._rows < CHECKPOINT_ROWS:
            return
        if self._pending is not None and not self._pending.done():
            return
        self._commits = self._rows = 0
        self._pending = _worker().submit(self._checkpoint)

    def _checkpoint(self) -> None:
        try:
            if self._conn is None:
                self._conn = sqlite3.connect(
                    self.path, isolation_level=None, check_same_thread=False
                )
            self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error as exc:  # the serving connection's backstop still checkpoints
            log.warning("background checkpoint of %s failed: %s", self.path, exc)

    def wait(self) -> None:
        """Until the checkpoint under way (if any) is done."""
        if self._pending is not None:
            self._pending.result()

    def close(self) -> None:
        self.wait()
        if self._conn is not None:
            self._conn.close()
            self._conn = None
