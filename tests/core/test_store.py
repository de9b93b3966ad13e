"""SQLite-only store behaviour (files, WAL, pragmas); the shared contract: test_store_contract."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.errors import Conflict
from core.models import ALL_MODELS, Company, Customer
from core.store import StoreError, open_store
from core.store.migrations import LATEST

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def company(code: str = "ACME") -> Company:
    return Company(id=uuid.uuid4(), code=code, name=code.title())


def test_a_new_database_is_migrated_to_the_latest_schema(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    assert store.schema_version == LATEST
    assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store._conn.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000
    rows = store._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    tables = {name for (name,) in rows}
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


def test_constraint_violations_are_conflicts() -> None:
    store = open_store(":memory:")
    orphan = Customer(id=uuid.uuid4(), number=1, company_id=uuid.uuid4(), created=NOW, updated=NOW)
    with pytest.raises(Conflict, match="customers"), store.write():
        store.insert(orphan)


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
