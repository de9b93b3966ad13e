"""Bounded logs in the store (the gateway's state): one log shared by every connection and
process on a database, kept in a ring of slots rewritten in place."""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from core.store import SqliteStore, Store, open_store
from core.store.migrations import MIGRATIONS
from core.store.postgres import PostgresStore

Opener = Callable[[], Store]


def test_appends_read_back_newest_first(store: Store) -> None:
    assert store.log_read("j") == []
    assert store.log_count("j") == 0
    ids = [store.log_append_many("j", [f"r{i}"], keep=100)[0] for i in range(5)]
    assert ids == [1, 2, 3, 4, 5]
    assert store.log_read("j") == [(5, "r4"), (4, "r3"), (3, "r2"), (2, "r1"), (1, "r0")]
    assert store.log_read("j", limit=2) == [(5, "r4"), (4, "r3")]
    assert store.log_read("j", before=4, limit=2) == [(3, "r2"), (2, "r1")]
    assert store.log_read("j", before=1) == []
    assert store.log_read("j", limit=-1) == []
    assert store.log_count("j") == 5
    assert store.log_read("other") == []


def test_a_log_keeps_its_newest_records_only(store: Store) -> None:
    for i in range(200):
        store.log_append_many("j", [f"r{i}"], keep=3)[0]
        assert store.log_count("j") == min(i + 1, 3)
    assert [r for _, r in store.log_read("j")] == ["r199", "r198", "r197"]
    assert _stored(store) == 3  # the ring: never more rows than it keeps
    store.log_append_many("j", ["fewer"], keep=1)[0]
    assert store.log_read("j") == [(201, "fewer")]
    assert _stored(store) == 1


def _stored(store: Store) -> int:
    return store._logs.execute("SELECT count(*) FROM log_slots").fetchone()[0]


def test_a_batch_is_appended_in_order_in_one_call(store: Store) -> None:
    assert store.log_append_many("j", [], keep=5) == []
    assert store.log_append_many("j", ["a", "b"], keep=5) == [1, 2]
    assert store.log_append_many("j", [f"n{i}" for i in range(7)], keep=5) == list(range(3, 10))
    assert [i for i, _ in store.log_read("j")] == [9, 8, 7, 6, 5]
    assert store.log_append_many("k", ["x"], keep=0) == [1]
    assert store.log_read("k") == []


def test_clearing_keeps_ids_rising_and_other_logs(store: Store) -> None:
    for i in range(70):
        store.log_append_many("j", [str(i)], keep=5)[0]
    store.log_append_many("k", ["kept"], keep=5)[0]
    assert store.log_clear("j") == 5  # what a reader saw
    assert store.log_count("j") == 0
    assert store.log_read("j") == []
    assert store.log_append_many("j", ["again"], keep=5)[0] == 71
    assert store.log_read("j") == [(71, "again")]
    assert store.log_read("k") == [(1, "kept")]
    assert store.log_clear("nothing") == 0


def test_a_busy_postgresql_log_does_not_grow_its_table(postgres_dsn: str) -> None:
    """Under sustained appends the ring rewrites its rows in place: after vacuum (what
    autovacuum does) the table is no bigger after 40 laps than after 4."""
    store = PostgresStore(postgres_dsn, schema=f"t_{uuid.uuid4().hex}")
    record = "x" * 300
    try:

        def laps(n: int) -> int:
            for _ in range(n):
                for _ in range(10):
                    store.log_append_many("j", [record] * 20, keep=200)
                store._logs.execute("VACUUM log_slots")
            return store._logs.execute("SELECT pg_relation_size('log_slots')").fetchone()[0]

        early = laps(4)
        assert laps(36) <= early
        assert store.log_count("j") == 200
        assert _stored(store) == 200
    finally:
        store.drop()
        store.close()


def test_logs_are_operating_state_and_survive_a_wipe(store: Store) -> None:
    store.log_append_many("j", ["r"], keep=5)[0]
    store.wipe()
    assert store.log_read("j") == [(1, "r")]


