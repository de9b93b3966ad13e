"""Social media accounts of a customer and the messages it liked."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from uuid import UUID

import msgspec


class SocialAccount(msgspec.Struct, frozen=True, kw_only=True):
    """``access_token`` and ``secret_access_token`` are secrets: never logged or journaled.

    A ``*_100ns`` field holds the 100-nanosecond units (0-9) its date has beyond the
    microsecond: clients that send seven fraction digits read them back.
    """

    __table__: ClassVar[str] = "social_accounts"
    __key__: ClassVar[tuple[str, ...]] = ("id",)

    id: UUID
    customer_id: UUID
    provider: str
    external_id: str | None = None
    external_name: str | None = None
    external_link: str | None = None
    organization_code: str | None = None
    last_connection_date: datetime | None = None
    last_sync_date: datetime | None = None
    followers: int = 0
    is_following_org_account: bool = False
    access_token: str | None = None
    secret_access_token: str | None = None
    is_token_valid: bool = False
    last_connection_date_100ns: int = 0
    last_sync_date_100ns: int = 0


class LikedMessage(msgspec.Struct, frozen=True, kw_only=True):
    """A message the account liked; ``date_100ns`` as in ``SocialAccount``."""

    __table__: ClassVar[str] = "liked_messages"
    __key__: ClassVar[tuple[str, ...]] = ("social_account_id", "position")

    social_account_id: UUID
    position: int
    text: str | None = None
    date: datetime | None = None
    date_100ns: int = 0
