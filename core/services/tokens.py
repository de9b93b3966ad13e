"""Answers derived from the store, remembered per process while nobody writes what they
depend on. A ``VersionMemo`` holds for one data version (any write moves it): other answers
derived from the data alone use it (a contact's links). Verified tokens depend on sessions and
users only: a session token or a signed bearer token checked once is not looked up (or its
signature verified) again until sessions or users change, here or through another connection
(another process of a fleet) - a sign-out, an expiry, a changed user all do; a reset (which
rotates the signing secrets) writes every model. A customer update in between keeps them.

Only what does not depend on the time is remembered; callers still check expiry each time.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any, ClassVar

from core.models import Session, User
from core.store import Store

#: Beyond this many tokens the memory starts afresh: it stays bounded.
MAX_TOKENS = 10_000


class VersionMemo:
    """What was derived from the store, remembered for one version of what it depends on
    (``depends_on`` models, or all the data when None). Use inside a ``store.read()`` (or
    write): the version is then the one the transaction trusts, and what is remembered is
    valid for exactly that version."""

    depends_on: ClassVar[tuple[type, ...] | None] = None

    def __init__(self, store: Store) -> None:
        self.store = store
        self._known: dict[Hashable, Any] = {}
        self._version: object = None
        #: The data version ``_version`` was last checked under: while it holds, nothing was
        #: written anywhere, so neither moved.
        self._checked: str | None = None

    def _current(self) -> dict[Hashable, Any]:
        stamp = self.store.data_version
        if stamp is not None and stamp == self._checked:
            return self._known
        self._checked = stamp
        if self.depends_on is None:
            version: object = stamp
        else:
            version = self.store.models_version(*self.depends_on)
        if version != self._version or version is None:
            self._known = {}
            self._version = version
        return self._known

    def get(self, key: Hashable) -> Any:
        """What was remembered for ``key`` under the current version, else None."""
        return self._current().get(key)

    def put(self, key: Hashable, value: Any) -> None:
        known = self._current()
        if self._version is None:  # no version to tie it to (a store not yet stamped)
            return
        if len(known) >= MAX_TOKENS:
            known.clear()
        known[key] = value


class VerifiedTokens(VersionMemo):
    """The tokens verified under the current version of sessions and users, and what they
    stand for (its session, its user: the principal)."""

    depends_on = (Session, User)
