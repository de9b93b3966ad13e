"""Fixtures of the core tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from core.store.postgres import PostgresStore


@pytest.fixture
def pg(postgres_dsn: str) -> Iterator[PostgresStore]:
    """A PostgreSQL store in a schema of its own, dropped after the test."""
    store = PostgresStore(postgres_dsn, schema=f"t_{uuid.uuid4().hex}")
    yield store
    store.drop()
    store.close()
