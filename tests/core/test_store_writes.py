"""A write transaction's bookkeeping (``core.store.cache``, ``core.store.sql_base``): the data
version it commits, and what it learns under the write lock."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.models import Company, Segment
from core.store import Store, open_store
from core.store.cache import VERSION_KEY, _stamps_of
from core.store.postgres import PostgresStore


@pytest.fixture(params=["sqlite", "postgresql"])
def pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, Store]]:
    """Two connections to one database, as two gateway processes would hold."""
    if request.param == "sqlite":
        stores: list[Store] = [open_store(tmp_path / "shared.db") for _ in range(2)]
    else:
        schema = f"t_{uuid.uuid4().hex}"
        dsn = request.getfixturevalue("postgres_dsn")
        stores = [PostgresStore(dsn, schema=schema) for _ in range(2)]
    yield stores[0], stores[1]
    if isinstance(stores[0], PostgresStore):
        stores[0].drop()
    for store in stores:
        store.close()


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
