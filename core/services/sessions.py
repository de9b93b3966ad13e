"""Server-side sessions and opaque bearer tokens, kept in the store (shared by all workers).

Only the SHA-256 of a token is stored, so a copy of the database grants no access.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import msgspec

from core.clock import Clock
from core.errors import Unauthenticated
from core.models import Principal, Session, User
from core.services.auth import principal_of
from core.services.tokens import VerifiedTokens
from core.store import Store

# The idle timer is written back at most this often (or a tenth of the idle time), so that
# reads stay reads; the idle timeout is honoured to within that margin.
_TOUCH_EVERY = timedelta(seconds=30)
#: A moment that never comes: what a credential without an end is valid until.
FOREVER = datetime.max.replace(tzinfo=UTC)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SessionService:
    def __init__(self, store: Store, clock: Clock, tokens: VerifiedTokens | None = None) -> None:
        self.store = store
        self.clock = clock
        self.tokens = tokens or VerifiedTokens(store)

    def open(
        self,
        principal: Principal,
        kind: str,
        *,
        idle_seconds: int | None = None,
        lifetime_seconds: int | None = None,
        token: str | None = None,
    ) -> str:
        """Start a session of ``kind`` and return its secret token."""
        token = token or secrets.token_urlsafe(32)
        now = self.clock()
        expires = now + timedelta(seconds=lifetime_seconds) if lifetime_seconds else None
        session = Session(
            token_hash=token_hash(token),
            kind=kind,
            user_id=principal.user_id,
            created=now,
            last_seen=now,
            idle_seconds=idle_seconds,
            expires=expires,
        )
        with self.store.write():
            self.store.insert(session)
        return token

    def resolve(self, token: str | None, kind: str) -> Principal:
        """The principal of a live session; using it restarts its idle timer."""
        return self.resolve_until(token, kind)[0]

    def resolve_until(self, token: str | None, kind: str) -> tuple[Principal, datetime]:
        """``resolve``, and the moment until which resolving the token again (with no write in
        between) gives the same principal without writing: the session's expiry, or when its
        idle timer is next due to be written back, whichever comes first."""
        if not token:
            raise Unauthenticated("missing", "not logged in")
        now = self.clock()
        with self.store.read():
            found = self.tokens.get(("session", token))
            if found is None:
                session = self.store.get(Session, token_hash(token))
                user = self.store.get(User, session.user_id) if session else None
                found = (session, None if user is None else principal_of(user))
                self.tokens.put(("session", token), found)
        session, principal = found
        if session is None or session.kind != kind or principal is None:
            raise Unauthenticated("invalid", "the session is not valid")
        key = session.token_hash
        idle = timedelta(seconds=session.idle_seconds) if session.idle_seconds else None
        if (idle and now - session.last_seen > idle) or (
            session.expires and now >= session.expires
        ):
            with self.store.write():
                self.store.delete(Session, token_hash=key)
            raise Unauthenticated("expired", "the session has expired")
        last_seen = session.last_seen
        if idle and now - last_seen > min(idle / 10, _TOUCH_EVERY):
            with self.store.write():
                self.store.update(msgspec.structs.replace(session, last_seen=now))
            last_seen = now
        until = session.expires or FOREVER
        if idle:
            until = min(until, last_seen + min(idle / 10, _TOUCH_EVERY))
        return principal, until

    def close(self, token: str | None, kind: str) -> bool:
        """End a session; False when there was none."""
        if not token:
            return False
        with self.store.write():
            return self.store.delete(Session, token_hash=token_hash(token), kind=kind) > 0
