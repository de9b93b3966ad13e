"""The store's read cache: reads come from memory until somebody writes, on either store,
through this connection or another one (another worker, another gateway of a fleet)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest

from core.errors import Conflict
from core.models import Company, Customer, Role, User
from core.store import Store, open_store
from core.store import cache as cache_module
from core.store.cache import VERSION_KEY
from core.store.postgres import PostgresStore
from core.store.sqlite import SqliteStore


def company(code: str) -> Company:
    return Company(id=uuid.uuid4(), code=code, name=code.title())


def saved(store: Store) -> Company:
    """ACME, written through ``store``."""
    acme = company("ACME")
    with store.write():
        store.insert(acme)
    return acme


def read_name(store: Store, key: uuid.UUID) -> str | None:
    with store.read():
        found = store.get(Company, key)
        return None if found is None else found.name


def test_another_connection_sees_a_write_at_once(pair: tuple[Store, Store]) -> None:
    one, two = pair
    acme = saved(one)
    assert read_name(two, acme.id) == "Acme"
    with one.write():
        one.update(msgspec.structs.replace(acme, name="Renamed"))
    assert read_name(two, acme.id) == "Renamed"
    with two.write():
        two.delete(Company, id=acme.id)
    assert read_name(one, acme.id) is None


def test_own_writes_are_read_back(pair: tuple[Store, Store]) -> None:
    store, _ = pair
    acme = saved(store)
    with store.read():
        assert store.find(Company) == [acme]
        assert store.count(Company) == 1
    other = company("OTHER")
    with store.write():
        store.insert(other)
    with store.read():
        assert store.count(Company) == 2
        assert {c.code for c in store.find(Company, code=["ACME", "OTHER"])} == {"ACME", "OTHER"}


def test_a_rolled_back_write_leaves_reads_right(pair: tuple[Store, Store]) -> None:
    store, _ = pair
    acme = saved(store)
    assert read_name(store, acme.id) == "Acme"

    def rename_then_clash() -> None:
        with store.write():
            store.update(Company(id=acme.id, code="ACME", name="Lost"))
            store.insert(company("acme"))  # codes are unique whatever their case

    with pytest.raises(Conflict):
        rename_then_clash()
    assert read_name(store, acme.id) == "Acme"


def test_what_a_caller_changes_is_not_cached(pair: tuple[Store, Store]) -> None:
    """A model callers change in place (the customer a patch sets) is read as a copy."""
    store, _ = pair
    acme = saved(store)
    now = datetime.now(UTC)
    walter = Customer(id=uuid.uuid4(), number=466, company_id=acme.id, created=now, updated=now)
    with store.write():
        store.insert(walter)
    for _ in range(2):  # the second time from the cache
        with store.read():
            assert store.get(Customer, walter.id).first_name is None
            assert store.find(Customer)[0].first_name is None
            store.get(Customer, walter.id).first_name = "Scribbled"
            store.find(Customer)[0].first_name = "Scribbled"


@pytest.mark.parametrize("kind", ["read", "write"])
def test_a_transaction_reads_what_it_changed(pair: tuple[Store, Store], kind: str) -> None:
    """From the cache before its change, from the database after; stamped for everyone."""
    one, two = pair
    acme = saved(one)
    assert read_name(one, acme.id) == "Acme"
    with getattr(one, kind)():
        assert one.get(Company, acme.id).name == "Acme"
        one.update(Company(id=acme.id, code="ACME", name="Changed"))
        assert one.get(Company, acme.id).name == "Changed"
        assert one.find(Company, code="ACME")[0].name == "Changed"
    assert read_name(one, acme.id) == "Changed"
    assert read_name(two, acme.id) == "Changed"


def models_version(store: Store) -> tuple[int, ...] | None:
    with store.read():
        return store.models_version(Company)


def test_a_models_version_moves_with_writes_of_those_models_by_anyone(
    pair: tuple[Store, Store],
) -> None:
    """Another connection's write moves the versions of the models it changed, no others."""
    one, two = pair
    acme = saved(one)
    seen = models_version(one)
    assert seen is not None
    with one.write():
        one.insert(
            User(id=uuid.uuid4(), company_id=acme.id, login="u", password_hash="x", role=Role.AGENT)
        )
    assert models_version(one) == seen
    with two.write():
        two.delete(User, login="u")
    one.sync()
    assert models_version(one) == seen
    with two.write():
        two.update(Company(id=acme.id, code="ACME", name="Elsewhere"))
    one.sync()
    moved = models_version(one)
    assert moved != seen
    with one.write():
        one.update(Company(id=acme.id, code="ACME", name="Here"))
    assert models_version(one) not in (seen, moved)


