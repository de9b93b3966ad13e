"""Fixtures of the core tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.store import Store, open_store
from core.store.postgres import PostgresStore


@pytest.fixture
def pg(postgres_dsn: str) -> Iterator[PostgresStore]:
    """A PostgreSQL store in a schema of its own, dropped after the test."""
    store = PostgresStore(postgres_dsn, schema=f"t_{uuid.uuid4().hex}")
    yield store
    store.drop()
    store.close()


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
