"""PF (pfapi.pstpf.com.au) wire DTOs, named and typed as seed 002's metadata page shows them."""

from __future__ import annotations

from typing import ClassVar
from uuid import UUID

from dialects.formats.dotnet import NetDateTime
from dialects.servicestack.dto import Dto, ResponseStatus

NAMESPACE = "http://schemas.datacontract.org/2004/07/Eros.Subtle.Canvara.WebAPIModel.ServiceModel"


class PfDto(Dto):
    """The metadata page types ``RolePrimaryImageId``, ``ContactRolePrimaryImageId`` and
    ``ConnectionContactId`` as string; its XML sample writes Guids there, so they are Guids."""

    xml_namespace: ClassVar[str] = NAMESPACE


class ContactConnectedLinks(PfDto):
    ContactId: UUID | None = None


class UserRoleModel(PfDto):
    ContactRoleId: UUID | None = None
    RoleId: UUID | None = None
    RoleName: str | None = None
    RolePrimaryImageURL: str | None = None
    RolePrimaryImageThumbnailURL: str | None = None
    RolePrimaryImageId: UUID | None = None
    StartDate: NetDateTime | None = None
    EndDate: NetDateTime | None = None


class UserContactConnectionModel(PfDto):
    ContactRoleId: UUID | None = None
    ContactRoleName: str | None = None
    ContactListItemRoleId: UUID | None = None
    ContactRolePrimaryImageURL: str | None = None
    ContactRolePrimaryImageThumbnailURL: str | None = None
    ContactRolePrimaryImageId: UUID | None = None
    ConnectionContactId: UUID | None = None
    ConnectionContactName: str | None = None
    ConnectionContactRoleName: str | None = None
    ConnectionContactRoleId: UUID | None = None
    ConnectionContactListItemRoleId: UUID | None = None
    ContactTypeName: str | None = None
    ConnectionContactPhotoURL: str | None = None
    IsContactLicenseeRole: bool = False
    IsConnectionLicenseeRole: bool = False
    ConnectionStatusName: str | None = None
    ConnectionStatusId: UUID | None = None
    ConnectionId: UUID | None = None
    ConnectionRequestId: UUID | None = None


class ContactEmailAddressBook(PfDto):
    """Listed as ``ContactEmailAddressBook`` on the metadata page; the XML sample names its
    data contract ``ContactEmailAddress``."""

    xml_name: ClassVar[str] = "ContactEmailAddress"

    ContactId: UUID | None = None
    ContactName: str | None = None
    EmailAddress: str | None = None
    ContactPhotoURL: str | None = None


class ContactConnectedLinksResponse(PfDto, weakref=True):
    """Weakly referable: the host remembers its bytes while it lives (``shared_answers``)."""

    Roles: list[UserRoleModel] | None = None
    ContactConnections: list[UserContactConnectionModel] | None = None
    EmailAddressBook: list[ContactEmailAddressBook] | None = None
    ResponseStatus: ResponseStatus | None = None
