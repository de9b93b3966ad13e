"""Billing-side entities: accounts receivable, rewards participants, units, customer events."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from uuid import UUID

import msgspec


class Unit(msgspec.Struct, frozen=True, kw_only=True):
    __table__: ClassVar[str] = "units"
    __key__: ClassVar[tuple[str, ...]] = ("id",)

    id: str
    company_id: UUID
    name: str
    alternative_code: str | None = None


class EventClassification(msgspec.Struct, frozen=True, kw_only=True):
    __table__: ClassVar[str] = "event_classifications"
    __key__: ClassVar[tuple[str, ...]] = ("id",)

    id: str
    company_id: UUID
    name: str
    alternative_code: str | None = None


class AccountReceivable(msgspec.Struct, frozen=True, kw_only=True):
    __table__: ClassVar[str] = "accounts_receivable"
    __key__: ClassVar[tuple[str, ...]] = ("id",)

    id: str
    company_id: UUID
    customer_id: UUID
    number: str
    name: str


class RewardsParticipant(msgspec.Struct, frozen=True, kw_only=True):
    __table__: ClassVar[str] = "rewards_participants"
    __key__: ClassVar[tuple[str, ...]] = ("id",)

    id: str
    company_id: UUID
    customer_id: UUID
    number: str
    account_id: str | None = None


class AccessToken(msgspec.Struct, frozen=True, kw_only=True):
    """A rewards participant's access token (card, app...). The pass code is stored hashed."""

    __table__: ClassVar[str] = "access_tokens"
    __key__: ClassVar[tuple[str, ...]] = ("id",)

    id: str
    company_id: UUID
    participant_id: str
    authentication_code: str | None = None
    identifier: str | None = None
    pass_code_hash: str | None = None
    one_time_password: int | None = None
    effective: bool = True


class CustomerEvent(msgspec.Struct, kw_only=True):
    """A customer event; ``number`` is a per-company sequence."""

    __table__: ClassVar[str] = "customer_events"
    __key__: ClassVar[tuple[str, ...]] = ("id",)

    id: str
    number: int
    company_id: UUID
    customer_id: UUID
    kind: str
    account_id: str | None = None
    participant_id: str | None = None
    classification_id: str | None = None
    unit_id: str
    performed_on: datetime
    description: str | None = None
    social_media: str | None = None
    profile: str | None = None
    action: str | None = None
    external_system: str | None = None
    external_reference: str | None = None
    udf_strings: list[str | None] = []
    udf_floats: list[float | None] = []
    udf_dates: list[datetime | None] = []
    created: datetime
