"""Tenancy and identity: companies, users, sessions, and the principal a request acts as."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import ClassVar
from uuid import UUID

import msgspec


class Role(enum.StrEnum):
    ADMIN = "admin"
    AGENT = "agent"
    CUSTOMER = "customer"


class Company(msgspec.Struct, frozen=True, kw_only=True):
    __table__: ClassVar[str] = "companies"
    __key__: ClassVar[tuple[str, ...]] = ("id",)

    id: UUID
    code: str
    name: str


class User(msgspec.Struct, frozen=True, kw_only=True):
    """A login. ``login`` is the user name (an e-mail address for customers)."""

    __table__: ClassVar[str] = "users"
    __key__: ClassVar[tuple[str, ...]] = ("id",)

    id: UUID
    company_id: UUID
    login: str
    password_hash: str
    role: Role
    display_name: str = ""
    customer_id: UUID | None = None


class Session(msgspec.Struct, frozen=True, kw_only=True):
    """A server-side session or bearer token. Only the SHA-256 of the secret is stored."""

    __table__: ClassVar[str] = "sessions"
    __key__: ClassVar[tuple[str, ...]] = ("token_hash",)

    token_hash: str
    kind: str
    user_id: UUID
    created: datetime
    last_seen: datetime
    idle_seconds: int | None = None
    expires: datetime | None = None


class Principal(msgspec.Struct, frozen=True, kw_only=True, cache_hash=True):
    """Who a request acts as; what the authorization policy decides on. Its hash is kept
    (``cache_hash``): a verified credential hands out the same principal to every request,
    and per-caller memories key on it."""

    user_id: UUID
    company_id: UUID
    role: Role
    login: str
    display_name: str = ""
    customer_id: UUID | None = None
