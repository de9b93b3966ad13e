"""The PostgreSQL version probe (issue 14): a request's version read never blocks the event
loop, requests waiting together share one query, and none trusts a version read before it
arrived."""

from __future__ import annotations

import asyncio
import socket
import uuid

import psycopg
import pytest

from core.models import Company
from core.store import StoreError, StoreUnavailable
from core.store.postgres import WRITE_LOCK, PostgresStore
from core.store.probe import VersionProbe


def company(code: str) -> Company:
    return Company(id=uuid.uuid4(), code=code, name=code)


def test_a_write_by_another_connection_is_seen_by_the_next_request(
    pg: PostgresStore, postgres_dsn: str
) -> None:
    other = PostgresStore(postgres_dsn, schema=pg.schema)

    async def requests() -> list[str]:
        await pg.sync_async()
        seen = [c.code for c in pg.find(Company)]
        with other.write():
            other.insert(company("NEW"))
        await pg.sync_async()
        return seen + ["|"] + [c.code for c in pg.find(Company)]

    try:
        assert asyncio.run(requests()) == ["|", "NEW"]
    finally:
        other.close()


def test_requests_waiting_together_share_one_read(pg: PostgresStore) -> None:
    probe = pg._probe
    sent: list[bytes] = []

    async def requests() -> set[tuple[str | None, str | None]]:
        found = await asyncio.gather(*(probe.read() for _ in range(20)))
        pgconn = probe._pgconn
        assert pgconn is not None
        real_send = pgconn.send_query_prepared

        def send(name: bytes, params: None) -> None:
            sent.append(name)
            real_send(name, params)

        probe._pgconn = _Spy(pgconn, send)
        found += await asyncio.gather(*(probe.read() for _ in range(20)))
        return set(found)

    with pg.write():
        pg.insert(company("V"))
    assert asyncio.run(requests()) == {(pg.data_version, pg.state_version)}
    # the callers that arrived in one turn of the event loop share one round
    assert len(sent) == 1


class _Spy:
    """A libpq connection whose sends are counted."""

    def __init__(self, pgconn: object, send: object) -> None:
        self._pgconn = pgconn
        self.send_query_prepared = send

    def __getattr__(self, name: str) -> object:
        return getattr(self._pgconn, name)


def test_a_round_never_serves_a_caller_that_arrived_after_it_was_sent(
    pg: PostgresStore, postgres_dsn: str
) -> None:
    """A caller that arrives while a read is in flight gets the next read's answer, which
    shows a commit made after the first read was sent."""
    other = PostgresStore(postgres_dsn, schema=pg.schema)

    async def requests() -> object:
        probe = pg._probe
        first = asyncio.ensure_future(probe.read())
        await asyncio.sleep(0)  # the first round is sent
        with other.write():
            other.insert(company("LATER"))
        second = asyncio.ensure_future(probe.read())
        await asyncio.sleep(0)
        assert (len(probe._flying), len(probe._next)) == (1, 1)  # it joins the next round
        await first
        return await second

    try:
        assert asyncio.run(requests()) == (other.data_version, other.state_version)
    finally:
        other.close()


def test_a_round_is_sent_while_another_is_in_flight(pg: PostgresStore, postgres_dsn: str) -> None:
    """Rounds do not queue behind each other: while the server holds the first (a lock on
    the versions), the next turn's callers are sent at once, and both see the commit that
    ends the wait."""

    async def requests() -> list[object]:
        probe = pg._probe
        await probe.read()  # connected, the query prepared
        with psycopg.connect(postgres_dsn, autocommit=True) as other:
            other.execute("BEGIN")
            other.execute(f'LOCK TABLE "{pg.schema}".control IN ACCESS EXCLUSIVE MODE')
            first = asyncio.ensure_future(probe.read())
            for _ in range(3):
                await asyncio.sleep(0)
            second = asyncio.ensure_future(probe.read())
            for _ in range(3):
                await asyncio.sleep(0)
            flying = len(probe._flying)
            other.execute(
                f"UPDATE \"{pg.schema}\".control SET value = 'moved' WHERE key = 'data_version'"
            )
            other.execute("COMMIT")
        return [flying, *await asyncio.gather(first, second)]

    with pg.write():
        pg.insert(company("V"))
    flying, first, second = asyncio.run(requests())
    assert flying == 2
    assert first == second == ("moved", pg.state_version)


