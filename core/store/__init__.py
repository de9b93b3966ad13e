"""Persistence behind a narrow interface (``Store``): SQLite embedded, PostgreSQL for a fleet."""

from pathlib import Path

from core.store.base import Store, StoreError, StoreUnavailable
from core.store.sqlite import SqliteStore, open_sqlite

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def open_store(location: str | Path) -> Store:
    """A migrated store: ``postgresql://...`` for PostgreSQL, else SQLite (a file or :memory:)."""
    if str(location).startswith(POSTGRES_SCHEMES):
        from core.store.postgres import open_postgres

        return open_postgres(str(location))
    return open_sqlite(location)


__all__ = ["SqliteStore", "Store", "StoreError", "StoreUnavailable", "open_store"]
