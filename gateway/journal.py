"""The request journal: every dialect request and its response, secrets masked, bounded.

The hot path only appends what it captured (``Captured``: the raw head, status and the first
bytes of each body) to this process's memory; masking and encoding happen later, off the
response's path. Where the captures go is chosen at start-up (``open_journal``):

- ``MemoryJournal``: the only process on its database (one process on SQLite, or an in-memory
  database). Captures wait in a ring of the newest ``max_entries``; an admin read masks the
  ones it returns. Like the data of ``:memory:``, it is gone when the process ends.
- ``SharedJournal``: processes share the database (``--workers N``, PostgreSQL). A background
  task masks the waiting captures and appends them in one commit (group commit) at least every
  ``FLUSH_SECONDS``; never one commit per request. The store keeps a ring of the newest
  ``max_entries`` records. An admin read flushes this process's captures, then asks the
  others to flush theirs and waits for each one's answer (below), then reads: it sees every
  request answered before it.

The handshake of a shared journal, through the state store's signals: the counter
``FLUSH_ASKED`` counts the admin reads that asked for a flush, and each serving process keeps
``FLUSH_DONE`` + its name: the last count it answered. A process's flusher reads the counter
every period and answers a count it read once it has written every capture taken after that
read. A reader raises the counter and waits until every process has answered; one that has not
within ``ANSWER_SECONDS`` is taken for gone (killed without leaving) and struck off, and if it
was only slow, its next answer puts it back.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Iterator
from datetime import UTC, datetime
from fnmatch import fnmatchcase
from itertools import count, islice, takewhile
from sys import maxsize
from typing import Annotated, Protocol

import msgspec

from core.store import StoreUnavailable
from gateway.masking import mask_body, mask_headers, mask_query
from gateway.state import StateStore

DEFAULT_ENTRIES = 10_000
DEFAULT_BODY_CHARS = 4096
#: The store's log that holds a shared journal.
LOG = "gateway.journal"
#: Entries read from the store at a time while filtering (newest first).
PAGE = 200
#: Ids are SQL BIGINTs: a larger one names no entry (and would not fit a query parameter).
_MAX_ID = 2**63 - 1
#: A shared journal's captures reach the database at least this often.
FLUSH_SECONDS = 0.02
#: While the database is away, a shared journal tries its waiting records this often.
RETRY_SECONDS = 0.25
#: The signals of the flush handshake begin so.
_FLUSH = "journal.flush."
#: The signal an admin read raises to ask every process of a shared journal for a flush.
FLUSH_ASKED = _FLUSH + "asked"
#: A process's answer: its signal is this + its name, the last count of ``FLUSH_ASKED`` done.
FLUSH_DONE = _FLUSH + "done/"
#: How long an admin read waits for a process to answer before it takes it for gone.
ANSWER_SECONDS = 2.0
#: Captures a shared journal lets wait before it flushes in line (no flusher running) or
#: lets the oldest beyond ``max_entries`` go (a flusher held up by a slow database).
MAX_WAITING = 1000

log = logging.getLogger("crmgate.journal")


class JournalEntry(msgspec.Struct, kw_only=True):
    #: Given when the entry is kept; rises across the fleet.
    id: int = 0
    time: datetime
    request_id: str
    dialect: str
    sandbox: str | None
    method: str
    path: str
    query: str
    status: int
    duration_ms: float
    request_headers: dict[str, str]
    request_body: str
    response_headers: dict[str, str]
    response_body: str
    #: False when no endpoint matched the request (unknown path, verb or ``api=``).
    matched: bool = True


class Captured:
    """One exchange as the hot path saw it: nothing masked, encoded or even formatted yet
    (``at`` is a POSIX time, ``duration`` in seconds)."""

    __slots__ = (
        "at",
        "dialect",
        "duration",
        "id",
        "matched",
        "method",
        "path",
        "query_string",
        "request_body",
        "request_headers",
        "request_id",
        "response_body",
        "response_headers",
        "sandbox",
        "status",
    )

    def __init__(
        self,
        at: float,
        request_id: str,
        dialect: str,
        sandbox: str | None,
        method: str,
        path: str,
        query_string: bytes,
        status: int,
        duration: float,
        request_headers: list[tuple[bytes, bytes]],
        request_body: bytes | bytearray,
        response_headers: list[tuple[bytes, bytes]],
        response_body: bytes | bytearray,
        matched: bool = True,
    ) -> None:
        self.id = 0
        self.at = at
        self.request_id = request_id
        self.dialect = dialect
        self.sandbox = sandbox
        self.method = method
        self.path = path
        self.query_string = query_string
        self.status = status
        self.duration = duration
        self.request_headers = request_headers
        self.request_body = request_body
        self.response_headers = response_headers
        self.response_body = response_body
        self.matched = matched

    @property
    def time(self) -> datetime:
        return datetime.fromtimestamp(self.at, UTC)

    def entry(self, body_chars: int) -> JournalEntry:
        """The journal entry, secrets masked and bodies cut to ``body_chars``."""
        return JournalEntry(
            id=self.id,
            time=self.time,
            request_id=self.request_id,
            dialect=self.dialect,
            sandbox=self.sandbox,
            method=self.method,
            path=self.path,
            query=mask_query(self.query_string),
            status=self.status,
            duration_ms=round(self.duration * 1000, 3),
            request_headers=mask_headers(self.request_headers),
            request_body=mask_body(bytes(self.request_body), body_chars),
            response_headers=mask_headers(self.response_headers),
            response_body=mask_body(bytes(self.response_body), body_chars),
            matched=self.matched,
        )


class _Head(Protocol):
    time: datetime
    dialect: str
    sandbox: str | None
    method: str
    path: str
    status: int
    matched: bool


class _StoredHead(msgspec.Struct):
    """What a filter looks at in a stored record: decoding only this skips the bodies."""

    time: datetime
    dialect: str
    sandbox: str | None
    method: str
    path: str
    status: int
    matched: bool = True


class EntryFilter(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What an entry's head must hold: ``path`` is a glob (``/iservice/f/*``), ``since`` an ISO
    date-time, ``sandbox`` the id of one sandbox (its requests only)."""

    sandbox: str | None = None
    dialect: str | None = None
    method: str | None = None
    path: str | None = None
    status: int | None = None
    since: datetime | None = None

    def matches(self, e: _Head) -> bool:
        return (
            (self.sandbox is None or e.sandbox == self.sandbox)
            and (self.dialect is None or e.dialect == self.dialect)
            and (self.method is None or e.method == self.method.upper())
            and (self.path is None or fnmatchcase(e.path, self.path))
            and (self.status is None or e.status == self.status)
            and (self.since is None or e.time >= self.since)
        )


