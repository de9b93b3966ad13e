"""ServiceStack's own wire DTOs (namespace ``ServiceStack``), named and ordered as its source
declares them (ServiceStack.Interfaces ``ResponseStatus``, ServiceStack.Client ``AuthDtos``).
"""

from __future__ import annotations

from typing import ClassVar

import msgspec

#: CLR namespace of ServiceStack's own DTOs (DataContract XML namespace suffix).
SERVICESTACK_TYPES = "http://schemas.servicestack.net/types"


class Dto(msgspec.Struct, kw_only=True):
    """Base of every wire DTO: every member optional (the codecs leave nulls out).

    ``xml_namespace`` is the DataContract XML namespace of the type; ``xml_order`` the
    ``[DataMember(Order = n)]`` of ServiceStack's own DTOs.
    """

    xml_namespace: ClassVar[str] = SERVICESTACK_TYPES


class ResponseError(Dto):
    xml_order: ClassVar[dict[str, int]] = {
        "ErrorCode": 1,
        "FieldName": 2,
        "Message": 3,
        "Meta": 4,
    }

    ErrorCode: str | None = None
    FieldName: str | None = None
    Message: str | None = None
    Meta: dict[str, str] | None = None


class ResponseStatus(Dto):
    xml_order: ClassVar[dict[str, int]] = {
        "ErrorCode": 1,
        "Message": 2,
        "StackTrace": 3,
        "Errors": 4,
        "Meta": 5,
    }

    ErrorCode: str | None = None
    Message: str | None = None
    StackTrace: str | None = None
    Errors: list[ResponseError] | None = None
    Meta: dict[str, str] | None = None


class ErrorResponse(Dto):
    """The body of an error when the service has no response DTO of its own."""

    ResponseStatus: ResponseStatus | None = None


class Authenticate(Dto):
    """Sign in; ``provider`` is lower case in ServiceStack's own declaration."""

    xml_order: ClassVar[dict[str, int]] = {
        "provider": 1,
        "UserName": 2,
        "Password": 3,
        "RememberMe": 4,
        "AccessToken": 5,
        "AccessTokenSecret": 6,
        "ReturnUrl": 7,
        "ErrorView": 8,
        "Meta": 9,
    }

    provider: str | None = None
    UserName: str | None = None
    Password: str | None = None
    RememberMe: bool | None = None
    AccessToken: str | None = None
    AccessTokenSecret: str | None = None
    ReturnUrl: str | None = None
    ErrorView: str | None = None
    Meta: dict[str, str] | None = None


class AuthenticateResponse(Dto):
    xml_order: ClassVar[dict[str, int]] = {
        "UserId": 1,
        "SessionId": 2,
        "UserName": 3,
        "DisplayName": 4,
        "ReferrerUrl": 5,
        "BearerToken": 6,
        "RefreshToken": 7,
        "ProfileUrl": 8,
        "Roles": 9,
        "Permissions": 10,
        "AuthProvider": 11,
        "ResponseStatus": 12,
        "Meta": 13,
    }

    UserId: str | None = None
    SessionId: str | None = None
    UserName: str | None = None
    DisplayName: str | None = None
    ReferrerUrl: str | None = None
    BearerToken: str | None = None
    RefreshToken: str | None = None
    ProfileUrl: str | None = None
    Roles: list[str] | None = None
    Permissions: list[str] | None = None
    AuthProvider: str | None = None
    ResponseStatus: ResponseStatus | None = None
    Meta: dict[str, str] | None = None


class AuthenticateLogout(Dto):
    ReturnUrl: str | None = None
