"""What the journal keeps: the hot path's ``Captured`` exchange (nothing masked, encoded or even
formatted yet), the ``JournalEntry`` an admin read returns (secrets masked, bodies cut), their
JSON records in a shared log, and the filters a read or a count applies to an entry's head."""

from __future__ import annotations

from datetime import UTC, datetime
from fnmatch import fnmatchcase
from sys import maxsize
from typing import Annotated, Protocol

import msgspec

from gateway.masking import mask_body, mask_headers, mask_query

DEFAULT_ENTRIES = 10_000
DEFAULT_BODY_CHARS = 4096


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


class Captured(msgspec.Struct, gc=False):
    """One exchange as the hot path saw it: nothing masked, encoded or even formatted yet
    (``at`` is a POSIX time, ``duration`` in seconds).

    Made in C, of values that can hold no reference cycle (the headers as tuples, the bodies
    as bytes), so the garbage collector need not track it (``gc=False``): the thousands of
    captures a full journal holds add nothing to a collection's work.
    """

    at: float
    request_id: str
    dialect: str
    sandbox: str | None
    method: str
    path: str
    query_string: bytes
    status: int
    duration: float
    request_headers: tuple[tuple[bytes, bytes], ...]
    request_body: bytes | bytearray
    response_headers: tuple[tuple[bytes, bytes], ...]
    response_body: bytes | bytearray
    #: False when no endpoint matched the request.
    matched: bool = True
    #: Given when the journal keeps the capture.
    id: int = 0

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


class StoredHead(msgspec.Struct):
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


class _Time(msgspec.Struct):
    """What a merge of records from several processes orders them by."""

    time: datetime


_ENCODER = msgspec.json.Encoder()
_ENTRY = msgspec.json.Decoder(JournalEntry)
_HEAD = msgspec.json.Decoder(StoredHead)
_TIME = msgspec.json.Decoder(_Time)


def record_of(captured: Captured, body_chars: int) -> str:
    """The JSON record of ``captured`` in a shared log (masked: it leaves the process)."""
    return _ENCODER.encode(captured.entry(body_chars)).decode()


def entry_of(row_id: int, record: str) -> JournalEntry:
    entry = _ENTRY.decode(record)
    entry.id = row_id
    return entry


def head_of(record: str) -> StoredHead:
    """Decoding only the head skips the bodies (what a filter looks at)."""
    return _HEAD.decode(record)


def time_of(record: str) -> datetime:
    return _TIME.decode(record).time
