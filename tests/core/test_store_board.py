"""The commit board (issue 14): processes of one host learn that nobody committed without a
round trip, and still see every write answered before a request arrived, their own host's
at once, another host's within the lease rules of ``core.store.board``."""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from core.models import Company
from core.store import board
from core.store.board import open_board
from core.store.postgres import PostgresStore


def company(code: str) -> Company:
    return Company(id=uuid.uuid4(), code=code, name=code)


def codes(store: PostgresStore) -> list[str]:
    return sorted(c.code for c in store.find(Company))


@pytest.fixture
def schema(postgres_dsn: str) -> Iterator[str]:
    name = f"t_{uuid.uuid4().hex}"
    yield name
    store = PostgresStore(postgres_dsn, schema=name)
    store.drop()
    store.close()


def lease(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    monkeypatch.setattr(board, "LEASE_SECONDS", seconds)


def other_host(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Stores made from now on keep their board where this host's do not: another host."""
    monkeypatch.setattr(board, "runtime_dir", lambda: tmp_path)


def test_stores_sharing_a_board_read_each_others_writes_without_a_round_per_request(
    postgres_dsn: str, schema: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    lease(monkeypatch, 30)
    reader = PostgresStore(postgres_dsn, schema=schema)
    writer = PostgresStore(postgres_dsn, schema=schema)
    assert reader._commits.board is not None
    assert writer._commits.board is not None
    assert reader._commits.board.path == writer._commits.board.path
    writer._commits._registered -= 60  # registered long ago: no first write held

    async def requests() -> list[object]:
        rounds = reader._probe.rounds
        seen: list[object] = []
        for _ in range(3):  # the first reads the versions and checks the registrations
            await reader.sync_async()
            seen.append(codes(reader))
        seen.append(reader._probe.rounds - rounds)
        with writer.write():
            writer.insert(company("NEW"))
        await reader.sync_async()  # the board moved: one round
        seen.append(codes(reader))
        await reader.sync_async()
        seen.append(reader._probe.rounds - rounds)
        return seen

    try:
        assert asyncio.run(requests()) == [[], [], [], 1, ["NEW"], 2]
    finally:
        reader.close()
        writer.close()


def test_a_stores_own_write_and_a_state_change_are_counted(
    postgres_dsn: str, schema: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store's own commit leaves it current (no round for it); a state change made outside
    any transaction moves the board for the others."""
    lease(monkeypatch, 30)
    one = PostgresStore(postgres_dsn, schema=schema)
    two = PostgresStore(postgres_dsn, schema=schema)
    for store in (one, two):
        store._commits._registered -= 60

    async def requests() -> list[object]:
        await one.sync_async()
        await two.sync_async()
        rounds = one._probe.rounds
        with one.write():
            one.insert(company("MINE"))
        await one.sync_async()
        seen: list[object] = [one._probe.rounds - rounds, codes(one)]
        one.set_control("rules", "[]")
        await two.sync_async()
        seen += [two.state_version == one.state_version, codes(two)]
        return seen

    try:
        assert asyncio.run(requests()) == [0, ["MINE"], True, ["MINE"]]
    finally:
        one.close()
        two.close()


def test_a_write_from_another_host_is_seen_and_turns_the_board_off_while_it_is_there(
    postgres_dsn: str, schema: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The reader's lease was granted before the other host's store registered: that store
    holds its first write's answer until the lease has run out, the reader's next request
    reads the versions, sees the other board and from then on reads them per request."""
    lease(monkeypatch, 0.3)
    reader = PostgresStore(postgres_dsn, schema=schema)
    held: list[float] = []
    real_sleep = time.sleep

    def sleep(seconds: float) -> None:
        held.append(seconds)
        real_sleep(seconds)

    async def requests() -> list[object]:
        await reader.sync_async()  # a lease of 0.3 s from here
        checked = time.monotonic()
        other_host(monkeypatch, tmp_path)
        monkeypatch.setattr(board.time, "sleep", sleep)
        remote = PostgresStore(postgres_dsn, schema=schema)
        assert remote._commits.board is not None
        assert remote._commits.board.path.parent == tmp_path
        try:
            with remote.write():
                remote.insert(company("FAR"))
            answered = time.monotonic()
            rounds = reader._probe.rounds
            await reader.sync_async()
            seen: list[object] = [answered - checked > 0.3, codes(reader)]
            await reader.sync_async()
            await reader.sync_async()
            seen.append(reader._probe.rounds - rounds)
        finally:
            remote.close()
        return seen

    try:
        assert asyncio.run(requests()) == [True, ["FAR"], 3]
        assert held
        assert held[0] > 0.3
    finally:
        reader.close()


def test_the_board_serves_again_once_the_other_host_is_gone(
    postgres_dsn: str, schema: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    lease(monkeypatch, 0.05)
    reader = PostgresStore(postgres_dsn, schema=schema)
    with monkeypatch.context() as patch:
        patch.setattr(board, "runtime_dir", lambda: tmp_path)
        remote = PostgresStore(postgres_dsn, schema=schema)

    async def requests() -> list[int]:
        counts = []
        for _ in range(2):
            rounds = reader._probe.rounds
            for _ in range(5):
                await reader.sync_async()
            counts.append(reader._probe.rounds - rounds)
            remote.close()  # its registration goes with its connection
            await asyncio.sleep(0.1)  # the next check is due
            await reader.sync_async()  # and renews the lease
        return counts

    try:
        assert asyncio.run(requests()) == [5, 0]
    finally:
        reader.close()


def test_an_expired_lease_costs_a_round_and_a_half_gone_one_is_renewed_ahead(
    postgres_dsn: str, schema: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    lease(monkeypatch, 0.4)
    store = PostgresStore(postgres_dsn, schema=schema)

    async def requests() -> list[int]:
        probe = store._probe
        await store.sync_async()
        start = probe.rounds
        await asyncio.sleep(0.5)  # the lease ran out
        await store.sync_async()
        expired = probe.rounds - start
        await asyncio.sleep(0.25)  # more than half of the new lease is gone
        await store.sync_async()  # answered by the board, a check sent beside it
        assert store._renewal is not None
        assert not store._renewal.done()
        await store._renewal
        ahead = probe.rounds - start - expired
        await asyncio.sleep(0.2)  # past the first lease, within the renewed one
        await store.sync_async()
        return [expired, ahead, probe.rounds - start - expired - ahead]

    try:
        assert asyncio.run(requests()) == [1, 1, 0]
    finally:
        store.close()


def test_without_a_board_every_request_reads_the_versions(
    postgres_dsn: str, schema: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """No writable runtime directory (or the switch off): today's round per request."""
    lease(monkeypatch, 30)
    monkeypatch.setattr(board, "runtime_dir", lambda: tmp_path / "missing")
    unwritable = PostgresStore(postgres_dsn, schema=schema)
    monkeypatch.setenv("CRMGATE_COMMIT_BOARD", "off")
    switched_off = PostgresStore(postgres_dsn, schema=schema)

    async def requests(store: PostgresStore) -> int:
        rounds = store._probe.rounds
        for _ in range(3):
            await store.sync_async()
        return store._probe.rounds - rounds

    try:
        for store in (unwritable, switched_off):
            assert store._commits.board is None
            assert asyncio.run(requests(store)) == 3
    finally:
        unwritable.close()
        switched_off.close()


def test_a_board_file_anyone_else_may_write_is_not_used(tmp_path: Path) -> None:
    made = open_board("db", tmp_path)
    assert made is not None
    path = made.path
    made.close()
    os.chmod(path, 0o666)
    assert open_board("db", tmp_path) is None
    os.chmod(path, 0o600)
    if os.geteuid() == 0:
        os.chown(path, 65534, 65534)
        assert open_board("db", tmp_path) is None
    else:
        path.unlink()
    link = tmp_path / "elsewhere"
    path.unlink(missing_ok=True)
    path.symlink_to(link)
    assert open_board("db", tmp_path) is None


def test_a_board_keeps_its_token_and_counts_commits(tmp_path: Path) -> None:
    first = open_board("db", tmp_path)
    second = open_board("db", tmp_path)
    assert first is not None
    assert second is not None
    assert first.token == second.token
    assert [first.bump(), second.bump(), first.value()] == [0, 1, 2]
    assert open_board("another db", tmp_path).token != first.token  # type: ignore[union-attr]
    first.close()
    second.close()


def test_the_board_is_named_from_the_database_not_from_the_dsn(
    postgres_dsn: str, schema: str
) -> None:
    """Two spellings of one DSN, one with a password (the test cluster trusts it): one board,
    whose name shows neither."""
    _, _, rest = postgres_dsn.partition("://crmgate@")
    spelled = [
        postgres_dsn,
        f"postgresql://crmgate:s3cret-pw@{rest.replace('127.0.0.1', 'localhost')}",
    ]
    stores = [PostgresStore(dsn, schema=schema) for dsn in spelled]
    try:
        paths = {store._commits.board.path for store in stores}  # type: ignore[union-attr]
        assert len(paths) == 1
        path = paths.pop()
        name = path.name
        for secret in ("s3cret", "crmgate@", "localhost", "127.0.0.1", schema, rest.split("/")[0]):
            assert secret not in name
        stores[0].drop()  # the board goes with the schema
        assert not path.exists()
    finally:
        for store in stores:
            store.close()


def test_a_store_closed_while_renewing_its_lease_does_not_wait_for_the_renewal(
    postgres_dsn: str, schema: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    lease(monkeypatch, 0.2)
    store = PostgresStore(postgres_dsn, schema=schema)

    async def requests() -> bool:
        await store.sync_async()
        await asyncio.sleep(0.12)
        await store.sync_async()  # the renewal is on its way
        renewal = store._renewal
        assert renewal is not None
        assert not renewal.done()
        store.close()
        await asyncio.sleep(0)
        return renewal.cancelled()

    assert asyncio.run(requests())


def test_a_role_that_may_not_read_the_system_identifier_still_gets_a_board(
    postgres_dsn: str, schema: str
) -> None:
    """Named from the database's name and oid then: a board of its own (a read per commit of
    the others, never a missed one)."""
    with psycopg.connect(postgres_dsn, autocommit=True) as admin:
        admin.execute("DROP ROLE IF EXISTS board_plain")
        admin.execute("CREATE ROLE board_plain LOGIN")
        admin.execute("GRANT CREATE ON DATABASE postgres TO board_plain")
        admin.execute("REVOKE EXECUTE ON FUNCTION pg_control_system() FROM PUBLIC")
        try:
            plain = PostgresStore(postgres_dsn.replace("crmgate@", "board_plain@"), schema=schema)
        finally:
            admin.execute("GRANT EXECUTE ON FUNCTION pg_control_system() TO PUBLIC")
    full = PostgresStore(postgres_dsn, schema=schema)
    try:
        assert plain._commits.board is not None
        assert full._commits.board is not None
        assert plain._commits.board.path != full._commits.board.path
    finally:
        plain.close()
        full.close()
        with psycopg.connect(postgres_dsn, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
            admin.execute("REVOKE CREATE ON DATABASE postgres FROM board_plain")
            admin.execute("DROP ROLE board_plain")


def test_the_blocking_sync_checks_the_registrations_and_then_asks_nothing(
    postgres_dsn: str, schema: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``sync`` (the admin API, a sandbox's store) takes the lease on its own connection."""
    lease(monkeypatch, 30)
    store = PostgresStore(postgres_dsn, schema=schema)
    writer = PostgresStore(postgres_dsn, schema=schema)
    writer._commits._registered -= 60
    sent: list[str] = []
    conn = store._conn
    real = conn.execute

    def execute(query: object, params: object = None, **kw: object) -> object:
        sent.append(str(query))
        return real(query, params, **kw)  # type: ignore[arg-type]

    conn.execute = execute  # type: ignore[method-assign]
    counts = []
    try:
        for _ in range(2):
            store.sync()
            counts.append(len(sent))
        with writer.write():
            writer.insert(company("SEEN"))
        store.sync()
        counts.append(len(sent))
        assert codes(store) == ["SEEN"]
        before = len(sent)
        store.sync()
        counts.append(len(sent) - before)
    finally:
        del conn.execute
        store.close()
        writer.close()
    # checked; nothing; the versions once the board moved; nothing after the row's read
    assert counts == [1, 1, 2, 0]
    assert "pg_locks" not in sent[1]
