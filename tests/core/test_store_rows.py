"""The row mapper's SQL (``core.store.rows``): what an update sets."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from core.models import Customer, InvoiceAddress
from core.store.rows import RowMapper, _differs, _exact

NOW = datetime(2026, 1, 1, tzinfo=UTC)
CUSTOMER = Customer(
    id=uuid.uuid4(),
    number=7,
    company_id=uuid.uuid4(),
    first_name="Walter",
    invoice_address=InvoiceAddress(city="Lund"),
    created=NOW,
    updated=NOW,
)


def test_an_update_without_the_row_before_sets_every_column() -> None:
    sql, params, stored = RowMapper(Customer).update(CUSTOMER)
    assert sql is not None
    assert sql.startswith('UPDATE customers SET "number" = ?, ')
    assert params[-1] == str(CUSTOMER.id)
    assert len(params) == len(RowMapper(Customer).columns)
    assert stored == CUSTOMER


def test_an_update_from_the_row_before_sets_only_what_differs() -> None:
    mapper = RowMapper(Customer)
    later = datetime(2026, 1, 2, tzinfo=UTC)
    changed = msgspec.structs.replace(CUSTOMER, updated=later, first_name="Walt")
    sql, params, stored = mapper.update(changed, before=CUSTOMER)
    assert sql == 'UPDATE customers SET "first_name" = ?, "updated" = ? WHERE "id" = ?'
    assert params == ["Walt", "2026-01-02T00:00:00Z", str(CUSTOMER.id)]
    assert stored == changed


def test_nested_values_are_compared_as_stored() -> None:
    mapper = RowMapper(Customer)
    moved = msgspec.structs.replace(CUSTOMER, invoice_address=InvoiceAddress(city="Malmö"))
    sql, params, _ = mapper.update(moved, before=CUSTOMER)
    assert sql == 'UPDATE customers SET "invoice_address" = ? WHERE "id" = ?'
    assert "Malmö" in params[0]


def test_an_update_that_changes_nothing_has_no_sql() -> None:
    same = msgspec.structs.replace(CUSTOMER)
    assert RowMapper(Customer).update(same, before=CUSTOMER) == (None, [], None)


def test_a_number_stored_as_another_type_is_a_change() -> None:
    """``7 == 7.0`` in Python, but SQLite keeps an INTEGER and a REAL apart."""
    real = msgspec.structs.replace(CUSTOMER, number=7.0)
    sql, _, _ = RowMapper(Customer).update(real, before=CUSTOMER)
    assert sql == 'UPDATE customers SET "number" = ? WHERE "id" = ?'


def test_values_equal_in_python_but_stored_apart_differ() -> None:
    """What ``update(before=...)`` compares: equal in Python is not always equal as stored."""
    utc = datetime(2026, 1, 1, 12, tzinfo=UTC)
    local = utc.astimezone(timezone(timedelta(hours=1)))
    assert _differs(local, utc)
    assert _differs([local], [utc])  # inside a nested value (stored as JSON)
    assert _differs(True, 1)
    assert not _differs([utc], [utc])
    assert not _differs("a", "".join("a"))


ZONES = st.sampled_from([UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5))])
#: What a wire decoder can hand the store: UTF-8 text (no lone surrogates), no NUL.
TEXT = st.none() | st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=8)


@given(
    first_name=TEXT,
    phone=TEXT,
    number=st.integers(0, 10**6) | st.floats(0, 10**6).map(float),
    city=TEXT,
    updated=st.datetimes(timezones=ZONES),
    letter=st.booleans(),
)
def test_what_an_update_caches_is_the_row_as_read_back(
    first_name: str | None,
    phone: str | None,
    number: float,
    city: str | None,
    updated: datetime,
    letter: bool,
) -> None:
    """Only the changed columns are converted: the row answered is the whole row reloaded."""
    mapper = RowMapper(Customer)
    changed = msgspec.structs.replace(
        CUSTOMER,
        first_name=first_name,
        phone=phone,
        number=number,
        invoice_address=None if city is None else InvoiceAddress(city=city),
        updated=updated,
        subscribed_to_newsletter=letter,
    )
    sql, _, stored = mapper.update(changed, before=CUSTOMER)
    if sql is not None:
        assert stored == mapper.stored(changed)
        assert msgspec.json.encode(stored) == msgspec.json.encode(mapper.stored(changed))


def test_text_only_columns_are_compared_by_equality_alone() -> None:
    """Equal text is stored alike, so only other columns pay for the stored-form compare."""
    mapper = RowMapper(Customer)
    exact = {mapper.columns[i] for i in mapper._exact}
    assert exact == {
        "first_name",
        "middle_initial",
        "last_name",
        "email",
        "phone",
        "image_url",
        "invoice_address",  # a structure of text only
    }
    assert _exact(msgspec.inspect.type_info(list[str] | None))
    assert not _exact(msgspec.inspect.type_info(list[int]))  # 1 == True == 1.0
    assert not _exact(msgspec.inspect.type_info(dict[str, datetime]))
    same = msgspec.structs.replace(CUSTOMER, invoice_address=InvoiceAddress(city="Lund"))
    assert mapper.update(same, before=CUSTOMER) == (None, [], None)


def test_text_and_utc_times_are_answered_as_written_others_as_read_back() -> None:
    """A text value and a time in UTC read back as the very value written (no conversion);
    a time in another zone is answered as the database hands it back."""
    mapper = RowMapper(Customer)
    name, later = "Walt", datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=UTC)
    changed = msgspec.structs.replace(CUSTOMER, first_name=name, updated=later)
    _, _, stored = mapper.update(changed, before=CUSTOMER)
    assert stored.first_name is name
    assert stored.updated is later
    assert stored == mapper.stored(changed)
    zoned = later.astimezone(timezone(timedelta(hours=2)))
    _, _, stored = mapper.update(msgspec.structs.replace(CUSTOMER, updated=zoned), CUSTOMER)
    assert stored.updated is not zoned
    assert stored == mapper.stored(msgspec.structs.replace(CUSTOMER, updated=zoned))
