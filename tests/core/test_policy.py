"""The authorization policy, as one table: role x whose customer."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from core.errors import Forbidden, NotFound
from core.models import Customer, Principal, Role
from core.policy import check_customer_access, check_email_change

HOME, AWAY = uuid.uuid4(), uuid.uuid4()
SELF_ID = uuid.uuid4()
NOW = datetime(2026, 1, 1, tzinfo=UTC)


def customer(company: uuid.UUID, cid: uuid.UUID | None = None) -> Customer:
    return Customer(id=cid or uuid.uuid4(), number=1, company_id=company, created=NOW, updated=NOW)


def principal(role: Role, company: uuid.UUID = HOME) -> Principal:
    own = SELF_ID if role is Role.CUSTOMER else None
    return Principal(
        user_id=uuid.uuid4(), company_id=company, role=role, login="x", customer_id=own
    )


SELF = customer(HOME, SELF_ID)
NEIGHBOUR = customer(HOME)
STRANGER = customer(AWAY)


@pytest.mark.parametrize(
    ("role", "target", "outcome"),
    [
        (Role.CUSTOMER, SELF, None),
        (Role.CUSTOMER, NEIGHBOUR, Forbidden),
        (Role.CUSTOMER, STRANGER, NotFound),
        (Role.AGENT, SELF, None),
        (Role.AGENT, NEIGHBOUR, None),
        (Role.AGENT, STRANGER, NotFound),
        (Role.ADMIN, NEIGHBOUR, None),
        (Role.ADMIN, STRANGER, NotFound),
    ],
)
def test_customer_access(role: Role, target: Customer, outcome: type[Exception] | None) -> None:
    if outcome is None:
        check_customer_access(principal(role), target, ref=target.id)
    else:
        with pytest.raises(outcome):
            check_customer_access(principal(role), target, ref=target.id)


def test_only_the_customer_changes_the_email_of_an_account() -> None:
    check_email_change(principal(Role.CUSTOMER), SELF, has_account=True)
    check_email_change(principal(Role.ADMIN), NEIGHBOUR, has_account=False)
    with pytest.raises(Forbidden):
        check_email_change(principal(Role.ADMIN), NEIGHBOUR, has_account=True)