class RequestFilter(EntryFilter, kw_only=True, forbid_unknown_fields=True):
    """A journal query: the newest ``limit`` matching entries; ``matched=false`` keeps only the
    requests no endpoint matched; ``after`` an entry id: only newer entries (what a page that
    polls has not seen yet)."""

    matched: bool | None = None
    after: int | None = None
    #: A count any log can page with (a bigger one is a 400, not an overflow deep inside).
    limit: Annotated[int, msgspec.Meta(ge=0, le=maxsize)] = 100

    def matches(self, e: _Head) -> bool:
        return (self.matched is None or e.matched == self.matched) and super().matches(e)

    @property
    def is_empty(self) -> bool:
        return self == RequestFilter(limit=self.limit)


class Journal(Protocol):
    max_entries: int
    body_chars: int

    def add(self, captured: Captured) -> None:
        """Keep one exchange (called on the hot path: memory only)."""

    async def start(self) -> None:
        """Serving begins (before the first request)."""

    async def settle(self) -> None:
        """Before a read: make every exchange answered so far readable."""

    def query(self, flt: RequestFilter) -> list[JournalEntry]:
        """Matching entries, newest first (only those after ``flt.after``)."""

    def scan(self, flt: EntryFilter) -> Iterator[JournalEntry]:
        """Every entry whose head matches, newest first (what a count goes through)."""

    def get(self, entry_id: int) -> JournalEntry | None:
        """The entry with this id, while the journal still holds it."""

    def __len__(self) -> int: ...

    def clear(self) -> int: ...

    async def close(self) -> None:
        """Shutting down: keep what still waits."""


class MemoryJournal:
    """The journal of the only process on its database, in this process's memory."""

    def __init__(self, max_entries: int = DEFAULT_ENTRIES, body_chars: int = DEFAULT_BODY_CHARS):
        self.max_entries = max_entries
        self.body_chars = body_chars
        self._ring: deque[Captured] = deque(maxlen=max(max_entries, 0))
        self._ids = count(1)

    def add(self, captured: Captured) -> None:
        captured.id = next(self._ids)
        self._ring.append(captured)

    async def start(self) -> None:
        return None

    async def settle(self) -> None:
        return None

    def query(self, flt: RequestFilter) -> list[JournalEntry]:
        after = -1 if flt.after is None else flt.after
        newer = takewhile(lambda c: c.id > after, reversed(self._ring))
        found = (c for c in newer if flt.matches(c))
        return [c.entry(self.body_chars) for c in islice(found, max(flt.limit, 0))]

    def scan(self, flt: EntryFilter) -> Iterator[JournalEntry]:
        return (c.entry(self.body_chars) for c in list(reversed(self._ring)) if flt.matches(c))

    def get(self, entry_id: int) -> JournalEntry | None:
        """Ids in the ring are consecutive: the entry's place is its distance from the first."""
        if not self._ring:
            return None
        place = entry_id - self._ring[0].id
        if not 0 <= place < len(self._ring):
            return None
        return self._ring[place].entry(self.body_chars)

    def __len__(self) -> int:
        return len(self._ring)

    def clear(self) -> int:
        cleared = len(self._ring)
        self._ring.clear()
        return cleared

    async def close(self) -> None:
        return None


