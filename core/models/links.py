"""Roles a contact holds and its connections to other contacts (PF's contact links)."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar
from uuid import UUID

import msgspec


class RoleDefinition(msgspec.Struct, frozen=True, kw_only=True):
    __table__: ClassVar[str] = "role_definitions"
    __key__: ClassVar[tuple[str, ...]] = ("id",)

    id: UUID
    company_id: UUID
    name: str
    image_id: UUID | None = None
    image_url: str | None = None
    thumbnail_url: str | None = None
    is_licensee: bool = False
    contact_type: str | None = None


class ContactRole(msgspec.Struct, frozen=True, kw_only=True):
    """A role held by a customer (the ``ContactRoleId`` links the two)."""

    __table__: ClassVar[str] = "contact_roles"
    __key__: ClassVar[tuple[str, ...]] = ("id",)

    id: UUID
    customer_id: UUID
    role_id: UUID
    list_item_role_id: UUID | None = None
    start_date: datetime | None = None
    end_date: datetime | None = None


class Connection(msgspec.Struct, frozen=True, kw_only=True):
    """A link from one of a customer's roles to another contact's role.

    An active connection has an ``id``-like ``connection_id``; a pending one a ``request_id``.
    """

    __table__: ClassVar[str] = "connections"
    __key__: ClassVar[tuple[str, ...]] = ("id",)

    id: UUID
    contact_role_id: UUID
    connected_contact_role_id: UUID
    status_id: UUID
    status_name: str
    request_id: UUID | None = None
    active: bool = True
