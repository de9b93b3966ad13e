"""Signing secrets that every worker on one store shares (e.g. for stateless JWT bearer
tokens): made once at random and kept in the store's metadata, so a reset rotates them.
"""

from __future__ import annotations

import secrets

from core.store import Store


class KeyService:
    def __init__(self, store: Store) -> None:
        self.store = store

    def secret(self, name: str) -> str:
        """The secret called ``name``, created on first use."""
        key = f"secret:{name}"
        with self.store.read():
            found = self.store.get_meta(key)
        if found is not None:
            return found
        with self.store.write():
            found = self.store.get_meta(key)
            if found is None:
                found = secrets.token_urlsafe(32)
                self.store.set_meta(key, found)
        return found
