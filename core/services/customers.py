"""Reading and changing customers: the use cases behind every dialect's contact endpoints."""

from __future__ import annotations

from uuid import UUID

import msgspec
from msgspec import UNSET, UnsetType

from core.clock import Clock
from core.errors import Conflict, FieldError, NotFound, ValidationFailed
from core.models import (
    Customer,
    CustomerLogin,
    InvoiceAddress,
    LoginKind,
    Membership,
    Principal,
    PropertyDefinition,
    PropertyValue,
    Segment,
    User,
)
from core.policy import check_customer_access, check_email_change
from core.services.customer_extras import (
    AccessKeyInput,
    CustomValues,
    check_access_keys,
    check_custom_values,
    store_extras,
)
from core.store import Store
from core.validation import MAX_TEXT, check_email, check_length, check_required

#: Customer fields a property definition may stand for.
PROPERTY_FIELDS = ("first_name", "middle_initial", "last_name", "email", "phone")
#: Customer fields a patch sets as given (no property definition stands for them).
PLAIN_FIELDS = ("image_url", "subscribed_to_newsletter", "invoice_address")


class LoginEntry(msgspec.Struct, frozen=True):
    name: str
    kind: LoginKind


class PropertyView(msgspec.Struct, frozen=True):
    id: int
    name: str
    values: list[str]


class CustomerView(msgspec.Struct, frozen=True, kw_only=True):
    """A customer with what hangs off it, as dialects render it."""

    customer: Customer
    logins: list[LoginEntry]
    segment_ids: list[int]
    properties: list[PropertyView]
    has_account: bool


class CustomerPatch(msgspec.Struct, kw_only=True):
    """Changes to apply; UNSET leaves a field as it is, None clears it.

    ``properties`` maps property-definition ids to values (fields first, then properties,
    then logins, so an e-mail login wins over an e-mail property). ``custom_values`` maps
    custom field ids to values ("" clears one); access keys are added, replaced by id, or
    deleted by id.
    """

    first_name: str | UnsetType | None = UNSET
    middle_initial: str | UnsetType | None = UNSET
    last_name: str | UnsetType | None = UNSET
    email: str | UnsetType | None = UNSET
    phone: str | UnsetType | None = UNSET
    properties: dict[int, list[str]] | UnsetType = UNSET
    logins: list[LoginEntry] | UnsetType = UNSET
    segment_ids: list[int] | UnsetType = UNSET
    image_url: str | UnsetType | None = UNSET
    subscribed_to_newsletter: bool | UnsetType = UNSET
    invoice_address: InvoiceAddress | UnsetType | None = UNSET
    custom_values: dict[int, str] | UnsetType = UNSET
    access_keys: list[AccessKeyInput] | UnsetType = UNSET
    access_keys_to_delete: list[UUID] | UnsetType = UNSET


class PropertyRules(msgspec.Struct, frozen=True):
    """A company's property definitions as a patch checks them, worked out once while they
    hold (``Store.find_derived``): by id, and the length and presence rules of each that
    stands for a customer field, as (field, name, most characters, required)."""

    by_id: dict[int, PropertyDefinition]
    fields: tuple[tuple[str, str, int, bool], ...]

    @classmethod
    def of(cls, definitions: list[PropertyDefinition]) -> PropertyRules:
        return cls(
            {d.id: d for d in definitions},
            tuple(
                (d.field, d.name, d.max_length or MAX_TEXT, d.is_required)
                for d in definitions
                if d.field
            ),
        )


def _check_fields(
    customer: Customer, rules: PropertyRules, *, emails_checked: bool
) -> list[FieldError]:
    """The e-mail's format (unless its logins were checked) and each field property's length
    and presence (as ``check_length`` and ``check_required``), in definition order."""
    errors: list[FieldError] = []
    if not emails_checked:
        error = check_email("email", customer.email)
        if error:
            errors.append(error)
    for field, name, limit, required in rules.fields:
        value = getattr(customer, field)
        if value is not None and len(value) > limit:
            errors.append(check_length(name, value, limit))
        if required and not value:
            errors.append(check_required(name, value))
    return errors


