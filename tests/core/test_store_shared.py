"""The read cache serves a frozen model's rows themselves, shared by every caller, instead of
a copy per hit (see ``core.store.cache``): nobody can change them, so nobody needs a copy."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest

from core.models import ALL_MODELS, Company, Customer, CustomerEvent, CustomField
from core.store import Store, open_store
from core.store.postgres import PostgresStore


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        opened: Store = open_store(tmp_path / "shared.db")
    else:
        dsn = request.getfixturevalue("postgres_dsn")
        opened = PostgresStore(dsn, schema=f"t_{uuid.uuid4().hex}")
    yield opened
    if isinstance(opened, PostgresStore):
        opened.drop()
    opened.close()


def test_only_the_models_callers_change_in_place_are_mutable() -> None:
    """A patch sets the customer's fields one by one and a bulk of events gets its numbers
    after checking; every other model is only read, or replaced whole, so it is frozen."""
    mutable = {m for m in ALL_MODELS if not m.__struct_config__.frozen}
    assert mutable == {Customer, CustomerEvent}


def test_a_frozen_models_hits_are_the_cached_rows_themselves(store: Store) -> None:
    acme = Company(id=uuid.uuid4(), code="ACME", name="Acme")
    field = CustomField(id=1, company_id=acme.id, name="Member", values=["a"])
    with store.write():
        store.insert(acme)
        store.insert(field)
    store.sync()
    with store.read():
        first = store.find(CustomField, company_id=acme.id, order_by="id")
        again = store.find(CustomField, company_id=acme.id, order_by="id")
        assert again[0] is first[0]  # shared, not copied
        assert store.get(Company, acme.id) is store.get(Company, acme.id)
        with pytest.raises(AttributeError):
            first[0].name = "Scribbled"  # type: ignore[misc]
        first.clear()  # the list is the caller's own
        assert store.find(CustomField, company_id=acme.id, order_by="id") == again
        changed = msgspec.structs.replace(again[0], name="Renamed")
    with store.write():
        store.update(changed, before=again[0])
    with store.read():
        assert store.get(CustomField, 1).name == "Renamed"
        assert again[0].name == "Member"  # what a caller holds never changes under it
