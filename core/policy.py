"""The one authorization policy every dialect goes through.

- a customer may act only on itself;
- agents and admins act on the customers of their own company;
- nobody crosses companies: another company's customer does not exist for the caller;
- the e-mail of a customer that has a user account is its login: only that customer changes it.
"""

from __future__ import annotations

from uuid import UUID

from core.errors import Forbidden, NotFound
from core.models import Customer, Principal, Role


def is_staff(principal: Principal) -> bool:
    return principal.role in (Role.ADMIN, Role.AGENT)


def check_customer_access(principal: Principal, customer: Customer, *, ref: object) -> None:
    """Raise unless ``principal`` may read and update ``customer``."""
    if customer.company_id != principal.company_id:
        raise NotFound("customer", ref)
    if not is_staff(principal) and principal.customer_id != customer.id:
        raise Forbidden("a customer may only access its own details")


def check_email_change(principal: Principal, customer: Customer, *, has_account: bool) -> None:
    """Raise if ``principal`` may not change ``customer``'s e-mail address."""
    if has_account and principal.customer_id != customer.id:
        raise Forbidden(
            "the e-mail address of a customer with an account is changed by that customer"
        )


def own_customer(principal: Principal) -> UUID:
    """The customer a principal is ("me"); only a customer's own user has one to act as."""
    if principal.customer_id is None:
        raise Forbidden("only a customer's own user has a customer of its own")
    return principal.customer_id
