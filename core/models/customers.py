"""The customer and everything attached to it."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import ClassVar
from uuid import UUID

import msgspec


class LoginKind(enum.StrEnum):
    BLANK = "blank"
    EMAIL = "email"
    BOUNCED = "bounced"
    GOOGLE = "google"


class InvoiceAddress(msgspec.Struct, kw_only=True):
    corporate_identity_number: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    postal_code: str | None = None
    country_code: str | None = None


class Customer(msgspec.Struct, kw_only=True):
    """The one person every dialect talks about (``number`` is its integer contact number)."""

    __table__: ClassVar[str] = "customers"
    __key__: ClassVar[tuple[str, ...]] = ("id",)
    #: Columns unique on their own: the read cache answers a find by one after an update.
    __unique__: ClassVar[tuple[str, ...]] = ("number",)

    id: UUID
    number: int
    company_id: UUID
    first_name: str | None = None
    middle_initial: str | None = None
    last_name: str | None = None
    email: str | None = None
    phone: str | None = None
    image_url: str | None = None
    subscribed_to_newsletter: bool = False
    invoice_address: InvoiceAddress | None = None
    created: datetime
    updated: datetime

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


class PropertyDefinition(msgspec.Struct, frozen=True, kw_only=True):
    """A contact property; ``field`` names the Customer field it stands for, if any."""

    __table__: ClassVar[str] = "property_definitions"
    __key__: ClassVar[tuple[str, ...]] = ("id",)

    id: int
    company_id: UUID
    name: str
    field: str | None = None
    max_length: int | None = None
    allow_multiple: bool = False
    is_required: bool = False


class PropertyValue(msgspec.Struct, frozen=True, kw_only=True):
    """Values of a property that is not one of the Customer's own fields."""

    __table__: ClassVar[str] = "property_values"
    __key__: ClassVar[tuple[str, ...]] = ("customer_id", "property_id", "position")

    customer_id: UUID
    property_id: int
    position: int
    value: str


class CustomerLogin(msgspec.Struct, frozen=True, kw_only=True):
    __table__: ClassVar[str] = "customer_logins"
    __key__: ClassVar[tuple[str, ...]] = ("customer_id", "position")

    customer_id: UUID
    position: int
    name: str
    kind: LoginKind


class Segment(msgspec.Struct, frozen=True, kw_only=True):
    __table__: ClassVar[str] = "segments"
    __key__: ClassVar[tuple[str, ...]] = ("id",)

    id: int
    company_id: UUID
    name: str


class Membership(msgspec.Struct, frozen=True, kw_only=True):
    __table__: ClassVar[str] = "memberships"
    __key__: ClassVar[tuple[str, ...]] = ("customer_id", "segment_id")

    customer_id: UUID
    segment_id: int


class CustomField(msgspec.Struct, frozen=True, kw_only=True):
    """A company-defined field; core validates values against it."""

    __table__: ClassVar[str] = "custom_fields"
    __key__: ClassVar[tuple[str, ...]] = ("id",)

    id: int
    company_id: UUID
    name: str
    column: str = ""
    description: str = ""
    data_type: str = "TextBox"
    width: int | None = None
    default_value: str | None = None
    is_mandatory: bool = False
    mandatory_error_message: str | None = None
    max_length: int = 0
    multiple_line_text: bool = False
    regex: str | None = None
    regex_error_message: str | None = None
    values: list[str] = []


class CustomFieldValue(msgspec.Struct, frozen=True, kw_only=True):
    __table__: ClassVar[str] = "custom_field_values"
    __key__: ClassVar[tuple[str, ...]] = ("customer_id", "field_id")

    customer_id: UUID
    field_id: int
    value: str


class AccessKeyType(msgspec.Struct, frozen=True, kw_only=True):
    __table__: ClassVar[str] = "access_key_types"
    __key__: ClassVar[tuple[str, ...]] = ("id",)

    id: int
    company_id: UUID
    name: str
    description: str = ""


class AccessKey(msgspec.Struct, frozen=True, kw_only=True):
    __table__: ClassVar[str] = "access_keys"
    __key__: ClassVar[tuple[str, ...]] = ("id",)

    id: UUID
    company_id: UUID
    customer_id: UUID
    access_key_type_id: int
    value: str
    description: str | None = None


class Comment(msgspec.Struct, frozen=True, kw_only=True):
    __table__: ClassVar[str] = "comments"
    __key__: ClassVar[tuple[str, ...]] = ("id",)

    id: int
    customer_id: UUID
    text: str
    image_url: str | None = None
    created: datetime
    updated: datetime
