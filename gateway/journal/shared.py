"""The journal of processes sharing one database (``--workers N``, PostgreSQL).

On the hot path it is what ``MemoryJournal`` is: a capture joins this process's memory, the
newest ``max_entries`` of them, unmasked and unencoded; nothing is written while nobody reads.
An admin read gathers: it asks every serving process for a flush (``handshake``), each masks and
appends what it holds that is not written yet to a staging log of its own, in one commit, and
answers; the reader then moves every staging log into the journal's log in one transaction,
merged by the time each request was answered, and reads that. So a read sees every request
answered before it, in the order they were answered, and ids rise across the fleet in that
order: a page that polls with ``after`` never misses one. (Requests answered while a read
gathers may be gathered by the next read, after entries a little younger than them.)

While idle, a process looks every ``period`` whether any signal moved, which the store tells
without a round trip (``StateStore.signals_moved``); only then does it read the signals.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from collections.abc import Iterator
from itertools import islice

from core.store import StoreUnavailable
from gateway.journal.entries import (
    DEFAULT_BODY_CHARS,
    DEFAULT_ENTRIES,
    Captured,
    EntryFilter,
    JournalEntry,
    RequestFilter,
    entry_of,
    head_of,
    record_of,
    time_of,
)
from gateway.journal.handshake import Handshake
from gateway.state import StateStore

#: The store's log that holds a shared journal.
LOG = "gateway.journal"
#: Each process's staging log is named so + its name.
STAGED = LOG + ".staged/"
#: Entries read from the store at a time while filtering (newest first).
PAGE = 200
#: Ids are SQL BIGINTs: a larger one names no entry (and would not fit a query parameter).
_MAX_ID = 2**63 - 1
#: How often an idle process looks whether a read asked for a flush (seconds).
LOOK_SECONDS = 0.02
#: While the database is away, a process tries its waiting records this often.
RETRY_SECONDS = 0.25
#: How long an admin read waits for a process to answer before it takes it for gone.
ANSWER_SECONDS = 2.0

log = logging.getLogger("crmgate.journal")


class SharedJournal:
    """The journal of processes sharing one database (see the module's docstring)."""

    def __init__(
        self,
        state: StateStore,
        max_entries: int = DEFAULT_ENTRIES,
        body_chars: int = DEFAULT_BODY_CHARS,
    ) -> None:
        self.state = state
        self.max_entries = max_entries
        self.body_chars = body_chars
        #: How often this process looks whether a read asked for a flush (seconds).
        self.period = LOOK_SECONDS
        #: How long a read waits for the other processes' answers (seconds).
        self.answer_seconds = ANSWER_SECONDS
        #: Captures not written yet, the newest ``max_entries``.
        self._pending: deque[Captured] = deque(maxlen=max(max_entries, 0))
        #: Encoded records a database that was away did not take, oldest first.
        self._kept: list[str] = []
        self._retry_at = 0.0
        #: One user of the state store's log connection at a time (the looking thread, reads).
        self._lock = threading.RLock()
        self._handshake = Handshake(state, self._lock)
        self._watcher: asyncio.Task[None] | None = None
        #: A look failed (or this process just joined): look again whatever the signals say.
        self._look_again = True

    def add(self, captured: Captured) -> None:
        """Keep one exchange in memory: the hot path never waits for the database."""
        self._pending.append(captured)
        if self._watcher is None or self._watcher.done():
            self._start()

    async def start(self) -> None:
        """Join the processes a read waits for before the first request (answering the count
        asked now unless captures already wait: they are written first)."""
        await asyncio.to_thread(self._handshake.join, not self._pending)
        self._start()

    def _start(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no event loop: a read flushes what waits
            return
        self._watcher = loop.create_task(self._watch())

    async def _watch(self) -> None:
        """Every period a look at whether any signal moved (no round trip); only when one did,
        or a look failed, or records wait for the database, a worker thread reads them."""
        if self._handshake.answered is None:  # started by a request: captures may be waiting
            await asyncio.to_thread(self._handshake.join, False)
        self._moved()  # what moved before the first look, that look sees
        self._look_again = True
        while True:
            await asyncio.sleep(self.period)
            if self._look_again or self._kept or self._moved():
                await asyncio.to_thread(self._look)

    def _moved(self) -> bool:
        try:
            return self.state.signals_moved()
        except Exception:  # not knowing is having to look
            log.exception("the journal could not tell whether a read asked for a flush")
            return True

    def _look(self) -> None:
        """Answer a flush asked since the last look (or write what the database did not take)."""
        self._look_again = True
        try:
            asked = self._handshake.look()
            if asked is not None:
                if self._flush():
                    self._handshake.answer(asked)
            elif self._kept:
                self._flush()
        except StoreUnavailable:  # the next period looks again
            return
        except Exception:
            log.exception("the journal's flush handshake failed")
            return
        self._look_again = False

    def _flush(self) -> bool:
        """Mask, encode and append what waits to this process's staging log in one commit;
        True when nothing is left waiting. A failure is logged, never raised: a journal that
        cannot write never breaks a response.

        A connection that broke (a database restart) is replaced and the append tried once
        more at once; while the database stays away the records wait for a later flush, the
        newest ``max_entries`` of them. If a connection breaks after the commit reached the
        database, the retried records appear twice: never lost.
        """
        with self._lock:
            pending = self._pending
            batch = [pending.popleft() for _ in range(len(pending))]
            try:
                records = [record_of(c, self.body_chars) for c in batch]
            except Exception:
                log.exception("%d requests not journaled", len(batch))
                records = []
            records = self._kept + records
            if not records:
                return True
            now = time.monotonic()
            if self._kept and now < self._retry_at:
                self._keep(records)
                return False
            try:
                self._append(records)
            except StoreUnavailable as exc:
                if not self._kept:
                    log.warning("database unavailable, requests wait to be journaled: %s", exc)
                self._retry_at = now + RETRY_SECONDS
                self._keep(records)
                return False
            except Exception:
                log.exception("%d requests not journaled", len(records))
            else:
                if self._kept:
                    log.warning("database back: %d waiting requests journaled", len(records))
            self._kept = []
            return True

    def _keep(self, records: list[str]) -> None:
        del records[: max(len(records) - self.max_entries, 0)]
        self._kept = records

    def _append(self, records: list[str]) -> None:
        staged = STAGED + self._handshake.name
        try:
            self.state.log_append_many(staged, records, self.max_entries)
        except StoreUnavailable:  # a connection found broken: once more, on a fresh one
            self.state.log_append_many(staged, records, self.max_entries)

    async def settle(self) -> None:
        """Ask every process for a flush, flush this one's captures, wait for the others'
        answers (at most ``answer_seconds``; the silent ones are struck off), then move what
        they all wrote into the journal's log."""
        asked = await asyncio.to_thread(self._ask)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.answer_seconds
        while late := await asyncio.to_thread(self._handshake.late, asked):
            if loop.time() >= deadline:
                log.warning("journal: %d processes did not flush; read without them", len(late))
                await asyncio.to_thread(self._handshake.strike_off, late)
                break
            await asyncio.sleep(self.period / 4)
        await asyncio.to_thread(self._gather)

    def _ask(self) -> int:
        asked = self._handshake.ask()
        if self._flush() and self._handshake.answered is not None:
            self._handshake.answer(asked)
        return asked

    def _gather(self) -> None:
        with self._lock:
            self.state.log_gather(STAGED, LOG, self.max_entries, time_of)

    def __len__(self) -> int:
        with self._lock:
            return self.state.log_count(LOG)

    def query(self, flt: RequestFilter) -> list[JournalEntry]:
        """Read a page at a time; only matches are decoded in full."""
        wanted = max(flt.limit, 0)
        if flt.is_empty:
            with self._lock:
                return [entry_of(i, r) for i, r in self.state.log_read(LOG, limit=wanted)]
        after = -1 if flt.after is None else flt.after
        return list(islice(self.scan(flt, after=after), wanted))

    def scan(self, flt: EntryFilter, *, after: int = -1) -> Iterator[JournalEntry]:
        """Every entry newer than id ``after`` whose head matches, newest first, a page of the
        log at a time (the lock is held while a page is read, never across a yield)."""
        before = None
        while True:
            with self._lock:
                rows = self.state.log_read(LOG, before=before, limit=PAGE)
            newer = [(i, r) for i, r in rows if i > after]
            yield from (entry_of(i, r) for i, r in newer if flt.matches(head_of(r)))
            if len(rows) < PAGE or len(newer) < len(rows):
                return
            before = rows[-1][0]

    def get(self, entry_id: int) -> JournalEntry | None:
        if not 0 < entry_id < _MAX_ID:
            return None
        with self._lock:
            rows = self.state.log_read(LOG, before=entry_id + 1, limit=1)
        return entry_of(*rows[0]) if rows and rows[0][0] == entry_id else None

    def clear(self) -> int:
        with self._lock:
            return self.state.log_clear(LOG)

    async def close(self) -> None:
        """Write what waits (the next read gathers it) and leave: reads no longer wait."""
        if self._watcher is not None:
            self._watcher.cancel()
            self._watcher = None
        await asyncio.to_thread(self._leave)

    def _leave(self) -> None:
        self._flush()
        try:
            self._handshake.leave()
        except StoreUnavailable as exc:  # a read will strike this process off
            log.warning("the journal could not leave the flush handshake: %s", exc)
