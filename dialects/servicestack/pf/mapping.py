"""Core links -> PF DTOs: one direction, PF's link answers are built from core, never read back.

Core remembers a contact's links per caller and hands out the very same ``Links`` object until
the data changes or a role ends; only then does it build a new one. So the PF answer of a
``Links`` is mapped once and remembered for as long as that object lives, under its identity:
a new ``Links`` is a new answer, and the answer is forgotten when core lets its ``Links`` go.
The answer is shared by the requests that get it: nothing after the handler changes a response
DTO (the encoders copy or read it).
"""

from __future__ import annotations

import weakref
from datetime import datetime
from functools import lru_cache

from core.services.links import AddressBookEntry, ConnectionLink, Links, RoleLink
from dialects.formats.dotnet import NetDateTime
from dialects.servicestack.pf.dto import (
    ContactConnectedLinksResponse,
    ContactEmailAddressBook,
    UserContactConnectionModel,
    UserRoleModel,
)

#: ``id(links)`` -> the PF answer of that live ``Links``; its entry goes when it dies, before
#: another object can take its id.
_answers: dict[int, ContactConnectedLinksResponse] = {}


@lru_cache(maxsize=4096)
def _date(value: datetime | None) -> NetDateTime | None:
    """Remembered: a contact's roles mostly share their dates, and NetDateTime is immutable."""
    return None if value is None else NetDateTime.from_datetime(value)


def role_model(link: RoleLink) -> UserRoleModel:
    role, held = link.role, link.contact_role
    return UserRoleModel(
        ContactRoleId=held.id,
        RoleId=role.id,
        RoleName=role.name,
        RolePrimaryImageURL=role.image_url,
        RolePrimaryImageThumbnailURL=role.thumbnail_url,
        RolePrimaryImageId=role.image_id,
        StartDate=_date(held.start_date),
        EndDate=_date(held.end_date),
    )


def connection_model(link: ConnectionLink) -> UserContactConnectionModel:
    """Seen from the contact asked about: its own role first, then the connected contact's."""
    own, other, c = link.own, link.other, link.connection
    return UserContactConnectionModel(
        ContactRoleId=own.contact_role.id,
        ContactRoleName=own.role.name,
        ContactListItemRoleId=own.contact_role.list_item_role_id,
        ContactRolePrimaryImageURL=own.role.image_url,
        ContactRolePrimaryImageThumbnailURL=own.role.thumbnail_url,
        ContactRolePrimaryImageId=own.role.image_id,
        ConnectionContactId=link.other_contact.id,
        ConnectionContactName=link.other_contact.full_name,
        ConnectionContactRoleName=other.role.name,
        ConnectionContactRoleId=other.contact_role.id,
        ConnectionContactListItemRoleId=other.contact_role.list_item_role_id,
        ContactTypeName=other.role.contact_type,
        ConnectionContactPhotoURL=link.other_contact.image_url,
        IsContactLicenseeRole=own.role.is_licensee,
        IsConnectionLicenseeRole=other.role.is_licensee,
        ConnectionStatusName=c.status_name,
        ConnectionStatusId=c.status_id,
        ConnectionId=c.id if c.active else None,
        ConnectionRequestId=None if c.active else c.request_id,
    )


def address(entry: AddressBookEntry) -> ContactEmailAddressBook:
    return ContactEmailAddressBook(
        ContactId=entry.customer_id,
        ContactName=entry.name,
        EmailAddress=entry.email,
        ContactPhotoURL=entry.photo_url,
    )


def links_response(links: Links) -> ContactConnectedLinksResponse:
    """The PF answer of ``links``, mapped once per ``Links`` object (see the module's doc)."""
    key = id(links)
    answer = _answers.get(key)
    if answer is None:
        answer = _answers[key] = _mapped(links)
        weakref.finalize(links, _answers.pop, key, None)
    return answer


def _mapped(links: Links) -> ContactConnectedLinksResponse:
    return ContactConnectedLinksResponse(
        Roles=[role_model(r) for r in links.roles],
        ContactConnections=[connection_model(c) for c in links.connections],
        EmailAddressBook=[address(e) for e in links.address_book],
    )
