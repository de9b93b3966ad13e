"""A customer with everything a booking system shows of it, read, changed and searched.

Booking-system APIs answer a customer together with its custom fields, comments and access
keys, and search customers by id, e-mail, phone or free text with paging and ordering.
"""

from __future__ import annotations

from uuid import UUID

import msgspec

from core.clock import Clock
from core.errors import FieldError, NotFound, ValidationFailed
from core.models import Customer, Principal
from core.policy import check_customer_access, is_staff
from core.services.customer_extras import CustomerExtras, load_extras
from core.services.customers import CustomerPatch, CustomerService
from core.store import Store

#: Query page size when the caller names none, and the most one page may hold.
MAX_TAKE = 100
#: Sortable customer fields.
SORT_FIELDS = ("id", "first_name", "last_name", "email", "phone", "created", "updated")


class Profile(msgspec.Struct, frozen=True, kw_only=True):
    """A customer with its extras: what a profile answer is made of (no logins, segments or
    properties, so none are read)."""

    customer: Customer
    extras: CustomerExtras


class CustomerQuery(msgspec.Struct, frozen=True, kw_only=True):
    """Every criterion given must match; ``text`` matches names, e-mail or phone, any case.

    ``order_by`` lists sort fields, each ``-``-prefixed for descending.
    """

    company_id: UUID | None = None
    id: UUID | None = None
    email: str | None = None
    phone: str | None = None
    text: str | None = None
    skip: int = 0
    take: int | None = None
    order_by: tuple[str, ...] = ()


class QueryPage(msgspec.Struct, frozen=True, kw_only=True):
    offset: int
    total: int
    results: list[Profile]


def _matches(c: Customer, q: CustomerQuery) -> bool:
    if q.id is not None and c.id != q.id:
        return False
    if q.email is not None and (c.email or "").lower() != q.email.strip().lower():
        return False
    if q.phone is not None and (c.phone or "") != q.phone.strip():
        return False
    if q.text:
        needle = q.text.strip().lower()
        hay = (c.first_name, c.last_name, c.full_name, c.email, c.phone)
        return any(needle in (h or "").lower() for h in hay)
    return True


def _sort(customers: list[Customer], order_by: tuple[str, ...]) -> list[Customer]:
    """Stable sorts from the last key to the first; missing values sort first."""
    bad = [k for k in order_by if k.lstrip("-") not in SORT_FIELDS]
    if bad:
        raise ValidationFailed(
            [FieldError("order_by", "invalid", f"cannot order by {k}", {"value": k}) for k in bad]
        )
    result = sorted(customers, key=lambda c: c.number)
    for key in reversed(order_by):
        name = key.lstrip("-")
        result.sort(
            key=lambda c, n=name: (getattr(c, n) is not None, str(getattr(c, n) or "").lower()),
            reverse=key.startswith("-"),
        )
    return result


class ProfileService:
    def __init__(self, store: Store, clock: Clock, customers: CustomerService) -> None:
        self.store = store
        self.clock = clock
        self.customers = customers

    def get(self, principal: Principal, id: UUID) -> Profile:
        with self.store.read():
            customer = self.customers.load(principal, id=id)
            return Profile(customer=customer, extras=load_extras(self.store, customer))

    def update(
        self, principal: Principal, patch: CustomerPatch, id: UUID, company_id: UUID | None
    ) -> Profile:
        """Apply ``patch``; a ``company_id`` other than the caller's finds no customer."""
        if company_id is not None and company_id != principal.company_id:
            raise NotFound("customer", id)
        with self.store.write():
            customer, custom = self.customers.apply_custom(principal, patch, id=id)
            return Profile(customer=customer, extras=load_extras(self.store, customer, custom))

    def query(self, principal: Principal, q: CustomerQuery) -> QueryPage:
        """The page of matching customers the principal may see (a customer sees itself)."""
        if q.skip < 0 or (q.take is not None and q.take < 0):
            raise ValidationFailed([FieldError("skip", "invalid", "paging must not be negative")])
        with self.store.read():
            where: dict[str, object] = {"company_id": principal.company_id}
            if not is_staff(principal):
                where["id"] = principal.customer_id
            found = [c for c in self.store.find(Customer, **where) if _matches(c, q)]
            if q.company_id not in (None, principal.company_id):
                found = []  # another company's customers do not exist for the caller
            ordered = _sort(found, q.order_by)
            take = MAX_TAKE if q.take is None else min(q.take, MAX_TAKE)
            page = ordered[q.skip : q.skip + take]
            results = []
            for customer in page:
                check_customer_access(principal, customer, ref=customer.id)
                results.append(Profile(customer=customer, extras=load_extras(self.store, customer)))
            return QueryPage(offset=q.skip, total=len(found), results=results)
