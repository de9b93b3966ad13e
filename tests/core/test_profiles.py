"""Customers with custom fields, comments and access keys: update rules and search."""

from __future__ import annotations

import uuid

import pytest

from core.errors import NotFound, ValidationFailed
from core.models import AccessKey, CustomField
from core.services import Core
from core.services.customer_extras import AccessKeyInput, _stored_values, check_custom_value
from core.services.customers import CustomerPatch
from core.services.profiles import CustomerQuery
from tests.helpers import JOHN_ID, OLGA_ID, WALTER_ID

JOHN = uuid.UUID(JOHN_ID)
DEMO = uuid.UUID("0d3e0000-0000-4000-8000-000000000001")


def admin(core: Core):
    return core.auth.login("admin@demo.local", "demo-admin")


def definition(**kw) -> CustomField:
    return CustomField(id=9, company_id=DEMO, name="Field", **kw)


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        (definition(is_mandatory=True), " ", "required"),
        (definition(), "", None),
        (definition(max_length=2), "abc", "max_length"),
        (definition(regex="^[a-z]+$"), "A1", "pattern"),
        (definition(data_type="DropDown", values=["a", "b"]), "c", "choice"),
        (definition(data_type="DropDown", values=["a", "b"]), "a", None),
        (definition(data_type="CheckBox"), "yes", "format"),
        (definition(data_type="CheckBox"), "True", None),
        (definition(data_type="Number"), "1.5", "format"),
        (definition(data_type="Number"), "-15", None),
        (definition(data_type="Date"), "2026-13-01", "format"),
        (definition(data_type="Date"), "2026-12-01", None),
    ],
)
def test_custom_value_rules(field: CustomField, value: str, code: str | None) -> None:
    error = check_custom_value(field, value)
    assert (error.code if error else None) == code


def test_configured_messages_travel_in_params() -> None:
    error = check_custom_value(definition(is_mandatory=True, mandatory_error_message="Need!"), "")
    assert error is not None
    assert error.params["configured_message"] == "Need!"
    assert check_custom_value(definition(is_mandatory=True), "").params == {"name": "Field"}


def test_update_sets_plain_fields_custom_values_and_access_keys(core: Core) -> None:
    patch = CustomerPatch(
        image_url="",
        subscribed_to_newsletter=False,
        invoice_address=None,
        custom_values={1: "2", 2: "M-9"},
        access_keys=[AccessKeyInput(access_key_type_id=2, value=" 77 ", description="code")],
        access_keys_to_delete=[uuid.UUID("a11ce55e-0000-4000-8000-000000000466")],
    )
    profile = core.profiles.update(admin(core), patch, JOHN, None)
    c = profile.customer
    assert (c.image_url, c.subscribed_to_newsletter, c.invoice_address) == (None, False, None)
    assert {f.definition.id: f.value for f in profile.extras.custom_fields} == {
        1: "2",
        2: "M-9",
        3: "Email",
        4: None,
    }
    (key,) = profile.extras.access_keys
    assert (key.value, key.access_key_type_id, key.customer_id) == ("77", 2, JOHN)
    replaced = core.profiles.update(
        admin(core),
        CustomerPatch(access_keys=[AccessKeyInput(id=key.id, access_key_type_id=1, value="R")]),
        JOHN,
        DEMO,
    )
    assert [(k.id, k.value) for k in replaced.extras.access_keys] == [(key.id, "R")]


def test_a_failed_update_changes_nothing(core: Core) -> None:
    before = core.profiles.get(admin(core), JOHN)
    patch = CustomerPatch(first_name="Johan", custom_values={1: "x", 77: "y"})
    with pytest.raises(ValidationFailed) as failed:
        core.profiles.update(admin(core), patch, JOHN, None)
    assert [(e.field, e.code) for e in failed.value.errors] == [
        ("custom_fields[1]", "pattern"),
        ("custom_fields[77]", "unknown"),
    ]
    assert core.profiles.get(admin(core), JOHN) == before


