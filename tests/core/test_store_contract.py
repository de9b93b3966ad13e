"""The Store interface's contract, run against every implementation (SQLite, PostgreSQL)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone

import msgspec
import pytest

from core.errors import Conflict
from core.models import ALL_MODELS, Company, Customer, InvoiceAddress, Segment, User
from core.services import Core
from core.store import Store
from core.store.migrations import LATEST
from tests.helpers import DEMO, FakeClock

NOW = datetime(2026, 1, 1, 12, 30, 15, 123456, tzinfo=UTC)


def company(code: str = "ACME") -> Company:
    return Company(id=uuid.uuid4(), code=code, name=code.title())


def test_migrated_to_the_latest_schema(store: Store) -> None:
    assert store.schema_version == LATEST
    assert store.is_empty()


def test_round_trip_of_every_column_kind(store: Store) -> None:
    acme = company()
    customer = Customer(
        id=uuid.uuid4(),
        number=2**31 - 1,
        company_id=acme.id,
        first_name="Åsa",
        email="Asa@Example.test",
        subscribed_to_newsletter=True,
        invoice_address=InvoiceAddress(city="Göteborg", postal_code="411 01"),
        created=NOW,
        updated=NOW,
    )
    with store.write():
        store.insert(acme)
        store.insert(customer)
    assert store.get(Customer, customer.id) == customer
    assert store.find(Customer, email="asa@example.test") == [customer]


def test_rollback_and_savepoints(store: Store) -> None:
    kept = company("KEPT")

    def insert_both(first: Company, second: Company) -> None:
        with store.write():
            store.insert(first)
            store.insert(second)

    with store.write():
        store.insert(kept)
        with pytest.raises(Conflict):
            insert_both(company("LOST"), company("kept"))  # codes are case-insensitive
    assert [c.code for c in store.find(Company)] == ["KEPT"]

    def failing() -> None:
        with store.write():
            store.insert(company("GONE"))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        failing()
    assert store.count(Company) == 1


def test_savepoints_nested_released_and_rolled_back(store: Store) -> None:
    """Inner blocks that succeeded are undone with an outer one that fails; siblings and
    blocks that only read keep the transaction usable (PostgreSQL makes savepoints lazily)."""

    def block(code: str, *, fail: bool = False, inner: str | None = None) -> None:
        with store.write():
            store.insert(company(code))
            if inner is not None:
                block(inner)
            if fail:
                raise RuntimeError(code)

    def reading_block() -> None:
        with store.read():
            store.find(Company)
            raise LookupError("only read")

    with store.write():
        block("A")
        with pytest.raises(RuntimeError):
            block("B", fail=True, inner="B1")  # B1 was released inside B, then B undone
        with pytest.raises(LookupError):
            reading_block()
        block("C", inner="C1")
        with pytest.raises(Conflict):
            block("c")  # the same code: the insert fails, its savepoint restores
        with pytest.raises(RuntimeError):
            block("D", inner="D1", fail=True)
        block("E")
    assert sorted(c.code for c in store.find(Company)) == ["A", "C", "C1", "E"]


def test_find_count_order_page_update_delete(store: Store) -> None:
    acme = company()
    with store.write():
        store.insert(acme)
        store.insert_many([Segment(id=i, company_id=acme.id, name=f"s{i}") for i in range(1, 6)])
    assert [s.id for s in store.find(Segment, id=[2, 4, 9])] == [2, 4]
    assert [s.id for s in store.find(Segment, order_by="id DESC", limit=2)] == [5, 4]
    assert [s.id for s in store.find(Segment, limit=2, offset=3)] == [4, 5]
    assert [s.id for s in store.find(Segment, offset=4)] == [5]
    assert store.count(Segment, company_id=acme.id) == 5
    assert store.get(Segment, 2**70) is None
    assert store.find(Segment, id=2**70) == []
    with store.write():
        store.update(msgspec.structs.replace(acme, name="Renamed"))
        assert store.delete(Segment, id=[1, 2]) == 2
    assert store.get(Company, acme.id).name == "Renamed"
    assert store.count(Segment) == 3


def test_sequences_meta_and_wipe(store: Store) -> None:
    with store.write():
        assert [store.next_value("n"), store.next_value("n")] == [1, 2]
        assert store.next_value("m", floor=41) == 42
        store.set_meta("fixtures", "a")
        store.set_meta("fixtures", "b")
    assert store.get_meta("fixtures") == "b"
    assert store.get_meta("nothing") is None
    store.wipe()
    assert store.get_meta("fixtures") is None


def test_the_demo_data_and_core_use_cases(store: Store) -> None:
    core = Core(store)
    core.fixtures.load(DEMO, source="demo")
    john = core.auth.login("CUSTOMER11@1to1service.com", "demo-customer")
    assert core.customers.get(john, number=466).customer.full_name == "John Deer"
    assert [u.login for u in store.find(User, login="Jane@Demo.Local")] == ["jane@demo.local"]
    assert len(store.find(Company)) == 2


@pytest.mark.parametrize("empty", [[], (), set()])
def test_one_of_no_values_matches_no_row(store: Store, empty: object) -> None:
    """``find(..., id=[])`` is "one of nothing": no row, on every store (issue 17: SQLite and
    PostgreSQL were handed ``"id" = ?`` with no parameter)."""
    acme = company()
    with store.write():
        store.insert(acme)
    assert store.find(Company, id=empty) == []
    assert store.find(Company, id=empty, code="ACME") == []
    assert store.count(Company, id=empty) == 0
    assert store.delete(Company, id=empty) == 0
    assert store.find(Company, id=[acme.id]) == [acme]
    with store.read():  # and through the read cache
        assert store.find(Company, id=empty) == []


def test_a_row_as_stored_is_the_row_as_read(store: Store, clock: FakeClock) -> None:
    """What the cache remembers of an updated row (``RowMapper.stored``) is what a read of
    it answers, for every row of the demo data."""
    Core(store, clock=clock).fixtures.load(DEMO, source="demo")
    with store.read():
        for model in ALL_MODELS:
            mapper = store._mappers[model]  # type: ignore[attr-defined]
            for row in store.find(model):
                assert mapper.stored(row) == row


def _customer(acme: Company) -> Customer:
    return Customer(
        id=uuid.uuid4(), number=7, company_id=acme.id, email="a@x.test", created=NOW, updated=NOW
    )


def test_an_update_from_the_row_it_read_writes_what_changed(store: Store) -> None:
    """``update(obj, before=...)``: the changed columns reach the database, the cache answers
    the row as stored, and an update that changes nothing is no write at all (no new data
    version, so every cached read stays valid)."""
    acme = company()
    with store.write():
        store.insert(acme)
        store.insert(_customer(acme))
    (read,) = store.find(Customer)
    with store.write():
        before = store.get(Customer, read.id)
        store.update(msgspec.structs.replace(before, phone="+46 8 1"), before=before)
    assert store.get(Customer, read.id).phone == "+46 8 1"
    version = store.data_version
    with store.write():
        before = store.get(Customer, read.id)
        store.update(msgspec.structs.replace(before), before=before)
    assert store.data_version == version
    local = NOW.astimezone(timezone(timedelta(hours=2)))  # the same instant, another zone
    with store.write():
        before = store.get(Customer, read.id)
        store.update(msgspec.structs.replace(before, updated=local), before=before)
    assert store.data_version != version
    assert store.get(Customer, read.id).updated.utcoffset() == timedelta(hours=2)
    store.sync()
    with store.read():
        assert store.get(Customer, read.id).updated.utcoffset() == timedelta(hours=2)
