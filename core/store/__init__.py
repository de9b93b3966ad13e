"""Persistence behind a narrow interface (``Store``) so another database can stand in."""

from core.store.base import Store
from core.store.sqlite import SqliteStore, open_store

__all__ = ["SqliteStore", "Store", "open_store"]