def test_another_company_id_finds_no_customer(core: Core) -> None:
    with pytest.raises(NotFound):
        core.profiles.update(admin(core), CustomerPatch(), JOHN, uuid.UUID(OLGA_ID))


def test_access_key_ids_of_other_customers_are_taken(core: Core) -> None:
    taken = core.store.find(AccessKey)[0].id
    patch = CustomerPatch(access_keys=[AccessKeyInput(id=taken, access_key_type_id=1, value="x")])
    with pytest.raises(ValidationFailed) as failed:
        core.profiles.update(admin(core), patch, uuid.UUID(WALTER_ID), None)
    assert failed.value.errors[0].field == "access_keys[0].id"


def test_query_pages_orders_and_filters(core: Core) -> None:
    page = core.profiles.query(admin(core), CustomerQuery(order_by=("-last_name",), take=2))
    assert (page.total, page.offset) == (4, 0)
    assert [p.customer.last_name for p in page.results] == ["Walk-in", "Svensson"]
    assert core.profiles.query(admin(core), CustomerQuery(text="JOHN D")).total == 1
    assert core.profiles.query(admin(core), CustomerQuery(take=500)).total == 4
    with pytest.raises(ValidationFailed):
        core.profiles.query(admin(core), CustomerQuery(take=-1))


def test_a_custom_value_sent_again_unchanged_is_not_rewritten(
    core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    patch = CustomerPatch(custom_values={1: "2", 2: "M-9"})
    core.profiles.update(admin(core), patch, JOHN, None)
    writes: list[str] = []
    for name in ("insert", "delete"):
        original = getattr(core.store, name)

        def counting(*args, _name=name, _original=original, **kwargs):
            writes.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(core.store, name, counting)
    again = core.profiles.update(
        admin(core), CustomerPatch(custom_values={1: "2", 2: "M-8"}), JOHN, None
    )
    assert writes == ["delete", "insert"]  # only field 2 changed
    assert {f.definition.id: f.value for f in again.extras.custom_fields}[2] == "M-8"
    cleared = core.profiles.update(admin(core), CustomerPatch(custom_values={1: " "}), JOHN, None)
    assert writes == ["delete", "insert", "delete"]
    assert {f.definition.id: f.value for f in cleared.extras.custom_fields}[1] is None


@pytest.mark.parametrize(
    "values",
    [{1: "2", 2: "M-9"}, {1: " "}, {1: "", 3: "SMS"}, {}, None],
    ids=["set", "clear", "clear-unset-and-set", "none-given", "unset"],
)
def test_an_update_answers_the_extras_a_fresh_read_answers(
    core: Core, values: dict[int, str] | None
) -> None:
    """The custom fields an update read and wrote are handed to its answer, not read again:
    that answer is the one a later read gives."""
    core.profiles.update(admin(core), CustomerPatch(custom_values={1: "3"}), JOHN, None)
    patch = (
        CustomerPatch(last_name="Doe") if values is None else CustomerPatch(custom_values=values)
    )
    updated = core.profiles.update(admin(core), patch, JOHN, None)
    assert updated == core.profiles.get(admin(core), JOHN)


def test_a_changed_custom_value_leaves_the_shared_values_as_they_were(core: Core) -> None:
    """A customer's custom values by field are worked out once and shared while they hold: a
    write that changes one changes a copy, never what earlier readers were handed."""
    core.profiles.update(admin(core), CustomerPatch(custom_values={2: "M-9"}), JOHN, None)
    with core.store.read():
        held = _stored_values(core.store, JOHN)
        assert _stored_values(core.store, JOHN) is held
    snapshot = dict(held)
    after = core.profiles.update(admin(core), CustomerPatch(custom_values={2: "M-7"}), JOHN, None)
    assert held == snapshot
    assert {f.definition.id: f.value for f in after.extras.custom_fields}[2] == "M-7"
    assert core.profiles.get(admin(core), JOHN).extras == after.extras
