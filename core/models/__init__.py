"""The canonical model: one msgspec Struct per stored row.

Each class names its table (``__table__``) and primary key (``__key__``); the store maps
rows to these Structs and back. Names are the gateway's own, never a vendor's: dialects
translate. Where a wire value is finer than Python can hold, the remainder is kept as plain
data so it is not lost: a ``*_100ns`` field holds the 100-nanosecond units a date carries
beyond its microseconds (see ``core.models.social``).
"""

from core.models.crm import (
    AccessToken,
    AccountReceivable,
    CustomerEvent,
    EventClassification,
    RewardsParticipant,
    Unit,
)
from core.models.customers import (
    AccessKey,
    AccessKeyType,
    Comment,
    Customer,
    CustomerLogin,
    CustomField,
    CustomFieldValue,
    InvoiceAddress,
    LoginKind,
    Membership,
    PropertyDefinition,
    PropertyValue,
    Segment,
)
from core.models.identity import Company, Principal, Role, Session, User
from core.models.links import Connection, ContactRole, RoleDefinition
from core.models.social import LikedMessage, SocialAccount

#: Every stored model, parents before children (the order fixtures load and reset wipes in reverse).
ALL_MODELS: tuple[type, ...] = (
    Company,
    Customer,
    User,
    Session,
    PropertyDefinition,
    PropertyValue,
    CustomerLogin,
    Segment,
    Membership,
    CustomField,
    CustomFieldValue,
    AccessKeyType,
    AccessKey,
    Comment,
    SocialAccount,
    LikedMessage,
    RoleDefinition,
    ContactRole,
    Connection,
    Unit,
    EventClassification,
    AccountReceivable,
    RewardsParticipant,
    AccessToken,
    CustomerEvent,
)

__all__ = [
    "ALL_MODELS",
    "AccessKey",
    "AccessKeyType",
    "AccessToken",
    "AccountReceivable",
    "Comment",
    "Company",
    "Connection",
    "ContactRole",
    "CustomField",
    "CustomFieldValue",
    "Customer",
    "CustomerEvent",
    "CustomerLogin",
    "EventClassification",
    "InvoiceAddress",
    "LikedMessage",
    "LoginKind",
    "Membership",
    "Principal",
    "PropertyDefinition",
    "PropertyValue",
    "RewardsParticipant",
    "Role",
    "RoleDefinition",
    "Segment",
    "Session",
    "SocialAccount",
    "Unit",
    "User",
]
