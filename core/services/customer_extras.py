"""What hangs off a customer besides its own fields: custom field values, comments and access
keys.

Kept apart from ``customers`` (the customer use case itself) so each module has one job; every
rule here answers FieldErrors that the caller merges with its own, so one request reports
every bad field at once.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import date
from uuid import UUID

import msgspec

from core.errors import FieldError
from core.models import AccessKey, AccessKeyType, Comment, Customer, CustomField, CustomFieldValue
from core.store import Store

#: Custom field data types core knows how to check (anything else is checked as text).
CHECKBOX_VALUES = ("true", "false")


class AccessKeyInput(msgspec.Struct, frozen=True, kw_only=True):
    """An access key to add (or, with the ``id`` of one of the customer's keys, to replace)."""

    access_key_type_id: int
    value: str
    description: str | None = None
    id: UUID | None = None
    customer_id: UUID | None = None
    company_id: UUID | None = None


class CustomFieldView(msgspec.Struct, frozen=True, kw_only=True):
    definition: CustomField
    value: str | None


class CustomerExtras(msgspec.Struct, frozen=True, kw_only=True):
    """Custom fields (definitions with this customer's values), comments and access keys."""

    custom_fields: list[CustomFieldView]
    comments: list[Comment]
    access_keys: list[AccessKey]


class CustomValues(msgspec.Struct, frozen=True):
    """A company's custom field definitions (by id) and a customer's values (by field id), as
    the database holds them in the caller's transaction: a write that has read them hands
    them on, so its answer reads neither again."""

    definitions: Sequence[CustomField]
    values: dict[int, str]


class CustomFields(msgspec.Struct, frozen=True):
    """A company's custom field definitions in id order and by id, worked out once while they
    hold (``Store.find_derived``, which reads in key order: the id)."""

    ordered: tuple[CustomField, ...]
    by_id: dict[int, CustomField]

    @classmethod
    def of(cls, definitions: list[CustomField]) -> CustomFields:
        return cls(tuple(definitions), {d.id: d for d in definitions})


def _by_field(values: list[CustomFieldValue]) -> dict[int, str]:
    return {v.field_id: v.value for v in values}


def _stored_values(store: Store, customer_id: UUID) -> dict[int, str]:
    """A customer's custom values by field id, worked out once while they hold
    (``Store.find_derived``): shared, not to be changed."""
    return store.find_derived(CustomFieldValue, _by_field, customer_id=customer_id)


def load_extras(
    store: Store, customer: Customer, custom: CustomValues | None = None
) -> CustomerExtras:
    """The customer's extras; ``custom``: its custom fields as this transaction left them."""
    if custom is None:
        definitions = store.find(CustomField, company_id=customer.company_id, order_by="id")
        values = _stored_values(store, customer.id)
    else:
        definitions, values = custom.definitions, custom.values
    return CustomerExtras(
        custom_fields=[CustomFieldView(definition=d, value=values.get(d.id)) for d in definitions],
        comments=store.find(Comment, customer_id=customer.id, order_by="id"),
        access_keys=store.find(AccessKey, customer_id=customer.id, order_by="id"),
    )


def _field(d: CustomField) -> str:
    return f"custom_fields[{d.id}]"


def _check_data_type(d: CustomField, value: str) -> FieldError | None:
    if d.data_type == "DropDown" and d.values and value not in d.values:
        allowed = ", ".join(d.values)
        return FieldError(
            _field(d),
            "choice",
            f"'{d.name}' must be one of: {allowed}",
            {"name": d.name, "values": allowed, "value": value},
        )
    if d.data_type == "CheckBox" and value.lower() not in CHECKBOX_VALUES:
        return FieldError(
            _field(d), "format", f"'{d.name}' must be true or false", {"name": d.name}
        )
    if d.data_type == "Number" and not re.fullmatch(r"-?[0-9]+", value):
        return FieldError(_field(d), "format", f"'{d.name}' must be a number", {"name": d.name})
    if d.data_type == "Date":
        try:
            date.fromisoformat(value)
        except ValueError:
            return FieldError(_field(d), "format", f"'{d.name}' must be a date", {"name": d.name})
    return None


def _configured(message: str | None) -> dict[str, str]:
    """A company's own error text travels in ``params`` so that dialects show it verbatim."""
    return {"configured_message": message} if message else {}


def check_custom_value(d: CustomField, value: str) -> FieldError | None:
    """One custom field value against its definition: the first rule it breaks, if any (a
    value that breaks none builds no error text)."""
    if not value.strip():
        if d.is_mandatory:
            configured = _configured(d.mandatory_error_message)
            message = d.mandatory_error_message or f"'{d.name}' must not be empty"
            return FieldError(_field(d), "required", message, {"name": d.name} | configured)
        return None
    if d.max_length and len(value) > d.max_length:
        return FieldError(
            _field(d),
            "max_length",
            f"'{d.name}' must be {d.max_length} characters or fewer; {len(value)} given",
            {"name": d.name, "max_length": str(d.max_length), "length": str(len(value))},
        )
    if d.regex and not re.search(d.regex, value):
        message = d.regex_error_message or f"'{d.name}' is not in the correct format"
        configured = _configured(d.regex_error_message)
        params = {"name": d.name, "pattern": d.regex} | configured
        return FieldError(_field(d), "pattern", message, params)
    return _check_data_type(d, value)


def check_custom_values(
    store: Store, customer: Customer, values: dict[int, str]
) -> tuple[dict[int, str], tuple[CustomField, ...], list[FieldError]]:
    """The values to store, by field id, the company's definitions (by id, as ``load_extras``
    reads them) and the errors: unknown fields and broken rules."""
    errors: list[FieldError] = []
    fields = store.find_derived(CustomField, CustomFields.of, company_id=customer.company_id)
    by_id = fields.by_id
    accepted: dict[int, str] = {}
    for field_id, value in values.items():
        definition = by_id.get(field_id)
        if definition is None:
            errors.append(
                FieldError(
                    f"custom_fields[{field_id}]", "unknown", f"Unknown custom field {field_id}"
                )
            )
            continue
        error = check_custom_value(definition, value)
        if error:
            errors.append(error)
        accepted[field_id] = value
    return accepted, fields.ordered, errors


def check_access_keys(
    store: Store,
    customer: Customer,
    add: list[AccessKeyInput],
    delete: list[UUID],
) -> tuple[tuple[list[AccessKey], list[UUID]], list[FieldError]]:
    """The keys to write and the ids to delete, and the errors: every refusal."""
    errors: list[FieldError] = []
    types = {t.id for t in store.find(AccessKeyType, company_id=customer.company_id)}
    own = {k.id for k in store.find(AccessKey, customer_id=customer.id)}
    keys: list[AccessKey] = []
    for i, key in enumerate(add):
        field = f"access_keys[{i}]"
        if key.access_key_type_id not in types:
            errors.append(
                FieldError(
                    f"{field}.access_key_type_id",
                    "unknown",
                    f"Unknown access key type {key.access_key_type_id}",
                )
            )
        if not key.value.strip():
            errors.append(FieldError(f"{field}.value", "required", "'Value' must not be empty"))
        if key.customer_id not in (None, customer.id):
            errors.append(
                FieldError(
                    f"{field}.customer_id", "invalid", "the access key belongs to another customer"
                )
            )
        if key.company_id not in (None, customer.company_id):
            errors.append(
                FieldError(
                    f"{field}.company_id", "invalid", "the access key belongs to another company"
                )
            )
        taken = key.id is not None and key.id not in own and store.get(AccessKey, key.id)
        if taken:
            errors.append(FieldError(f"{field}.id", "invalid", f"access key {key.id} is taken"))
        keys.append(
            AccessKey(
                id=key.id or uuid.uuid4(),
                company_id=customer.company_id,
                customer_id=customer.id,
                access_key_type_id=key.access_key_type_id,
                value=key.value.strip(),
                description=key.description,
            )
        )
    for i, key_id in enumerate(delete):
        if key_id not in own:
            errors.append(
                FieldError(f"access_keys_to_delete[{i}]", "unknown", f"Unknown access key {key_id}")
            )
    return (keys, delete), errors


def store_extras(
    store: Store,
    customer: Customer,
    values: dict[int, str] | None,
    keys: tuple[list[AccessKey], list[UUID]] | None,
) -> dict[int, str] | None:
    """Write checked custom values and access keys (inside the caller's transaction); a
    value sent again unchanged costs no statement (clients re-send the whole customer).
    Answers the customer's custom values as the database now holds them (None: no values
    given, none read; not to be changed: when no value changed, the store's shared copy)."""
    cid = customer.id
    stored = None
    if values is not None:
        held = stored = _stored_values(store, cid)
        for field_id, value in values.items():
            wanted = value if value.strip() else None
            if stored.get(field_id) == wanted:
                continue
            if stored is held:
                stored = dict(held)
            if field_id in stored:
                store.delete(CustomFieldValue, customer_id=cid, field_id=field_id)
                del stored[field_id]
            if wanted is not None:
                store.insert(CustomFieldValue(customer_id=cid, field_id=field_id, value=wanted))
                stored[field_id] = wanted
    if keys is not None:
        _store_keys(store, cid, keys)
    return stored


def _store_keys(store: Store, cid: UUID, keys: tuple[list[AccessKey], list[UUID]]) -> None:
    add, delete = keys
    if delete:
        store.delete(AccessKey, customer_id=cid, id=delete)
    for key in add:
        store.delete(AccessKey, id=key.id)
        store.insert(key)
