from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from core.errors import Forbidden, NotFound
from core.models import Customer
from core.services import Core
from core.store import open_store
from tests.helpers import DEMO, JANE_ID, JOHN_ID, OLGA_ID, WALTER_ID, FakeClock

ERIK_ID = uuid.UUID("e71c5a2b-0f3d-4b6e-8a9c-1d2e3f4a5b6c")


def test_links_of_a_contact_both_directions(core: Core) -> None:
    admin = core.auth.login("admin@demo.local", "demo-admin")
    john = core.links.links(admin, uuid.UUID(JOHN_ID))
    assert [r.role.name for r in john.roles] == ["Member"]
    assert [(c.other_contact.first_name, c.connection.active) for c in john.connections] == [
        ("Jane", True),
        ("Erik", False),
    ]
    assert [e.email for e in john.address_book] == ["jane@demo.local", "erik@demo.local"]
    jane = core.links.links(admin, uuid.UUID(JANE_ID))
    assert [c.other_contact.first_name for c in jane.connections] == ["John"]
    assert core.links.links(admin, uuid.UUID(WALTER_ID)).connections == []


def test_roles_that_ended_are_left_out(core: Core, clock: FakeClock) -> None:
    admin = core.auth.login("admin@demo.local", "demo-admin")
    assert len(core.links.links(admin, ERIK_ID).roles) == 1
    clock.advance(days=3 * 365)
    assert core.links.links(admin, ERIK_ID).roles == []


def test_links_say_when_they_change_by_time_alone(core: Core, clock: FakeClock) -> None:
    admin = core.auth.login("admin@demo.local", "demo-admin")
    ending = core.links.links(admin, ERIK_ID).changes_at
    assert ending is not None
    assert ending.isoformat() == "2027-04-05T00:00:00+00:00"
    assert core.links.links(admin, uuid.UUID(JOHN_ID)).changes_at is None
    clock.advance(days=3 * 365)
    assert core.links.links(admin, ERIK_ID).changes_at is None


def test_links_are_remembered_per_caller_until_the_data_changes(core: Core) -> None:
    admin = core.auth.login("admin@demo.local", "demo-admin")
    jane = core.auth.login("jane@demo.local", "demo-jane")
    first = core.links.links(admin, uuid.UUID(JOHN_ID))
    assert core.links.links(admin, uuid.UUID(JOHN_ID)) is first
    with pytest.raises(Forbidden):
        core.links.links(jane, uuid.UUID(JOHN_ID))
    with core.store.write():
        erik = core.store.get(Customer, ERIK_ID)
        erik.first_name = "Eric"
        core.store.update(erik)
    again = core.links.links(admin, uuid.UUID(JOHN_ID))
    assert [c.other_contact.first_name for c in again.connections] == ["Jane", "Eric"]


def test_links_follow_the_policy(core: Core) -> None:
    jane = core.auth.login("jane@demo.local", "demo-jane")
    with pytest.raises(Forbidden):
        core.links.links(jane, uuid.UUID(JOHN_ID))
    with pytest.raises(NotFound):
        core.links.links(jane, uuid.UUID(OLGA_ID))
    with pytest.raises(NotFound):
        core.links.links(jane, uuid.uuid4())


def test_remembered_links_are_read_without_a_transaction_after_sync(
    tmp_path: Path, clock: FakeClock
) -> None:
    """Once the store trusts its cache (a request synced it), remembered links cost no read
    transaction; another connection's write is seen at the next sync, a role's end at once."""
    one, two = (Core(open_store(tmp_path / "shared.db"), clock=clock) for _ in range(2))
    one.fixtures.load(DEMO, source="demo")
    admin = one.auth.login("admin@demo.local", "demo-admin")
    one.store.sync()
    john = uuid.UUID(JOHN_ID)
    first = one.links.links(admin, john)
    reads = []
    real_read = one.store.read
    one.store.read = lambda: reads.append(1) or real_read()  # type: ignore[method-assign]
    assert one.links.links(admin, john) is first
    assert reads == []
    with two.store.write():
        erik = two.store.get(Customer, ERIK_ID)
        erik.first_name = "Eric"
        two.store.update(erik)
    assert one.links.links(admin, john) is first  # the request that began before the write
    one.store.sync()
    book = one.links.links(admin, john).address_book
    assert [e.name for e in book] == ["Jane Roe", "Eric Svensson"]
    ending = one.links.links(admin, ERIK_ID)
    assert ending.changes_at is not None
    reads.clear()
    clock.now = ending.changes_at
    assert one.links.links(admin, ERIK_ID).roles == []
    assert reads == [1]
    for core in (one, two):
        core.store.close()