def fetched(store: Store) -> list[type]:
    """The models ``store`` asks its database for from now on."""
    asked: list[type] = []
    for name in ("_fetch_one", "_fetch_many", "_fetch_count"):
        real = getattr(store, name)

        def spy(model: type, *args: object, real: Any = real) -> object:
            asked.append(model)
            return real(model, *args)

        setattr(store, name, spy)
    return asked


def test_another_connections_write_forgets_only_the_models_it_changed(
    pair: tuple[Store, Store],
) -> None:
    """A write elsewhere of companies leaves this connection's cached users; the next request
    reads the companies afresh."""
    one, two = pair
    acme = saved(one)
    agent = User(id=uuid.uuid4(), company_id=acme.id, login="u", password_hash="x", role=Role.AGENT)
    with one.write():
        one.insert(agent)
    one.sync()
    with one.read():
        one.get(Company, acme.id)
        one.get(User, agent.id)
    asked = fetched(one)
    with two.write():
        two.update(Company(id=acme.id, code="ACME", name="Elsewhere"))
    one.sync()
    with one.read():
        assert one.get(Company, acme.id).name == "Elsewhere"
        assert one.get(User, agent.id) == agent
    assert asked == [Company]
    with two.write():  # and a writer that holds a stale cache re-checks under its lock
        two.update(Company(id=acme.id, code="ACME", name="Twice"))
    with one.write():
        assert one.get(Company, acme.id).name == "Twice"
        assert one.get(User, agent.id) == agent
    assert asked == [Company, Company]


def test_a_data_version_stamped_without_model_versions_forgets_everything(
    pair: tuple[Store, Store],
) -> None:
    """A writer that stamps only the data version (an older crmgate on the same database):
    which models it changed is unknown, so every cached read goes. An older crmgate counts no
    commit on a PostgreSQL commit board: beside one, the board is off (README)."""
    one, two = pair
    if isinstance(one, PostgresStore):
        one._commits.close()  # type: ignore[union-attr]
    acme = saved(one)
    one.sync()
    assert read_name(one, acme.id) == "Acme"
    seen = models_version(one)
    asked = fetched(one)
    two._conn.execute("UPDATE companies SET name = 'Legacy'")  # type: ignore[attr-defined]
    two._conn.execute(  # type: ignore[attr-defined]
        f"UPDATE control SET value = 'older' WHERE key = '{VERSION_KEY}'"
    )
    one.sync()
    assert read_name(one, acme.id) == "Legacy"
    assert asked == [Company]
    assert models_version(one) != seen


def test_an_autocommitted_write_does_not_hide_another_connections_write(tmp_path: Path) -> None:
    """A change outside ``write()`` is stamped after it committed, outside the writers'
    lock: what others wrote before it is still seen by the next ``sync``."""
    one, two = (open_store(tmp_path / "shared.db") for _ in range(2))
    acme = saved(one)
    one.sync()
    assert read_name(one, acme.id) == "Acme"
    with two.write():
        two.update(Company(id=acme.id, code="ACME", name="Elsewhere"))
    one.insert(
        User(id=uuid.uuid4(), company_id=acme.id, login="u", password_hash="x", role=Role.AGENT)
    )
    one.sync()
    assert read_name(one, acme.id) == "Elsewhere"
    one.close()
    two.close()


def test_no_models_version_before_the_first_stamp(tmp_path: Path) -> None:
    store = open_store(tmp_path / "a.db")
    with store.read():
        assert store.models_version(Company) is None
    store.close()


def test_wipe_forgets_everything(pair: tuple[Store, Store]) -> None:
    one, two = pair
    acme = saved(one)
    assert read_name(one, acme.id) == read_name(two, acme.id) == "Acme"
    two.wipe()
    assert read_name(one, acme.id) is None
    assert read_name(two, acme.id) is None


def test_unhashable_arguments_are_asked_of_the_database(pair: tuple[Store, Store]) -> None:
    store, _ = pair
    acme = saved(store)
    with store.read():
        assert store.find(Company, code={"ACME"}) == [acme]


def statements(store: SqliteStore) -> list[str]:
    seen: list[str] = []
    store._conn.set_trace_callback(seen.append)
    return seen


def test_a_repeated_read_costs_one_query(tmp_path: Path) -> None:
    store = open_store(tmp_path / "one.db")
    acme = saved(store)
    assert read_name(store, acme.id) == "Acme"
    seen = statements(store)
    assert read_name(store, acme.id) == "Acme"
    assert [s.split()[0] for s in seen] == ["BEGIN", "SELECT", "COMMIT"]
    assert "control" in seen[1]
    store.close()