def test_the_rounds_in_flight_when_the_connection_dies_are_sent_again_on_a_fresh_one(
    pg: PostgresStore, postgres_dsn: str
) -> None:
    async def requests() -> list[object]:
        probe = pg._probe
        await probe.read()
        assert probe._pgconn is not None
        pid = probe._pgconn.backend_pid
        with psycopg.connect(postgres_dsn, autocommit=True) as other:
            other.execute("BEGIN")
            other.execute(f'LOCK TABLE "{pg.schema}".control IN ACCESS EXCLUSIVE MODE')
            waiting = []
            for _ in range(2):
                waiting.append(asyncio.ensure_future(probe.read()))
                for _ in range(3):
                    await asyncio.sleep(0)
            assert len(probe._flying) == 2
            other.execute("SELECT pg_terminate_backend(%s)", [pid])
            other.execute("COMMIT")
        found = await asyncio.gather(*waiting)
        assert probe._pgconn is not None
        assert probe._pgconn.backend_pid != pid
        return found

    assert asyncio.run(requests()) == [(pg.data_version, pg.state_version)] * 2


def test_a_dead_connection_is_replaced_unseen_and_a_lost_database_is_unavailable(
    pg: PostgresStore, postgres_dsn: str
) -> None:
    async def requests() -> None:
        await pg.sync_async()
        pgconn = pg._probe._pgconn
        assert pgconn is not None
        pid = pgconn.backend_pid
        with psycopg.connect(postgres_dsn, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        await pg._probe.read()  # a fresh connection, nothing failed
        assert pg._probe._pgconn is not None
        assert pg._probe._pgconn.backend_pid != pid

    asyncio.run(requests())

    unreachable = VersionProbe("postgresql://nobody@127.0.0.1:1/none", "public", ("a", "b"))
    with pytest.raises(StoreUnavailable):
        asyncio.run(unreachable.read())
    unreachable.close()


def test_a_query_that_cannot_be_prepared_fails_every_round(postgres_dsn: str) -> None:
    """No ``control`` table in the schema: each read fails as an error of the store, none
    waits for a round that was never sent."""
    probe = VersionProbe(postgres_dsn, "no_such_schema", ("a", "b"))

    async def twice() -> None:
        for _ in range(2):
            with pytest.raises(StoreError, match="cannot read the data version"):
                await asyncio.wait_for(probe.read(), 10)

    asyncio.run(twice())
    probe.close()


def test_a_new_event_loop_gets_a_connection_of_its_own(pg: PostgresStore) -> None:
    first = asyncio.run(pg._probe.read())
    second = asyncio.run(pg._probe.read())
    assert first == second


def test_a_write_makes_savepoints_only_around_changes_and_stamps_with_its_commit(
    pg: PostgresStore,
) -> None:
    """Round trips of a write under the writers' lock: nested blocks that only read make no
    savepoint, those around a change are made in one go, and the new data version travels
    with COMMIT."""
    acme = company("ACME")
    with pg.write():
        pg.insert(acme)
    sent: list[str] = []
    conn = pg._conn
    real = conn.execute

    def execute(query: object, params: object = None, **kw: object) -> object:
        sent.append(str(query).split(" (")[0][:40])
        return real(query, params, **kw)  # type: ignore[arg-type]

    conn.execute = execute  # type: ignore[method-assign]
    try:
        with pg.write(), pg.write():
            with pg.read():
                pg.get(Company, acme.id)
            pg.update(Company(id=acme.id, code="ACME", name="Renamed"))
    finally:
        del conn.execute
    assert sent == [
        f"BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK}"[:40],
        'SELECT "id", "code", "name" FROM compani',
        "SAVEPOINT sp1; SAVEPOINT sp2",
        'UPDATE companies SET "code" = %s, "name"',
        "INSERT INTO control",  # ... ; COMMIT
    ]
    assert pg.get(Company, acme.id).name == "Renamed"


def test_a_send_the_socket_cannot_take_at_once_is_finished_when_it_can() -> None:
    """In non-blocking mode libpq may keep part of a round: the probe then waits for the
    socket to take more, and stops waiting once all is sent."""

    class Held:
        def __init__(self, fd: int) -> None:
            self.socket = fd
            self.pending = [1, 0]

        def flush(self) -> int:
            return self.pending.pop(0)

    async def scenario() -> list[bool]:
        left, right = socket.socketpair()
        probe = VersionProbe("postgresql://nobody@127.0.0.1:1/none", "public", ("a", "b"))
        probe._loop = asyncio.get_running_loop()
        probe._pgconn = Held(left.fileno())  # type: ignore[assignment]
        probe._fd = left.fileno()
        probe._flush()
        seen = [probe._writing]
        await asyncio.sleep(0.05)  # the socket is writable: the rest goes
        seen.append(probe._writing)
        probe._pgconn = None
        left.close()
        right.close()
        return seen

    assert asyncio.run(scenario()) == [True, False]
