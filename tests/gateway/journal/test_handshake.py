"""An admin read of a shared journal asks every other process to flush and waits for each
one's answer (issue 14: "an admin read still sees every request answered before it"), on
SQLite (``--workers N``) and PostgreSQL. Two stores on one database stand for two processes."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.store import open_store
from core.store.postgres import PostgresStore
from gateway.journal import Captured, RequestFilter, SharedJournal
from gateway.journal.handshake import FLUSH_DONE
from gateway.state import StateStore, state_of


@pytest.fixture(params=["sqlite", "postgresql"])
def two(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[StateStore, ...]]:
    """Two connections to one database, as two gateway processes have."""
    if request.param == "sqlite":
        stores = [open_store(tmp_path / "shared.db") for _ in range(2)]
    else:
        dsn = request.getfixturevalue("postgres_dsn")
        schema = f"t_{uuid.uuid4().hex}"
        stores = [PostgresStore(dsn, schema=schema) for _ in range(2)]
    yield tuple(state_of(s) for s in stores)
    if isinstance(stores[0], PostgresStore):
        stores[0].drop()
    for store in stores:
        store.close()


def captured(request_id: str, second: float = 0) -> Captured:
    at = datetime(2026, 11, 28, tzinfo=UTC).timestamp() + second
    return Captured(
        at, request_id, "iservice", None, "GET", "/x", b"", 200, 0.001, [], b"", [], b""
    )


def test_a_read_waits_until_every_other_process_has_flushed(two: tuple[StateStore, ...]) -> None:
    """The other process flushes only every 0.3 s on its own: a read that merely waited a
    while would miss its requests; this one asks, and sees them."""
    reader, other = SharedJournal(two[0]), SharedJournal(two[1])
    other.period = 0.3

    async def run() -> list[str]:
        await reader.start()
        await other.start()
        await asyncio.sleep(0.35)  # the other process is between two looks
        for n in range(3):
            other.add(captured(f"other-{n}"))
        reader.add(captured("own"))
        await reader.settle()
        seen = [e.request_id for e in reader.query(RequestFilter())]
        await other.close()
        await reader.close()
        return seen

    assert sorted(asyncio.run(run())) == ["other-0", "other-1", "other-2", "own"]


def test_a_process_gone_without_leaving_is_struck_off_and_comes_back_if_only_slow(
    two: tuple[StateStore, ...], caplog: pytest.LogCaptureFixture
) -> None:
    reader, other = SharedJournal(two[0]), SharedJournal(two[1])
    reader.answer_seconds = 0.2
    other_key = other._handshake.done_key

    async def run() -> None:
        await other.start()
        assert other._watcher is not None
        other._watcher.cancel()  # killed: it never answers, nor leaves
        await reader.settle()
        assert other_key not in two[0].signals(FLUSH_DONE)
        other._start()  # it was only slow: its next look joins again, under a new name
        for _ in range(100):
            await asyncio.sleep(other.period)
            if other._handshake.done_key in two[0].signals(FLUSH_DONE):
                break
        assert other._handshake.done_key != other_key
        other.add(captured("late"))
        reader.answer_seconds = 5
        await reader.settle()
        assert [e.request_id for e in reader.query(RequestFilter())] == ["late"]
        await other.close()

    with caplog.at_level(logging.WARNING, logger="crmgate.journal"):
        asyncio.run(run())
    assert "1 processes did not flush" in caplog.text


def test_a_process_that_leaves_is_no_longer_waited_for(two: tuple[StateStore, ...]) -> None:
    reader, other = SharedJournal(two[0]), SharedJournal(two[1])

    async def run() -> None:
        await other.start()
        assert other._handshake.done_key in two[0].signals(FLUSH_DONE)
        other.add(captured("last"))
        await other.close()
        assert other._handshake.done_key not in two[0].signals(FLUSH_DONE)
        await reader.settle()
        assert [e.request_id for e in reader.query(RequestFilter())] == ["last"]

    asyncio.run(run())


def test_a_process_started_by_its_first_request_answers_only_after_writing_it(
    two: tuple[StateStore, ...],
) -> None:
    """Without ``start`` (no lifespan), the watch starts with the first capture waiting: it
    joins as not having answered the current count, so a read waits for that capture."""
    reader, other = SharedJournal(two[0]), SharedJournal(two[1])
    other.period = 0.3

    async def run() -> list[str]:
        await reader.settle()  # a count asked before the other process joins
        other.add(captured("first"))
        while other._handshake.done_key not in two[0].signals(FLUSH_DONE):
            await asyncio.sleep(0.01)  # joining; then its capture waits for its next look
        await reader.settle()
        seen = [e.request_id for e in reader.query(RequestFilter())]
        await other.close()
        return seen

    assert asyncio.run(run()) == ["first"]


def test_signals_are_shared_by_every_connection(two: tuple[StateStore, ...]) -> None:
    one, another = two
    assert [one.signal_next("t.count"), another.signal_next("t.count")] == [1, 2]
    one.signal_set("t.mark/a", "x")
    another.signal_set("t.mark/b", "y")
    assert another.signals("t.mark/") == {"t.mark/a": "x", "t.mark/b": "y"}
    assert one.signals("t.count") == {"t.count": "2"}
    one.signal_set("t.mark/a", None)
    assert another.signals("t.mark") == {"t.mark/b": "y"}
    version = one.state_version
    one.signal_next("t.count")
    assert one.state_version == version  # a signal is no change of operating state


def test_a_read_returns_every_process_s_requests_in_the_order_answered(
    two: tuple[StateStore, ...],
) -> None:
    """Each process writes its captures only when a read asks, in one batch: the read merges
    the batches by answer time, and ids rise in that order, so that a page polling with
    ``after`` sees exactly what was answered since (issue 14)."""
    reader, other = SharedJournal(two[0]), SharedJournal(two[1])

    async def run() -> tuple[list[str], list[int], list[str]]:
        await reader.start()
        await other.start()
        for n in range(6):
            (reader, other)[n % 2].add(captured(f"r{n}", n))
        await reader.settle()
        first = reader.query(RequestFilter())
        for n in range(6, 9):
            (other, reader)[n % 2].add(captured(f"r{n}", n))
        await other.settle()
        newer = other.query(RequestFilter(after=first[0].id))
        await other.close()
        await reader.close()
        return [e.request_id for e in first], [e.id for e in first], [e.request_id for e in newer]

    seen, ids, newer = asyncio.run(run())
    assert seen == [f"r{n}" for n in reversed(range(6))]
    assert ids == list(range(ids[0], ids[0] - 6, -1))
    assert newer == ["r8", "r7", "r6"]


def test_two_reads_at_once_gather_each_request_once(two: tuple[StateStore, ...]) -> None:
    one, another = SharedJournal(two[0]), SharedJournal(two[1])

    async def run() -> list[str]:
        await one.start()
        await another.start()
        for n in range(40):
            (one, another)[n % 2].add(captured(f"r{n}", n))
        await asyncio.gather(one.settle(), another.settle(), one.settle())
        seen = [e.request_id for e in another.query(RequestFilter(limit=100))]
        await one.close()
        await another.close()
        return seen

    assert asyncio.run(run()) == [f"r{n}" for n in reversed(range(40))]


def test_a_process_holds_no_more_than_the_journal_keeps(two: tuple[StateStore, ...]) -> None:
    """Nobody reads for a long while: each process keeps its newest ``max_entries`` captures
    (``--journal-size``), and a read keeps the newest of all."""
    reader, other = SharedJournal(two[0], max_entries=5), SharedJournal(two[1], max_entries=5)
    for n in range(30):
        (reader, other)[n % 2].add(captured(f"r{n}", n))
    assert len(other._pending) == 5

    async def run() -> list[str]:
        await other.start()
        await reader.settle()
        await other.close()
        return [e.request_id for e in reader.query(RequestFilter(limit=100))]

    assert asyncio.run(run()) == [f"r{n}" for n in reversed(range(25, 30))]
