"""A write transaction's bookkeeping (``core.store.cache``, ``core.store.sql_base``): the data
version it commits, and what it learns under the write lock."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import msgspec
import pytest

from core.models import Company, Segment
from core.store import Store, open_store
from core.store.cache import VERSION_KEY, _stamps_of
from core.store.sqlite import SqliteStore


def stored_stamps(store: Store) -> dict[str, str]:
    with store.read():
        stamps = _stamps_of(store.get_control(VERSION_KEY))
    assert stamps is not None
    return stamps


def test_a_commit_moves_the_stamps_of_what_it_changed_and_carries_the_others(
    pair: tuple[Store, Store],
) -> None:
    one, two = pair
    acme = Company(id=uuid.uuid4(), code="ACME", name="Acme")
    with one.write():
        one.insert(acme)
    first = stored_stamps(one)
    with two.write():  # the other connection: learns ``one``'s stamps under its lock
        two.insert(Segment(id=1, company_id=acme.id, name="Gold"))
    second = stored_stamps(one)
    assert second["segments"] != first.get("segments")
    assert second["companies"] == first["companies"]
    with one.write():
        one.insert(Segment(id=2, company_id=acme.id, name="Silver"))
    third = stored_stamps(two)
    assert third["segments"] not in (first.get("segments"), second["segments"])
    assert {t: s for t, s in third.items() if t != "segments"} == {
        t: s for t, s in second.items() if t != "segments"
    }
    assert one.data_version == stored_version(two)


def stored_version(store: Store) -> str | None:
    with store.read():
        return store.get_control(VERSION_KEY)


def test_a_write_after_sync_sees_a_commit_made_since(pair: tuple[Store, Store]) -> None:
    """``sync`` let the request's reads trust the cache; its write checks again under the
    lock, so a commit by another process in between is neither missed nor overwritten."""
    one, two = pair
    acme = Company(id=uuid.uuid4(), code="ACME", name="Acme")
    with one.write():
        one.insert(acme)
    two.sync()
    with two.read():
        assert two.get(Company, acme.id).name == "Acme"  # cached from here on
    with one.write():
        one.update(Company(id=acme.id, code="ACME", name="Renamed"))
    with two.write():
        assert two.get(Company, acme.id).name == "Renamed"


def test_a_failed_commit_leaves_nothing_it_wrote_in_the_cache(tmp_path: Path) -> None:
    """A COMMIT that fails (disk full, I/O error) after the cache kept the transaction's rows
    and stamped its version: the next read must not serve them (SQLite counts no other
    connection's commit, so only the store itself can say the cache is unsure)."""
    store = open_store(tmp_path / "commit.db")
    assert isinstance(store, SqliteStore)
    acme = Company(id=uuid.uuid4(), code="ACME", name="Acme")
    with store.write():
        store.insert(acme)
    store.sync()
    with store.read():
        assert store.get(Company, acme.id) == acme  # cached now
    run = store._run

    def failing_commit(sql: str, *args: object) -> object:
        if sql == "COMMIT":
            run("ROLLBACK")
            raise sqlite3.OperationalError("disk I/O error")
        return run(sql, *args)

    def rename() -> None:
        with store.write():
            before = store.get(Company, acme.id)
            store.update(msgspec.structs.replace(before, name="Renamed"), before=before)

    store._run = failing_commit
    with pytest.raises(sqlite3.OperationalError):
        rename()
    store._run = run
    store.sync()
    with store.read():
        assert store.get(Company, acme.id) == acme
    store.close()