class CustomerService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    # -- reads ----------------------------------------------------------------------------

    def get(self, principal: Principal, *, id: UUID | None = None, number: int | None = None):
        """The view of one customer the principal may see."""
        with self.store.read():
            customer = self._load(principal, id=id, number=number)
            return self._view(customer)

    def own(self, principal: Principal) -> Customer | None:
        """The customer the principal is (None for staff without a customer record)."""
        if principal.customer_id is None:
            return None
        with self.store.read():
            return self.store.get(Customer, principal.customer_id)

    def property_definitions(self, principal: Principal) -> list[PropertyDefinition]:
        """The contact properties of the principal's company."""
        with self.store.read():
            return self.store.find(PropertyDefinition, company_id=principal.company_id)

    def load(
        self, principal: Principal, *, id: UUID | None = None, number: int | None = None
    ) -> Customer:
        """The customer by ``id`` or ``number``, if the principal may see it (no view built:
        for callers that answer their own shape; call inside the caller's transaction)."""
        return self._load(principal, id=id, number=number)

    def _load(self, principal: Principal, *, id: UUID | None, number: int | None) -> Customer:
        ref: object = id if id is not None else number
        found = (
            self.store.get(Customer, id)
            if id is not None
            else next(iter(self.store.find(Customer, number=number)), None)
        )
        if found is None:
            raise NotFound("customer", ref)
        check_customer_access(principal, found, ref=ref)
        return found

    def view(self, customer: Customer) -> CustomerView:
        """The view of a customer the caller has already authorized, in its transaction."""
        return self._view(customer)

    def _view(self, customer: Customer) -> CustomerView:
        logins = self.store.find(CustomerLogin, customer_id=customer.id)
        segments = self.store.find(Membership, customer_id=customer.id, order_by="segment_id")
        definitions = self.store.find(PropertyDefinition, company_id=customer.company_id)
        values = self.store.find(PropertyValue, customer_id=customer.id)
        by_property: dict[int, list[str]] = {}
        for v in values:
            by_property.setdefault(v.property_id, []).append(v.value)
        properties = []
        for d in definitions:
            if d.field:
                value = getattr(customer, d.field)
                properties.append(PropertyView(d.id, d.name, [] if value is None else [value]))
            else:
                properties.append(PropertyView(d.id, d.name, by_property.get(d.id, [])))
        return CustomerView(
            customer=customer,
            logins=[LoginEntry(x.name, x.kind) for x in logins],
            segment_ids=[m.segment_id for m in segments],
            properties=properties,
            has_account=self.store.count(User, customer_id=customer.id) > 0,
        )

    # -- writes ---------------------------------------------------------------------------

    def update(
        self,
        principal: Principal,
        patch: CustomerPatch,
        *,
        id: UUID | None = None,
        number: int | None = None,
    ) -> CustomerView:
        """Apply ``patch`` in one transaction (see :meth:`save`) and answer the view."""
        with self.store.write():
            return self._view(self.apply(principal, patch, id=id, number=number))

    def save(
        self,
        principal: Principal,
        patch: CustomerPatch,
        *,
        id: UUID | None = None,
        number: int | None = None,
    ) -> Customer:
        """Apply ``patch`` in one transaction: all of it or, on any error, none of it.
        Answers the stored customer, without reading its view back."""
        with self.store.write():
            return self.apply(principal, patch, id=id, number=number)

    def apply(
        self,
        principal: Principal,
        patch: CustomerPatch,
        *,
        id: UUID | None = None,
        number: int | None = None,
    ) -> Customer:
        """:meth:`save` inside the caller's write transaction (no savepoint of its own)."""
        return self.apply_custom(principal, patch, id=id, number=number)[0]

    def apply_custom(
        self,
        principal: Principal,
        patch: CustomerPatch,
        *,
        id: UUID | None = None,
        number: int | None = None,
    ) -> tuple[Customer, CustomValues | None]:
        """:meth:`apply`, answering beside the customer its custom fields as this write left
        them when the patch gives custom values (None otherwise): read once, not again."""
        customer = self._load(principal, id=id, number=number)
        rules = self.store.find_derived(
            PropertyDefinition, PropertyRules.of, company_id=customer.company_id
        )
        updated = msgspec.structs.replace(customer)
        for name in PROPERTY_FIELDS:
            value = getattr(patch, name)
            if value is not UNSET:
                setattr(updated, name, value or None)
        for name in PLAIN_FIELDS:
            value = getattr(patch, name)
            if value is not UNSET:
                setattr(updated, name, None if value == "" else value)
        errors: list[FieldError] = []
        generic: dict[int, list[str]] = {}
        logins = segments = None
        if patch.properties is not UNSET:
            generic, direct, errors = self._check_properties(patch.properties, rules.by_id)
            for name, value in direct.items():
                setattr(updated, name, value)
        if patch.logins is not UNSET:
            logins, login_errors = self._check_logins(patch.logins)
            errors += login_errors
            emails = [x.name for x in logins if x.kind == LoginKind.EMAIL]
            updated.email = emails[0] if emails else None
        if patch.segment_ids is not UNSET:
            segments, segment_errors = self._check_segments(patch.segment_ids, customer)
            errors += segment_errors
        errors += _check_fields(updated, rules, emails_checked=logins is not None)
        values = custom_fields = None
        if patch.custom_values is not UNSET:
            values, custom_fields, value_errors = check_custom_values(
                self.store, customer, patch.custom_values
            )
            errors += value_errors
        keys = None
        if patch.access_keys is not UNSET or patch.access_keys_to_delete is not UNSET:
            add = [] if patch.access_keys is UNSET else patch.access_keys
            drop = [] if patch.access_keys_to_delete is UNSET else patch.access_keys_to_delete
            keys, key_errors = check_access_keys(self.store, customer, add, drop)
            errors += key_errors
        if errors:
            raise ValidationFailed(errors)
        if updated.email is not customer.email and (
            (updated.email or "").lower() != (customer.email or "").lower()
        ):
            account = next(iter(self.store.find(User, customer_id=customer.id)), None)
            check_email_change(principal, customer, has_account=account is not None)
            self._move_login(account, updated)
        updated.updated = self.clock()
        self.store.update(updated, before=customer)
        if generic or logins is not None or segments is not None:
            self._store_children(updated, generic, logins, segments)
        stored = store_extras(self.store, updated, values, keys)
        if custom_fields is None or stored is None:
            return updated, None
        return updated, CustomValues(custom_fields, stored)

    def _check_properties(
        self, properties: dict[int, list[str]], definitions: dict[int, PropertyDefinition]
    ) -> tuple[dict[int, list[str]], dict[str, str | None], list[FieldError]]:
        """The generic property values by id and the values of properties that are a
        customer field (by field name), and the errors."""
        generic: dict[int, list[str]] = {}
        direct: dict[str, str | None] = {}
        errors: list[FieldError] = []
        for pid, values in properties.items():
            definition = definitions.get(pid)
            field = f"properties[{pid}]"
            if definition is None:
                errors.append(FieldError(field, "unknown", f"Unknown property ID {pid}"))
                continue
            if len(values) > 1 and not definition.allow_multiple:
                errors.append(
                    FieldError(field, "invalid", f"'{definition.name}' takes a single value")
                )
                continue
            if definition.field:
                direct[definition.field] = values[0] if values and values[0] else None
                continue
            generic[pid] = [v for v in values if v != ""]
            for value in generic[pid]:
                error = check_length(definition.name, value, definition.max_length)
                if error:
                    errors.append(error)
        return generic, direct, errors

    def _check_logins(self, given: list[LoginEntry]) -> tuple[list[LoginEntry], list[FieldError]]:
        """The logins to store, and the errors."""
        errors: list[FieldError] = []
        for i, login in enumerate(given):
            error = check_required(f"logins[{i}].name", login.name.strip())
            if error is None and login.kind == LoginKind.EMAIL:
                error = check_email(f"logins[{i}].name", login.name.strip())
            if error:
                errors.append(error)
        return [LoginEntry(x.name.strip(), x.kind) for x in given], errors

    def _check_segments(
        self, segment_ids: list[int], customer: Customer
    ) -> tuple[list[int], list[FieldError]]:
        """The segment ids to store, and the errors: unknown segments."""
        errors: list[FieldError] = []
        wanted = sorted(set(segment_ids))
        known = {s.id for s in self.store.find(Segment, company_id=customer.company_id, id=wanted)}
        for sid in wanted:
            if sid not in known:
                errors.append(FieldError("membership", "unknown", f"Unknown segment {sid}"))
        return wanted, errors

    def _move_login(self, account: User | None, updated: Customer) -> None:
        """A customer's user login is its e-mail address: keep the two together."""
        if account is None:
            return
        if not updated.email:
            raise ValidationFailed(
                [FieldError("email", "required", "a customer with an account needs an e-mail")]
            )
        taken = self.store.find(User, login=updated.email)
        if any(u.id != account.id for u in taken):
            raise Conflict(f"the login {updated.email} is already taken")
        self.store.update(msgspec.structs.replace(account, login=updated.email), before=account)

    def _store_children(
        self,
        customer: Customer,
        generic: dict[int, list[str]],
        logins: list[LoginEntry] | None,
        segments: list[int] | None,
    ) -> None:
        """Replace the lists the patch gives; a list sent again unchanged costs no statement
        (clients re-send the whole customer), so its model's cached reads stay valid."""
        cid = customer.id
        for pid, values in generic.items():
            stored = self.store.find(PropertyValue, customer_id=cid, property_id=pid)
            if [v.value for v in stored] == values:  # in key order: by position
                continue
            self.store.delete(PropertyValue, customer_id=cid, property_id=pid)
            self.store.insert_many(
                [
                    PropertyValue(customer_id=cid, property_id=pid, position=i, value=v)
                    for i, v in enumerate(values)
                ]
            )
        if logins is not None:
            stored_logins = self.store.find(CustomerLogin, customer_id=cid)  # by position
            if [LoginEntry(x.name, x.kind) for x in stored_logins] != logins:
                self.store.delete(CustomerLogin, customer_id=cid)
                self.store.insert_many(
                    [
                        CustomerLogin(customer_id=cid, position=i, name=x.name, kind=x.kind)
                        for i, x in enumerate(logins)
                    ]
                )
        if segments is not None:
            stored_segments = self.store.find(Membership, customer_id=cid, order_by="segment_id")
            if [m.segment_id for m in stored_segments] != segments:
                self.store.delete(Membership, customer_id=cid)
                self.store.insert_many(
                    [Membership(customer_id=cid, segment_id=s) for s in segments]
                )