def test_an_autocommitted_write_is_seen(tmp_path: Path) -> None:
    store = open_store(tmp_path / "one.db")
    acme = company("ACME")
    store.insert(acme)
    assert read_name(store, acme.id) == "Acme"
    store.update(Company(id=acme.id, code="ACME", name="Changed"))
    assert read_name(store, acme.id) == "Changed"
    store.close()


def test_the_cache_stays_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "MAX_ENTRIES", 3)
    store = open_store(tmp_path / "one.db")
    companies = [company(f"C{i}") for i in range(5)]
    with store.write():
        store.insert_many(companies)
    for c in companies:
        assert read_name(store, c.id) == c.name
        assert store._size <= 3
    store.close()


def test_a_writer_reads_unchanged_models_from_the_cache(tmp_path: Path) -> None:
    store = open_store(tmp_path / "one.db")
    acme = saved(store)
    assert read_name(store, acme.id) == "Acme"
    seen = statements(store)
    with store.write():
        store.get(Company, acme.id)
    assert [s.split()[0] for s in seen] == ["BEGIN", "SELECT", "COMMIT"]
    store.close()


def test_after_sync_a_request_reads_the_cache_without_a_round_trip(tmp_path: Path) -> None:
    """What a gateway request costs on a warm cache: nothing while the store is alone on its
    file (see ``core.store.readers``), SQLite's commit counter while another store is open."""
    store = open_store(tmp_path / "one.db")
    acme = saved(store)
    store.sync()
    assert read_name(store, acme.id) == "Acme"
    seen = statements(store)
    store.sync()
    assert read_name(store, acme.id) == "Acme"
    assert read_name(store, acme.id) == "Acme"
    assert seen == []
    other = open_store(tmp_path / "one.db")
    store.sync()
    assert read_name(store, acme.id) == "Acme"
    assert seen == ["PRAGMA data_version"]
    other.close()
    store.sync()  # the other store may have committed before it closed: asked once more
    store.sync()
    assert seen == ["PRAGMA data_version"] * 2
    store.close()


def test_sync_sees_what_another_connection_wrote(pair: tuple[Store, Store]) -> None:
    one, two = pair
    acme = saved(one)
    two.sync()
    assert read_name(two, acme.id) == "Acme"
    with one.write():
        one.update(Company(id=acme.id, code="ACME", name="Renamed"))
    assert read_name(two, acme.id) == "Acme"  # the request that began before the write
    two.sync()
    assert read_name(two, acme.id) == "Renamed"


def test_a_miss_after_sync_begins_and_checks_the_version_again(pair: tuple[Store, Store]) -> None:
    one, two = pair
    acme = saved(one)
    two.sync()
    assert read_name(two, acme.id) == "Acme"
    other = saved_company(one, "OTHER")
    with one.write():
        one.update(Company(id=acme.id, code="ACME", name="Renamed"))
    with two.read():
        assert two.get(Company, other.id) is not None  # a miss: the database, afresh
        assert two.get(Company, acme.id).name == "Renamed"


def saved_company(store: Store, code: str) -> Company:
    found = company(code)
    with store.write():
        store.insert(found)
    return found


def test_operating_state_changes_move_the_state_version(pair: tuple[Store, Store]) -> None:
    one, two = pair
    two.sync()
    before = two.state_version
    one.set_control("gateway.x", "1")
    assert one.state_version not in (None, before)
    two.sync()
    assert two.state_version == one.state_version


def test_a_nested_write_inside_a_trusting_read_begins_first(tmp_path: Path) -> None:
    store = open_store(tmp_path / "one.db")
    acme = saved(store)
    store.sync()
    with store.read():
        store.get(Company, acme.id)
        with store.write():
            store.update(Company(id=acme.id, code="ACME", name="Nested"))
    store.sync()
    assert read_name(store, acme.id) == "Nested"
    store.close()


def test_a_row_the_writer_updated_is_not_read_back(tmp_path: Path) -> None:
    """The updated row is remembered as stored; the model's other reads are asked again."""
    store = open_store(tmp_path / "one.db")
    acme = saved(store)
    with store.write():
        store.update(Company(id=acme.id, code="ACME", name="Changed"))
    seen = statements(store)
    assert read_name(store, acme.id) == "Changed"
    assert not any(s.startswith('SELECT "id"') for s in seen)
    with store.read():
        assert [c.name for c in store.find(Company)] == ["Changed"]
    assert any(s.startswith('SELECT "id"') for s in seen)
    store.close()