_ENCODER = msgspec.json.Encoder()
_ENTRY = msgspec.json.Decoder(JournalEntry)
_HEAD = msgspec.json.Decoder(_StoredHead)


class SharedJournal:
    """The journal of processes sharing one database: group commit from a background task,
    and the flush handshake of admin reads (see the module's docstring)."""

    def __init__(
        self,
        state: StateStore,
        max_entries: int = DEFAULT_ENTRIES,
        body_chars: int = DEFAULT_BODY_CHARS,
    ) -> None:
        self.state = state
        self.max_entries = max_entries
        self.body_chars = body_chars
        #: How often the flusher writes and looks for a flush asked (seconds).
        self.period = FLUSH_SECONDS
        #: How long a read waits for the other processes' answers (seconds).
        self.answer_seconds = ANSWER_SECONDS
        self._waiting: list[Captured] = []
        #: Encoded records a database that was away did not take, oldest first (under the lock).
        self._kept: list[str] = []
        self._retry_at = 0.0
        #: One flush at a time: the flusher's thread and an admin read may both flush.
        self._lock = threading.Lock()
        self._flusher: asyncio.Task[None] | None = None
        #: This process's answer signal; the count of ``FLUSH_ASKED`` it answered last.
        self._done_key = FLUSH_DONE + os.urandom(8).hex()
        self._answered: int | None = None

    def add(self, captured: Captured) -> None:
        """Never waits for the database: with a flusher running, captures beyond the ring's
        ``max_entries`` (which it would not keep) are let go while a slow database holds it."""
        self._waiting.append(captured)
        if self._flusher is None or self._flusher.done():
            self._start()
        if len(self._waiting) >= MAX_WAITING:
            if self._flusher is None:  # no event loop: nobody else writes them
                self.flush()
            elif len(self._waiting) > self.max_entries:
                del self._waiting[: len(self._waiting) - self.max_entries]

    async def start(self) -> None:
        """Join the processes a read waits for before the first request, then flush."""
        await asyncio.to_thread(self._join, True)
        self._start()

    def _start(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # no loop: the next read or add flushes
            return
        self._flusher = loop.create_task(self._flush_every_period())

    def _take(self) -> list[Captured]:
        """What waits, taken on the event loop's thread (where ``add`` runs)."""
        batch, self._waiting = self._waiting, []
        return batch

    async def _flush_every_period(self) -> None:
        asked = self._answered
        if asked is None:  # started by a request (no ``start``): captures may be waiting
            asked = await asyncio.to_thread(self._join, False)
        while True:
            await asyncio.sleep(self.period)
            asked = await asyncio.to_thread(self._tick, self._take(), asked)

    def _join(self, idle: bool) -> int:
        """Enter the processes a read waits for; the count asked now, answered at once when
        ``idle`` (no request answered yet), else by the next tick."""
        with self._lock:
            try:
                now = self._asked()
                self._answer(now if idle else now - 1)
                return now
            except Exception:  # the next tick tries again
                log.exception("the journal's flush handshake failed")
                return 0

    def _tick(self, batch: list[Captured], asked: int) -> int:
        """Write ``batch``, then answer ``asked`` (read before ``batch`` was taken); the count
        asked now, for the next tick to answer."""
        self._write(batch)
        with self._lock:
            if self._kept:  # the database is away: nothing to answer with yet
                return asked
            try:
                found = self.state.signals(_FLUSH)
                if self._done_key not in found:  # struck off by a read that found it slow
                    self._answered = None
                self._answer(asked)
                return int(found.get(FLUSH_ASKED, 0))
            except StoreUnavailable:  # the next tick asks again
                return asked
            except Exception:
                log.exception("the journal's flush handshake failed")
                return asked

    def _asked(self) -> int:
        return int(self.state.signals(FLUSH_ASKED).get(FLUSH_ASKED, 0))

    def _answer(self, asked: int) -> None:
        if asked != self._answered:
            self.state.signal_set(self._done_key, str(asked))
            self._answered = asked

    def flush(self) -> None:
        self._write(self._take())

    def _write(self, batch: list[Captured]) -> None:
        """Mask, encode and append ``batch`` in one commit (a failure is logged, never raised:
        a journal that cannot write never breaks a response).

        A connection that broke (a database restart) is replaced and the append tried once
        more at once; while the database stays away the records wait for the next flush, the
        newest ``max_entries`` of them (the ring would keep no more). If a connection breaks
        after the commit reached the database, the retried records appear twice: never lost.
        """
        with self._lock:
            try:
                records = [_ENCODER.encode(c.entry(self.body_chars)).decode() for c in batch]
            except Exception:
                log.exception("%d requests not journaled", len(batch))
                return
            records = self._kept + records
            if not records:
                return
            now = time.monotonic()
            if self._kept and now < self._retry_at:
                self._keep(records)
                return
            try:
                self._append(records)
            except StoreUnavailable as exc:
                if not self._kept:
                    log.warning("database unavailable, requests wait to be journaled: %s", exc)
                self._retry_at = now + RETRY_SECONDS
                self._keep(records)
            except Exception:
                log.exception("%d requests not journaled", len(records))
                self._kept = []
            else:
                if self._kept:
                    log.warning("database back: %d waiting requests journaled", len(records))
                self._kept = []

    def _keep(self, records: list[str]) -> None:
        del records[: max(len(records) - self.max_entries, 0)]
        self._kept = records

    def _append(self, records: list[str]) -> None:
        try:
            self.state.log_append_many(LOG, records, self.max_entries)
        except StoreUnavailable:  # a connection found broken: once more, on a fresh one
            self.state.log_append_many(LOG, records, self.max_entries)

    async def settle(self) -> None:
        """Flush this process's captures, ask every other process to flush, and wait for
        their answers (at most ``answer_seconds``; the silent ones are struck off)."""
        asked = await asyncio.to_thread(self._ask, self._take())
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.answer_seconds
        while True:
            late = await asyncio.to_thread(self._late, asked)
            if not late:
                return
            if loop.time() >= deadline:
                log.warning("journal: %d processes did not flush; read without them", len(late))
                await asyncio.to_thread(self._strike_off, late)
                return
            await asyncio.sleep(self.period / 4)

    def _ask(self, batch: list[Captured]) -> int:
        self._write(batch)
        with self._lock:
            return self.state.signal_next(FLUSH_ASKED)

    def _late(self, asked: int) -> list[str]:
        """The other processes that have not answered ``asked`` yet."""
        with self._lock:
            done = self.state.signals(FLUSH_DONE)
        return [k for k, v in done.items() if k != self._done_key and int(v) < asked]

    def _strike_off(self, keys: list[str]) -> None:
        with self._lock:
            for key in keys:
                self.state.signal_set(key, None)

    def __len__(self) -> int:
        with self._lock:
            return self.state.log_count(LOG)

    def query(self, flt: RequestFilter) -> list[JournalEntry]:
        """Read a page at a time; only matches are decoded in full."""
        wanted = max(flt.limit, 0)
        if flt.is_empty:
            with self._lock:
                return [_entry(i, r) for i, r in self.state.log_read(LOG, limit=wanted)]
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
            yield from (_entry(i, r) for i, r in newer if flt.matches(_HEAD.decode(r)))
            if len(rows) < PAGE or len(newer) < len(rows):
                return
            before = rows[-1][0]

    def get(self, entry_id: int) -> JournalEntry | None:
        if not 0 < entry_id < _MAX_ID:
            return None
        with self._lock:
            rows = self.state.log_read(LOG, before=entry_id + 1, limit=1)
        return _entry(*rows[0]) if rows and rows[0][0] == entry_id else None

    def clear(self) -> int:
        with self._lock:
            return self.state.log_clear(LOG)

    async def close(self) -> None:
        """Write what waits and leave: reads no longer wait for this process."""
        if self._flusher is not None:
            self._flusher.cancel()
            self._flusher = None
        self.flush()
        if self._answered is not None:
            with self._lock:
                self.state.signal_set(self._done_key, None)
            self._answered = None


def _entry(row_id: int, record: str) -> JournalEntry:
    entry = _ENTRY.decode(record)
    entry.id = row_id
    return entry


def open_journal(
    state: StateStore,
    processes: int | None,
    max_entries: int = DEFAULT_ENTRIES,
    body_chars: int = DEFAULT_BODY_CHARS,
) -> Journal:
    """Memory when no other process can serve this database: nobody else can open it, or it
    is on this host and the CLI says one process serves it (``processes``; None: unknown)."""
    alone = state.reach == "process" or (state.reach == "host" and processes == 1)
    if alone:
        return MemoryJournal(max_entries, body_chars)
    return SharedJournal(state, max_entries, body_chars)
