"""Verified tokens remembered per process while nobody writes: a session token or a signed
bearer token checked once is not looked up (or its signature verified) again until the store's
data version moves - a sign-out, an expiry, a changed user or secret all move it. The same
memory (``VersionMemo``) serves other answers derived from the data alone (a contact's links).

Only what does not depend on the time is remembered; callers still check expiry each time.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from core.store import Store

#: Beyond this many tokens the memory starts afresh: it stays bounded.
MAX_TOKENS = 10_000


class VersionMemo:
    """What was derived from the store, remembered for one data version. Use inside a
    ``store.read()`` (or write): the data version is then the one the transaction trusts, and
    what is remembered is valid for exactly that version."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._known: dict[Hashable, Any] = {}
        self._version: str | None = None

    def _current(self) -> dict[Hashable, Any]:
        version = self.store.data_version
        if version != self._version or version is None:
            self._known = {}
            self._version = version
        return self._known

    def get(self, key: Hashable) -> Any:
        """What was remembered for ``key`` under the current data version, else None."""
        return self._current().get(key)

    def put(self, key: Hashable, value: Any) -> None:
        known = self._current()
        if self._version is None:  # no version to tie it to (a store not yet stamped)
            return
        if len(known) >= MAX_TOKENS:
            known.clear()
        known[key] = value


class VerifiedTokens(VersionMemo):
    """The tokens verified under the current data version, and what they stand for."""