def test_an_updated_row_is_found_by_its_unique_number_without_a_query(tmp_path: Path) -> None:
    """A customer is found by its contact number (iService): after an update, that find is
    answered by the row as stored; a find by any other column still asks the database."""
    store = open_store(tmp_path / "one.db")
    acme = saved(store)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    walter = Customer(id=uuid.uuid4(), number=466, company_id=acme.id, created=now, updated=now)
    with store.write():
        store.insert(walter)
    with store.write():
        store.update(msgspec.structs.replace(walter, first_name="Walter"), before=walter)
    seen = statements(store)
    with store.read():
        assert [c.first_name for c in store.find(Customer, number=466)] == ["Walter"]
        assert store.find(Customer, number=467) == []
    (asked,) = [s for s in seen if "FROM customers" in s]  # 466 came from the cache
    assert '"number" = 467' in asked
    store.close()


def test_an_updated_row_is_cached_as_the_database_holds_it(tmp_path: Path) -> None:
    """A value of another type than its field's is stored in the column's type (SQLite
    converts it): such a row is not remembered, it is read back."""
    one, two = (open_store(tmp_path / "one.db") for _ in range(2))
    acme = saved(one)
    with one.write():
        one.update(Company(id=acme.id, code=1234, name="Typed"))  # type: ignore[arg-type]
    with one.read(), two.read():
        assert one.get(Company, acme.id) == two.get(Company, acme.id)
        assert one.get(Company, acme.id).code == "1234"
    one.close()
    two.close()


def update_then_fail(store: Store, acme: Company) -> None:
    """A nested write (a savepoint) that updates ``acme``, then fails."""
    with store.write():
        store.update(Company(id=acme.id, code="ACME", name="Undone"))
        store.insert(Company(id=acme.id, code="DUP", name="Dup"))


def test_an_update_undone_by_a_savepoint_is_not_cached(pair: tuple[Store, Store]) -> None:
    one, _ = pair
    acme = saved(one)
    with one.write(), pytest.raises(Conflict):
        update_then_fail(one, acme)
    assert read_name(one, acme.id) == "Acme"


def test_a_row_updated_then_deleted_is_not_cached(pair: tuple[Store, Store]) -> None:
    one, two = pair
    acme = saved(one)
    with one.write():
        one.update(Company(id=acme.id, code="ACME", name="Gone"))
        one.delete(Company, id=acme.id)
    assert read_name(one, acme.id) is None
    assert read_name(two, acme.id) is None


def test_an_update_of_a_missing_row_is_not_cached(pair: tuple[Store, Store]) -> None:
    one, _ = pair
    ghost = company("GHOST")
    with one.write():
        one.update(ghost)
    assert read_name(one, ghost.id) is None


def test_a_store_trusts_its_cache_after_sync_outside_transactions(tmp_path: Path) -> None:
    """``trusts_cache``: what a read begun now would do - trust the cache as of ``sync`` - so
    a memory tied to ``data_version`` may be read without one."""
    store = open_store(tmp_path / "one.db")
    assert not store.trusts_cache
    store.sync()
    assert store.trusts_cache
    with store.read():
        assert not store.trusts_cache
    with store.write():
        assert not store.trusts_cache
    assert store.trusts_cache
    store.close()


def test_a_derived_read_is_worked_out_once_while_its_rows_hold(pair: tuple[Store, Store]) -> None:
    """``find_derived`` remembers what it worked out with the model's reads: again on a
    write of that model here or by another connection, and afresh inside a transaction that
    changed the model (never from rows the database no longer holds)."""
    one, two = pair
    acme = saved(one)
    derived: list[list[str]] = []

    def names(rows: list[Company]) -> list[str]:
        derived.append([c.name for c in rows])
        return derived[-1]

    def read() -> list[str]:
        with one.read():
            return one.find_derived(Company, names, code="ACME")

    assert read() == read() == ["Acme"]
    assert len(derived) == 1
    with one.write():
        one.update(Company(id=acme.id, code="ACME", name="Changed"))
        assert one.find_derived(Company, names, code="ACME") == ["Changed"]
    assert read() == ["Changed"]
    with two.write():
        two.update(Company(id=acme.id, code="ACME", name="Elsewhere"))
    one.sync()
    assert read() == read() == ["Elsewhere"]
    assert len(derived) == 4  # Acme, Changed in and after the write, Elsewhere
    assert one.find_derived(Company, names, code="ACME") == ["Elsewhere"]  # no transaction
    with one.read():
        assert one.find_derived(Company, names, code=["ACME"]) == ["Elsewhere"]
