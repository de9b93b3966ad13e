"""Web API DTOs <-> core, one function per direction (``to_input``, ``to_dto``). Dates: a .NET
DateTime becomes a datetime and the 100 ns units beyond its microsecond; ``DateTime.MinValue``
(an absent date) is None."""

from __future__ import annotations

from datetime import datetime

from core.models import LikedMessage as CoreLikedMessage
from core.services.social import NewLikedMessage, SocialAccountInput, SocialAccountView
from dialects.formats.dotnet import DATETIME_MIN, DateTimeKind, NetDateTime
from dialects.webapi.dto import EMPTY_GUID, CusSocialAccountDto, LikedMessage, SocialProvider

#: Core field path -> ModelState key (the action's parameter is named ``dto``).
MODEL_STATE_KEYS = {
    "customer_id": "dto.CustomerId",
    "provider": "dto.Provider",
    "last_connection_date": "dto.LastConnectionDate",
    "last_sync_date": "dto.LastSyncDate",
    "liked_messages": "dto.LikedMessages",
}


def model_state_key(field: str) -> str:
    """``liked_messages[2].date`` -> ``dto.LikedMessages[2].Date``."""
    head, dot, tail = field.partition("].")
    if dot:
        return f"{model_state_key(head + ']')}.{tail.title()}"
    name, bracket, index = head.partition("[")
    key = MODEL_STATE_KEYS.get(name, "dto")
    return f"{key}[{index}" if bracket else key


def to_core_date(value: NetDateTime | None) -> tuple[datetime | None, int]:
    if value is None or value == DATETIME_MIN:
        return None, 0
    return value.to_datetime(), value.ticks % 10


def to_wire_date(value: datetime | None, units: int) -> NetDateTime:
    """A zero offset is written ``+00:00``: the emulated server's local zone is UTC."""
    if value is None:
        return DATETIME_MIN
    kind = DateTimeKind.UNSPECIFIED if value.tzinfo is None else DateTimeKind.LOCAL
    base = NetDateTime.from_datetime(value, kind)
    return NetDateTime(base.ticks + units, base.kind, base.offset)


def to_input(dto: CusSocialAccountDto) -> SocialAccountInput:
    connected, connected_units = to_core_date(dto.LastConnectionDate)
    synced, synced_units = to_core_date(dto.LastSyncDate)
    return SocialAccountInput(
        id=None if dto.Id == EMPTY_GUID else dto.Id,
        customer_id=None if dto.CustomerId == EMPTY_GUID else dto.CustomerId,
        provider=dto.Provider.name,
        external_id=dto.ExternalId,
        external_name=dto.ExternalName,
        external_link=dto.ExternalLink,
        organization_code=dto.OrganizationCode,
        last_connection_date=connected,
        last_connection_date_100ns=connected_units,
        last_sync_date=synced,
        last_sync_date_100ns=synced_units,
        followers=dto.Followers,
        is_following_org_account=dto.IsFollowingOrgAccount,
        access_token=dto.AccessToken,
        secret_access_token=dto.SecretAccessToken,
        is_token_valid=dto.IsTokenValid,
        liked_messages=[_new_message(m) for m in dto.LikedMessages or []],
    )


def _new_message(message: LikedMessage) -> NewLikedMessage:
    date, units = to_core_date(message.Date)
    return NewLikedMessage(text=message.Text, date=date, date_100ns=units)


def to_dto(view: SocialAccountView) -> CusSocialAccountDto:
    a = view.account
    return CusSocialAccountDto(
        Id=a.id,
        OrganizationCode=a.organization_code,
        ExternalId=a.external_id,
        ExternalName=a.external_name,
        ExternalLink=a.external_link,
        LastConnectionDate=to_wire_date(a.last_connection_date, a.last_connection_date_100ns),
        LastSyncDate=to_wire_date(a.last_sync_date, a.last_sync_date_100ns),
        Followers=a.followers,
        IsFollowingOrgAccount=a.is_following_org_account,
        AccessToken=a.access_token,
        SecretAccessToken=a.secret_access_token,
        Provider=SocialProvider.from_wire(a.provider),
        IsTokenValid=a.is_token_valid,
        CustomerId=a.customer_id,
        LikedMessages=[_message(m) for m in view.liked_messages],
    )


def _message(message: CoreLikedMessage) -> LikedMessage:
    return LikedMessage(Text=message.text, Date=to_wire_date(message.date, message.date_100ns))
