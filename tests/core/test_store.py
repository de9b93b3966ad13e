from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.errors import Conflict
from core.models import ALL_MODELS, Company, Customer, Segment
from core.store import StoreError, open_store
from core.store.migrations import LATEST

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def company(code: str = "ACME") -> Company:
    return Company(id=uuid.uuid4(), code=code, name=code.title())


def test_a_new_database_is_migrated_to_the_latest_schema(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    assert store.schema_version == LATEST
    assert store.db.journal_mode == "wal"
    assert store._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store._conn.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000
    tables = set(store.db.table_names())
    assert {m.__table__ for m in ALL_MODELS} <= tables
    store.close()


def test_reopening_keeps_data_and_does_not_migrate_again(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    acme = company()
    with store.write():
        store.insert(acme)
    store.close()
    again = open_store(tmp_path / "a.db")
    assert again.get(Company, acme.id) == acme
    assert again.schema_version == LATEST
    again.close()


def test_a_database_from_a_newer_crmgate_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer"):
        open_store(path)


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot open"):
        open_store(path)


def test_a_failed_write_transaction_leaves_nothing_behind() -> None:
    store = open_store(":memory:")

    def failing_write() -> None:
        with store.write():
            store.insert(company())
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        failing_write()
    assert store.count(Company) == 0


def test_a_failed_nested_block_rolls_back_only_itself() -> None:
    store = open_store(":memory:")
    kept, lost = company("KEPT"), company("LOST")

    def insert_both(first: Company, second: Company) -> None:
        with store.write():
            store.insert(first)
            store.insert(second)

    with store.write():
        store.insert(kept)
        with pytest.raises(Conflict):
            insert_both(lost, company("KEPT"))  # the second repeats a code
    assert [c.code for c in store.find(Company)] == ["KEPT"]


def test_constraint_violations_are_conflicts() -> None:
    store = open_store(":memory:")
    orphan = Customer(id=uuid.uuid4(), number=1, company_id=uuid.uuid4(), created=NOW, updated=NOW)
    with pytest.raises(Conflict, match="customers"), store.write():
        store.insert(orphan)


def test_find_filters_orders_and_pages() -> None:
    store = open_store(":memory:")
    acme = company()
    with store.write():
        store.insert(acme)
        store.insert_many([Segment(id=i, company_id=acme.id, name=f"s{i}") for i in range(1, 6)])
    assert [s.id for s in store.find(Segment, id=[2, 4, 9])] == [2, 4]
    assert [s.id for s in store.find(Segment, order_by="id DESC", limit=2)] == [5, 4]
    assert [s.id for s in store.find(Segment, limit=2, offset=3)] == [4, 5]
    assert store.count(Segment, company_id=acme.id) == 5
    assert store.find(Customer, email=None) == []
    with pytest.raises(KeyError):
        store.find(Segment, order_by="name; DROP TABLE segments")
    with pytest.raises(KeyError):
        store.find(Segment, nonsense=1)


def test_update_and_delete() -> None:
    store = open_store(":memory:")
    acme = company()
    with store.write():
        store.insert(acme)
        acme.name = "Renamed"
        store.update(acme)
        assert store.get(Company, acme.id).name == "Renamed"
        assert store.delete(Company, id=acme.id) == 1
    assert store.get(Company, acme.id) is None


def test_sequences_only_grow_and_respect_a_floor() -> None:
    store = open_store(":memory:")
    with store.write():
        assert [store.next_value("n"), store.next_value("n")] == [1, 2]
        assert store.next_value("m", floor=41) == 42
        assert store.next_value("n", floor=10) == 11


def test_meta_and_wipe() -> None:
    store = open_store(":memory:")
    with store.write():
        store.insert(company())
        store.set_meta("fixtures", "demo")
        store.set_meta("fixtures", "other")
    assert store.get_meta("fixtures") == "other"
    assert not store.is_empty()
    store.wipe()
    assert store.is_empty()
    assert store.get_meta("fixtures") is None
    assert store.integrity_check() == "ok"


def test_iter_all_yields_every_row() -> None:
    store = open_store(":memory:")
    with store.write():
        store.insert_many([company("A"), company("B")])
        store.insert_many([])
    assert sorted(c.code for c in store.iter_all(Company)) == ["A", "B"]


def test_integers_too_large_for_sqlite_match_nothing() -> None:
    store = open_store(":memory:")
    assert store.get(Segment, 2**70) is None
    assert store.find(Segment, id=2**70) == []
