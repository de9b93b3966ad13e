"""Credential checks: a login name and password become a Principal."""

from __future__ import annotations

from uuid import UUID

from core.errors import Unauthenticated
from core.models import Principal, User
from core.passwords import hash_password, verify_password
from core.store import Store

BAD_CREDENTIALS = "invalid user name or password"

# Verified against when the login is unknown, so both failures cost the same time.
_DUMMY_HASH = hash_password("crmgate-timing-equaliser")


def principal_of(user: User) -> Principal:
    return Principal(
        user_id=user.id,
        company_id=user.company_id,
        role=user.role,
        login=user.login,
        display_name=user.display_name,
        customer_id=user.customer_id,
    )


class AuthService:
    def __init__(self, store: Store) -> None:
        self.store = store

    def login(self, login: str, password: str) -> Principal:
        """The principal for these credentials, or ``Unauthenticated("credentials")``."""
        with self.store.read():
            found = self.store.find(User, login=login.strip())
        user = found[0] if found else None
        ok = verify_password(password, user.password_hash if user else _DUMMY_HASH)
        if user is None or not ok:
            raise Unauthenticated("credentials", BAD_CREDENTIALS)
        return principal_of(user)

    def principal(self, user_id: UUID) -> Principal:
        with self.store.read():
            user = self.store.get(User, user_id)
        if user is None:
            raise Unauthenticated("invalid", "the user of this session no longer exists")
        return principal_of(user)
