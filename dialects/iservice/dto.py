"""iService wire DTOs; field names are iService's own (seed 003)."""

from __future__ import annotations

import msgspec


class LoginRequest(msgspec.Struct, kw_only=True):
    emailAddress: str = ""
    password: str = ""


class PropertyValueDto(msgspec.Struct, kw_only=True):
    value: str = ""


class PropertyDto(msgspec.Struct, kw_only=True):
    propertyID: str = ""
    propertyName: str = ""
    values: list[PropertyValueDto] = []


class LoginDto(msgspec.Struct, kw_only=True):
    name: str = ""
    type: str = ""


class DetailsDto(msgspec.Struct, kw_only=True):
    properties: list[PropertyDto] = []
    setLogins: bool = False
    logins: list[LoginDto] = []


class SetDetailsRequest(msgspec.Struct, kw_only=True):
    contactID: int | str
    details: DetailsDto = msgspec.field(default_factory=DetailsDto)
    membership: list[str] | None = None


class GetDetailsRequest(msgspec.Struct, kw_only=True):
    contactID: int | str


class ErrorsResponse(msgspec.Struct, kw_only=True):
    """Every iService answer carries these two arrays, empty on success."""

    errors: list[str] = []
    errorDetails: list[str] = []


class LoginResponse(ErrorsResponse, kw_only=True):
    sessionID: str
    contactID: int | None
    userType: str
    name: str


class NotLoggedInResponse(ErrorsResponse, kw_only=True):
    loggedIn: bool = False


class LoggedInResponse(ErrorsResponse, kw_only=True):
    loggedIn: bool = True
    contactID: int | None
    userType: str
    name: str
    emailAddress: str


class DetailsResponse(ErrorsResponse, kw_only=True):
    contactID: int
    details: DetailsDto
    membership: list[str]