def test_records_are_text_without_nul(store: Store) -> None:
    with pytest.raises(ValueError, match="NUL"):
        store.log_append_many("j", ["a\x00b"], keep=5)[0]
    assert store.log_count("j") == 0
    store.log_append_many("j", ['{"ünï":"\\u0000"}'], keep=5)[0]
    assert store.log_read("j") == [(1, '{"ünï":"\\u0000"}')]


def _append_in_a_failing_write(store: Store) -> None:
    with store.write():
        store.log_append_many("j", ["in the write"], keep=5)[0]
        raise RuntimeError("the data rolls back")


def test_an_append_does_not_wait_for_nor_join_a_postgresql_write(postgres_dsn: str) -> None:
    store = PostgresStore(postgres_dsn, schema=f"t_{uuid.uuid4().hex}")
    try:
        with pytest.raises(RuntimeError):  # the write holds the writers' advisory lock
            _append_in_a_failing_write(store)
        assert store.log_read("j") == [(1, "in the write")]
    finally:
        store.drop()
        store.close()


def test_an_in_memory_sqlite_store_has_one_connection_for_all() -> None:
    store = open_store(":memory:")
    with pytest.raises(RuntimeError):
        _append_in_a_failing_write(store)
    assert store.log_count("j") == 0
    store.log_append_many("j", ["kept"], keep=5)[0]
    assert store.log_read("j") == [(1, "kept")]
    store.close()


