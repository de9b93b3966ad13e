"""iService DTOs <-> core: a ``setdetails`` request as a core patch (``to_patch``), core views as
the details and login answers."""

from __future__ import annotations

from core.errors import FieldError, ValidationFailed
from core.models import LoginKind, Principal, Role
from core.services.customers import CustomerPatch, CustomerView, LoginEntry
from dialects.iservice.dto import (
    DetailsDto,
    DetailsResponse,
    LoggedInResponse,
    LoginDto,
    PropertyDto,
    PropertyValueDto,
    SetDetailsRequest,
)

_KIND_BY_WIRE = {
    "": LoginKind.BLANK,
    "blank": LoginKind.BLANK,
    "email": LoginKind.EMAIL,
    "bounced": LoginKind.BOUNCED,
    "google": LoginKind.GOOGLE,
}
_WIRE_BY_KIND = {
    LoginKind.BLANK: "",
    LoginKind.EMAIL: "Email",
    LoginKind.BOUNCED: "Bounced",
    LoginKind.GOOGLE: "Google",
}
_USER_TYPES = {Role.CUSTOMER: "customer", Role.AGENT: "agent", Role.ADMIN: "admin"}


#: Contact ids are 32-bit integers.
MAX_CONTACT_ID = 2**31 - 1


def contact_id(raw: int | str) -> int:
    """iService contact ids are numbers; digits in a string are accepted too."""
    number = int(raw) if isinstance(raw, str) and raw.strip().isdigit() else raw
    if isinstance(number, int) and 0 < number <= MAX_CONTACT_ID:
        return number
    raise ValidationFailed([FieldError("contactID", "invalid", f"Invalid contact ID '{raw}'")])


def user_type(principal: Principal) -> str:
    return _USER_TYPES[principal.role]


def to_patch(request: SetDetailsRequest, definitions: dict[str, int]) -> CustomerPatch:
    """``definitions`` maps property names (lower case) to ids, for requests without ids."""
    errors: list[FieldError] = []
    properties: dict[int, list[str]] = {}
    for i, prop in enumerate(request.details.properties):
        pid = _property_id(prop, definitions)
        if pid is None:
            label = prop.propertyID or prop.propertyName
            errors.append(FieldError(f"properties[{i}]", "unknown", f"Unknown property '{label}'"))
            continue
        properties[pid] = [v.value for v in prop.values]
    logins = None
    if request.details.setLogins:
        logins = []
        for i, login in enumerate(request.details.logins):
            kind = _KIND_BY_WIRE.get(login.type.strip().lower())
            if kind is None:
                errors.append(
                    FieldError(f"logins[{i}].type", "invalid", f"Unknown login type '{login.type}'")
                )
                continue
            logins.append(LoginEntry(login.name, kind))
    segments = None
    if request.membership is not None:
        segments = []
        for raw in request.membership:
            if raw.strip().isdigit():
                segments.append(int(raw))
            else:
                errors.append(FieldError("membership", "invalid", f"Invalid segment ID '{raw}'"))
    if errors:
        raise ValidationFailed(errors)
    patch = CustomerPatch(properties=properties)
    if logins is not None:
        patch.logins = logins
    if segments is not None:
        patch.segment_ids = segments
    return patch


def _property_id(prop: PropertyDto, definitions: dict[str, int]) -> int | None:
    if prop.propertyID.strip():
        return int(prop.propertyID) if prop.propertyID.strip().isdigit() else None
    return definitions.get(prop.propertyName.strip().lower())


def details_response(view: CustomerView) -> DetailsResponse:
    return DetailsResponse(
        contactID=view.customer.number,
        details=DetailsDto(
            properties=[
                PropertyDto(
                    propertyID=str(p.id),
                    propertyName=p.name,
                    values=[PropertyValueDto(value=v) for v in p.values],
                )
                for p in view.properties
            ],
            setLogins=False,
            logins=[LoginDto(name=x.name, type=_WIRE_BY_KIND[x.kind]) for x in view.logins],
        ),
        membership=[str(s) for s in view.segment_ids],
    )


def logged_in_response(principal: Principal, number: int | None) -> LoggedInResponse:
    return LoggedInResponse(
        contactID=number,
        userType=user_type(principal),
        name=principal.display_name,
        emailAddress=principal.login,
    )
