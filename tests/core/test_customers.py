from __future__ import annotations

import uuid

import msgspec
import pytest

from core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from core.models import Customer, LoginKind, PropertyDefinition, User
from core.services import Core
from core.services.customers import CustomerPatch, LoginEntry
from core.validation import MAX_TEXT
from tests.helpers import JANE_ID, JOHN_ID, WALTER_ID, FakeClock


def login(core: Core, name: str):
    from tests.helpers import PASSWORDS

    return core.auth.login(name, PASSWORDS[name])


def test_a_customer_reads_itself_by_number_or_id(core: Core) -> None:
    john = login(core, "customer11@1to1service.com")
    view = core.customers.get(john, number=466)
    assert view.customer.full_name == "John Deer"
    assert view.has_account
    assert view.segment_ids == [2, 3, 4]
    assert view.logins == [LoginEntry("customer11@1to1service.com", LoginKind.EMAIL)]
    props = {p.name: p.values for p in view.properties}
    assert props["First Name"] == ["John"]
    assert props["Middle Initial"] == []
    assert props["Company Name"] == ["Deer Farming AB"]
    assert core.customers.get(john, id=uuid.UUID(JOHN_ID)) == view
    assert core.customers.own(john).number == 466
    assert core.customers.own(login(core, "agent@demo.local")) is None


def test_unknown_customers_and_other_companies_are_not_found(core: Core) -> None:
    admin = login(core, "admin@demo.local")
    with pytest.raises(NotFound):
        core.customers.get(admin, number=99999)
    with pytest.raises(NotFound):
        core.customers.get(admin, number=901)  # Olga, Other Company
    with pytest.raises(Forbidden):
        core.customers.get(login(core, "jane@demo.local"), number=466)


def test_update_sets_fields_properties_logins_and_segments(core: Core, clock: FakeClock) -> None:
    john = login(core, "customer11@1to1service.com")
    clock.advance(days=1)
    patch = CustomerPatch(
        phone="+46 70 000 00 00",
        properties={1: ["Johnny"], 2: ["Q"], 7: ["golf", "chess"], 6: []},
        logins=[
            LoginEntry("customer11@1to1service.com", LoginKind.EMAIL),
            LoginEntry("johnny-g", LoginKind.GOOGLE),
        ],
        segment_ids=[5, 2, 5],
    )
    view = core.customers.update(john, patch, number=466)
    c = view.customer
    assert (c.first_name, c.middle_initial, c.last_name, c.phone) == (
        "Johnny",
        "Q",
        "Deer",
        "+46 70 000 00 00",
    )
    assert c.updated == clock.now
    assert view.segment_ids == [2, 5]
    assert [x.kind for x in view.logins] == [LoginKind.EMAIL, LoginKind.GOOGLE]
    props = {p.name: p.values for p in view.properties}
    assert props["Interests"] == ["golf", "chess"]
    assert props["Company Name"] == []
    assert core.customers.get(john, number=466) == view


