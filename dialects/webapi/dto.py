"""Wire DTOs of the Web API dialect, named and ordered as the vendor declares them (seed 000).

JSON names are JSON.NET's camelCase of the member names; XML is DataContract in the
``Domain.Dtos`` namespace. Non-nullable .NET members keep .NET defaults (``Guid.Empty``,
``0``, ``false``) so an absent member reads as the vendor reads it; an absent date is None
here (msgspec cannot describe a NetDateTime default) and ``DateTime.MinValue`` on the wire.
"""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

import msgspec

from dialects.formats.dotnet import NetDateTime, NetEnum, camel_case

NAMESPACE = "http://schemas.datacontract.org/2004/07/Domain.Dtos"
EMPTY_GUID = UUID(int=0)


class SocialProvider(NetEnum):
    """Only ``Facebook = 0`` is in seed 000; the other members are unconfirmed."""

    Facebook = 0
    Twitter = 1
    Google = 2
    LinkedIn = 3
    Instagram = 4


class LikedMessage(msgspec.Struct, kw_only=True, rename=camel_case):
    xml_namespace: ClassVar[str] = NAMESPACE

    Text: str | None = None
    Date: NetDateTime | None = None


class CusSocialAccountDto(msgspec.Struct, kw_only=True, rename=camel_case):
    """A customer's social account; AccessToken and SecretAccessToken are secrets."""

    xml_namespace: ClassVar[str] = NAMESPACE

    Id: UUID = EMPTY_GUID
    OrganizationCode: str | None = None
    ExternalId: str | None = None
    ExternalName: str | None = None
    ExternalLink: str | None = None
    LastConnectionDate: NetDateTime | None = None
    LastSyncDate: NetDateTime | None = None
    Followers: int = 0
    IsFollowingOrgAccount: bool = False
    AccessToken: str | None = None
    SecretAccessToken: str | None = None
    Provider: SocialProvider = SocialProvider.Facebook
    IsTokenValid: bool = False
    CustomerId: UUID = EMPTY_GUID
    LikedMessages: list[LikedMessage] | None = None


class TokenRequest(msgspec.Struct, kw_only=True):
    """The OWIN token endpoint's form (names as RFC 6749 spells them)."""

    grant_type: str = ""
    username: str = ""
    password: str = ""


class TokenResponse(msgspec.Struct, kw_only=True):
    """OWIN's token answer: the token, then the ticket's properties (the Web API template
    adds ``userName``; the server adds ``.issued`` and ``.expires``)."""

    access_token: str
    token_type: str = "bearer"
    expires_in: int
    userName: str
    issued: str = msgspec.field(name=".issued")
    expires: str = msgspec.field(name=".expires")


class OAuthError(msgspec.Struct, kw_only=True, omit_defaults=True):
    error: str
    error_description: str | None = None


class HttpError(msgspec.Struct, kw_only=True, omit_defaults=True):
    """System.Web.Http.HttpError as the JSON formatter writes it (a dictionary: the keys
    are not camel-cased). Exception details are left out, as for a remote caller."""

    Message: str
    ModelState: dict[str, list[str]] | None = None