def test_a_failed_sqlite_append_leaves_nothing_behind(tmp_path: Path) -> None:
    store = open_store(tmp_path / "logs.db")
    store.log_append_many("j", ["first"], keep=5)[0]
    with pytest.raises(ValueError, match="NUL"):
        store.log_append_many("j", ["\x00"], keep=5)[0]
    assert store.log_append_many("j", ["second"], keep=5)[0] == 2
    store.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens another store on one database: what each gateway process has."""
    if request.param == "sqlite":
        path = tmp_path / "shared.db"
        yield lambda: open_store(path)
        return
    dsn, schema = request.getfixturevalue("postgres_dsn"), f"t_{uuid.uuid4().hex}"
    yield lambda: PostgresStore(dsn, schema=schema)
    last = PostgresStore(dsn, schema=schema)
    last.drop()
    last.close()


def test_every_connection_to_a_database_shares_its_logs(opener: Opener) -> None:
    one, two = opener(), opener()
    assert one.log_append_many("j", ["a"], keep=10)[0] == 1
    assert two.log_append_many("j", ["b"], keep=10)[0] == 2
    assert one.log_read("j") == two.log_read("j") == [(2, "b"), (1, "a")]
    with one.read():  # a reader's snapshot never holds an append back (WAL, MVCC)
        assert two.log_append_many("j", ["c"], keep=10)[0] == 3
    assert two.log_clear("j") == 3
    assert one.log_count("j") == 0
    one.close()
    two.close()


def test_concurrent_appends_get_every_id_once_in_order(opener: Opener) -> None:
    stores = [opener() for _ in range(4)]

    def append(store: Store) -> list[int]:
        return [store.log_append_many("j", [f"{id(store)}"], keep=1000)[0] for _ in range(40)]

    with ThreadPoolExecutor(len(stores)) as pool:
        per_store = list(pool.map(append, stores))
    assert sorted(i for ids in per_store for i in ids) == list(range(1, 161))
    assert all(ids == sorted(ids) for ids in per_store)
    assert [i for i, _ in stores[0].log_read("j", limit=1000)] == list(range(160, 0, -1))
    for store in stores:
        store.close()


def test_closing_a_store_closes_its_log_connection(tmp_path: Path) -> None:
    store = open_store(tmp_path / "close.db")
    assert isinstance(store, SqliteStore)
    store.log_append_many("j", ["r"], keep=5)[0]
    connection = store._log_conn
    store.close()
    assert store._log_conn is None
    with pytest.raises(Exception, match="closed"):
        connection.execute("SELECT 1")


def test_a_database_of_schema_3_keeps_its_log_records(tmp_path: Path) -> None:
    """Migration 4 moves the newest ``keep`` records of each log into the ring."""
    path = tmp_path / "v3.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for migration in MIGRATIONS[:3]:
        conn.executescript(migration)
    conn.execute("PRAGMA user_version = 3")
    conn.execute("INSERT INTO logs VALUES ('j', 5, 3)")
    for i in range(1, 6):
        conn.execute("INSERT INTO log_records VALUES ('j', ?, ?)", [i, f"r{i}"])
    conn.close()
    store = open_store(path)
    assert store.log_read("j") == [(5, "r5"), (4, "r4"), (3, "r3")]
    assert store.log_append_many("j", ["r6"], keep=3)[0] == 6
    assert [i for i, _ in store.log_read("j")] == [6, 5, 4]
    store.close()


def test_a_gather_merges_the_sources_in_order_and_forgets_them(opener: Opener) -> None:
    """What each process staged moves into one log, merged by the key (each source's own order
    kept even where the key says otherwise), in one transaction; the sources start afresh."""
    one, two = opener(), opener()
    one.log_append_many("j", ["old"], keep=10)
    one.log_append_many("s/one", ["1", "4", "3", "9"], keep=10)
    two.log_append_many("s/two", ["2", "5"], keep=10)
    two.log_append_many("other", ["x"], keep=10)
    assert two.log_gather("s/", "j", keep=10, order=int) == [2, 3, 4, 5, 6, 7]
    assert [r for _, r in one.log_read("j")] == ["9", "5", "3", "4", "2", "1", "old"]
    assert one.log_gather("s/", "j", keep=10, order=int) == []
    assert one.log_read("other") == [(1, "x")]
    assert one.log_append_many("s/one", ["10"], keep=10) == [1]  # forgotten: afresh
    assert one.log_gather("s/", "j", keep=10, order=int) == [8]
    assert [i for i, _ in one.log_read("j", limit=3)] == [8, 7, 6]
    one.close()
    two.close()


def test_concurrent_gathers_move_every_record_once(opener: Opener) -> None:
    stores = [opener() for _ in range(3)]

    def stage_and_gather(n: int) -> None:
        store = stores[n]
        for i in range(20):
            store.log_append_many(f"s/{n}", [f"{i:03d}-{n}"], keep=100)
            if i % 5 == n:
                store.log_gather("s/", "j", keep=1000, order=str)

    with ThreadPoolExecutor(len(stores)) as pool:
        list(pool.map(stage_and_gather, range(len(stores))))
    stores[0].log_gather("s/", "j", keep=1000, order=str)
    records = [r for _, r in stores[0].log_read("j", limit=1000)]
    assert sorted(records) == sorted(f"{i:03d}-{n}" for i in range(20) for n in range(3))
    for store in stores:
        store.close()


def test_signals_moved_says_so_only_after_a_commit(opener: Opener) -> None:
    """The idle look of a shared journal: no round trip, and quiet while nothing changes."""
    watcher, other = opener(), opener()
    watcher.signals("x.")  # reading signals listens (PostgreSQL) before the first look
    watcher.signals_moved()  # the first look knows nothing: True
    assert not watcher.signals_moved()
    other.signal_set("x.a", "1")
    assert _eventually(watcher.signals_moved)
    assert not watcher.signals_moved()
    other.signal_next("x.n")
    assert _eventually(watcher.signals_moved)
    watcher.close()
    other.close()


def test_another_schemas_signals_do_not_move_a_postgresql_store(postgres_dsn: str) -> None:
    one = PostgresStore(postgres_dsn, schema=f"t_{uuid.uuid4().hex}")
    two = PostgresStore(postgres_dsn, schema=f"t_{uuid.uuid4().hex}")
    one.signals("x.")
    one.signals_moved()
    two.signal_set("x.a", "1")
    assert not _eventually(one.signals_moved)
    for store in (one, two):
        store.drop()
        store.close()


def _eventually(moved: Callable[[], bool]) -> bool:
    """A notification crosses a socket: look a few times before saying nothing moved."""
    for _ in range(20):
        if moved():
            return True
        time.sleep(0.01)
    return False