def writes_of(core: Core, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tables ``core.store`` deletes from or inserts into from now on."""
    written: list[str] = []
    store = core.store
    delete, insert_many = store.delete, store.insert_many

    def spy_delete(model: type, **where: object) -> int:
        written.append(model.__table__)
        return delete(model, **where)

    def spy_insert_many(objs: list) -> None:
        written.extend(type(o).__table__ for o in objs[:1])
        insert_many(objs)

    monkeypatch.setattr(store, "delete", spy_delete)
    monkeypatch.setattr(store, "insert_many", spy_insert_many)
    return written


def test_lists_sent_again_unchanged_are_not_rewritten(
    core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    john = login(core, "customer11@1to1service.com")
    patch = CustomerPatch(
        properties={7: ["golf", "chess"]},
        logins=[LoginEntry("customer11@1to1service.com", LoginKind.EMAIL)],
        segment_ids=[4, 2, 3],
    )
    written = writes_of(core, monkeypatch)
    core.customers.save(john, patch, number=466)
    assert written == ["property_values", "property_values"]  # the only list that changed
    written.clear()
    core.customers.save(john, patch, number=466)
    assert written == []
    view = core.customers.update(
        john,
        CustomerPatch(
            properties={7: ["chess", "golf"]},
            logins=[LoginEntry("john@example.com", LoginKind.EMAIL)],
            segment_ids=[2, 3],
        ),
        number=466,
    )
    assert written == [
        "property_values",
        "property_values",
        "customer_logins",
        "customer_logins",
        "memberships",
        "memberships",
    ]
    assert {p.name: p.values for p in view.properties}["Interests"] == ["chess", "golf"]
    assert view.logins == [LoginEntry("john@example.com", LoginKind.EMAIL)]
    assert view.segment_ids == [2, 3]


def test_empty_values_clear_a_field(core: Core) -> None:
    john = login(core, "customer11@1to1service.com")
    view = core.customers.update(john, CustomerPatch(properties={5: []}, phone=None), number=466)
    assert view.customer.phone is None


@pytest.mark.parametrize(
    ("patch", "field", "code"),
    [
        (CustomerPatch(properties={99: ["x"]}), "properties[99]", "unknown"),
        (CustomerPatch(properties={2: ["ABC"]}), "Middle Initial", "max_length"),
        (CustomerPatch(properties={1: ["a", "b"]}), "properties[1]", "invalid"),
        (CustomerPatch(segment_ids=[101]), "membership", "unknown"),
        (
            CustomerPatch(logins=[LoginEntry("not-an-email", LoginKind.EMAIL)]),
            "logins[0].name",
            "format",
        ),
        (CustomerPatch(logins=[LoginEntry(" ", LoginKind.BLANK)]), "logins[0].name", "required"),
        (CustomerPatch(email="broken@"), "email", "format"),
    ],
)
def test_invalid_changes_are_refused_whole(
    core: Core, patch: CustomerPatch, field: str, code: str
) -> None:
    john = login(core, "customer11@1to1service.com")
    before = core.customers.get(john, number=466)
    patch.first_name = "Changed"
    with pytest.raises(ValidationFailed) as err:
        core.customers.update(john, patch, number=466)
    assert [(e.field, e.code) for e in err.value.errors] == [(field, code)]
    assert core.customers.get(john, number=466) == before


def test_the_email_login_of_an_account_moves_with_the_email(core: Core) -> None:
    john = login(core, "customer11@1to1service.com")
    patch = CustomerPatch(logins=[LoginEntry("john@deer.example", LoginKind.EMAIL)])
    assert core.customers.update(john, patch, number=466).customer.email == "john@deer.example"
    assert core.auth.login("john@deer.example", "demo-customer").customer_id == john.customer_id


def test_staff_cannot_change_the_email_of_a_customer_with_an_account(core: Core) -> None:
    admin = login(core, "admin@demo.local")
    with pytest.raises(Forbidden):
        core.customers.update(admin, CustomerPatch(email="x@y.example"), number=466)
    walter = core.customers.update(admin, CustomerPatch(email="walter@demo.local"), number=468)
    assert walter.customer.email == "walter@demo.local"
    assert str(walter.customer.id) == WALTER_ID


def test_an_account_keeps_an_email(core: Core) -> None:
    john = login(core, "customer11@1to1service.com")
    with pytest.raises(ValidationFailed, match="needs an e-mail"):
        core.customers.update(john, CustomerPatch(logins=[]), number=466)


def test_a_login_taken_by_another_user_is_a_conflict(core: Core) -> None:
    john = login(core, "customer11@1to1service.com")
    with pytest.raises(Conflict):
        core.customers.update(john, CustomerPatch(email="agent@demo.local"), number=466)
    assert core.store.get(Customer, uuid.UUID(JOHN_ID)).email == "customer11@1to1service.com"
    jane = core.store.find(User, customer_id=uuid.UUID(JANE_ID))[0]
    assert jane.login == "jane@demo.local"


def test_property_definitions_of_the_callers_company(core: Core) -> None:
    names = [d.name for d in core.customers.property_definitions(login(core, "admin@other.local"))]
    assert names == ["First Name", "Last Name"]


def test_a_changed_property_definition_is_checked_at_once(core: Core) -> None:
    """The field rules a patch is checked by are worked out once and kept only while the
    definitions hold: one made required, without a limit, applies to the next patch."""
    john = login(core, "customer11@1to1service.com")
    core.customers.update(john, CustomerPatch(last_name="Doe"), number=466)
    with core.store.write():
        last = next(d for d in core.store.find(PropertyDefinition) if d.field == "last_name")
        changed = msgspec.structs.replace(last, is_required=True, max_length=None)
        core.store.update(changed, before=last)
    for value, code in ((None, "required"), ("x" * (MAX_TEXT + 1), "max_length")):
        with pytest.raises(ValidationFailed) as err:
            core.customers.update(john, CustomerPatch(last_name=value), number=466)
        assert [(e.field, e.code) for e in err.value.errors] == [(last.name, code)]
    assert core.customers.update(john, CustomerPatch(last_name="x" * MAX_TEXT), number=466)
