"""SocialService: the caller's own accounts, matching on save, and like events as messages."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from core.errors import Conflict, Forbidden, LimitExceeded, ValidationFailed
from core.models import CustomerEvent, LikedMessage, Principal, SocialAccount
from core.services import Core
from core.services.social import (
    MAX_LIKED_MESSAGES,
    NewLikedMessage,
    SocialAccountInput,
)
from core.store import open_store
from core.store.migrations import MIGRATIONS
from tests.helpers import JANE_ID, JOHN_ID, PASSWORDS

JOHN_FB = uuid.UUID("fb000000-0000-4000-8000-000000000466")
WHEN = datetime(2026, 2, 4, 3, 11, 32, 734198, tzinfo=timezone(timedelta(hours=2)))
UNIT = "A1B2C3D4E5F60718293A4B5C6D7E8F90"
DEMO_COMPANY = uuid.UUID("0d3e0000-0000-4000-8000-000000000001")


def login(core: Core, user: str = "customer11@1to1service.com") -> Principal:
    return core.auth.login(user, PASSWORDS[user])


def account(**fields: object) -> SocialAccountInput:
    values: dict[str, object] = {
        "provider": "Twitter",
        "external_id": "jd",
        "last_connection_date": WHEN,
        "last_connection_date_100ns": 1,
        "access_token": "tok-9",
        "liked_messages": [NewLikedMessage(text="hi", date=WHEN, date_100ns=1)],
    }
    values.update(fields)
    return SocialAccountInput(**values)  # type: ignore[arg-type]


def like_event(core: Core, customer: str = JOHN_ID, **fields: object) -> CustomerEvent:
    values: dict[str, object] = {
        "id": uuid.uuid4().hex.upper(),
        "number": core.store.next_value("test-events"),
        "company_id": DEMO_COMPANY,
        "customer_id": uuid.UUID(customer),
        "kind": "social_media",
        "unit_id": UNIT,
        "performed_on": datetime(2016, 6, 22, 15, 0, tzinfo=UTC),
        "social_media": "FACEBOOK",
        "profile": "www.facebook.com/polina",
        "action": "LIKE",
        "created": datetime(2026, 1, 1, tzinfo=UTC),
    }
    values.update(fields)
    event = CustomerEvent(**values)  # type: ignore[arg-type]
    with core.store.write():
        core.store.insert(event)
    return event


def test_a_new_account_keeps_every_value_to_the_100_ns(core: Core) -> None:
    wanted = uuid.uuid4()
    saved = core.social.save(login(core), account(id=wanted, customer_id=uuid.UUID(JOHN_ID)))
    assert saved.account.id == wanted
    again = next(v for v in core.social.list(login(core)) if v.account.id == wanted)
    assert again.account == saved.account
    assert again.account.last_connection_date == WHEN
    assert again.account.last_connection_date_100ns == 1
    assert again.account.access_token == "tok-9"
    assert [(m.text, m.date, m.date_100ns) for m in again.liked_messages] == [("hi", WHEN, 1)]


def test_an_account_without_id_gets_a_new_one(core: Core) -> None:
    first = core.social.save(login(core), account())
    second = core.social.save(login(core), account(external_id="other"))
    assert first.account.id != second.account.id
    assert first.account.customer_id == uuid.UUID(JOHN_ID)


def test_saving_the_same_provider_and_external_id_updates(core: Core) -> None:
    first = core.social.save(login(core), account(followers=1))
    second = core.social.save(login(core), account(id=uuid.uuid4(), followers=2, liked_messages=[]))
    assert second.account.id == first.account.id
    assert second.account.followers == 2
    assert second.liked_messages == []
    assert core.store.count(LikedMessage, social_account_id=first.account.id) == 0


def test_an_account_saved_back_unchanged_costs_no_statement(
    core: Core, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = core.social.save(login(core), account())
    written: list[str] = []
    for name in ("insert", "insert_many", "update", "delete"):
        monkeypatch.setattr(core.store, name, lambda *a, n=name, **k: written.append(n))
    again = core.social.save(login(core), account())
    assert written == []
    assert again == first
    same_instant = WHEN.astimezone(UTC)  # equal as an instant, not as what is shown
    core.social.save(login(core), account(last_connection_date=same_instant))
    core.social.save(login(core), account(liked_messages=[NewLikedMessage(text="hi")]))
    assert written == ["update", "delete", "insert_many"]


def test_an_own_id_wins_over_provider_and_external_id(core: Core) -> None:
    moved = core.social.save(login(core), account(id=JOHN_FB, provider="Facebook"))
    assert moved.account.id == JOHN_FB
    assert moved.account.external_id == "jd"
    assert core.store.count(SocialAccount, customer_id=uuid.UUID(JOHN_ID)) == 1


def test_another_customers_account_id_is_a_conflict(core: Core) -> None:
    with pytest.raises(Conflict):
        core.social.save(login(core, "jane@demo.local"), account(id=JOHN_FB))


def test_another_customer_id_is_refused(core: Core) -> None:
    with pytest.raises(ValidationFailed) as caught:
        core.social.save(login(core), account(customer_id=uuid.UUID(JANE_ID)))
    assert [(e.field, e.code) for e in caught.value.errors] == [("customer_id", "invalid")]


def test_staff_have_no_social_accounts_of_their_own(core: Core) -> None:
    with pytest.raises(Forbidden):
        core.social.save(login(core, "admin@demo.local"), account())
    with pytest.raises(Forbidden):
        core.social.list(login(core, "agent@demo.local"))


def test_bad_values_are_refused_together(core: Core) -> None:
    bad = account(
        provider=" ",
        last_sync_date_100ns=10,
        liked_messages=[NewLikedMessage(date_100ns=-1)],
    )
    with pytest.raises(ValidationFailed) as caught:
        core.social.save(login(core), bad)
    assert [e.field for e in caught.value.errors] == [
        "provider",
        "last_sync_date",
        "liked_messages[0].date",
    ]


def test_too_many_liked_messages_are_refused(core: Core) -> None:
    many = [NewLikedMessage(text=str(n)) for n in range(MAX_LIKED_MESSAGES + 1)]
    with pytest.raises(LimitExceeded):
        core.social.save(login(core), account(liked_messages=many))


def test_accounts_are_listed_by_provider_then_external_id(core: Core) -> None:
    core.social.save(login(core), account(external_id="b"))
    core.social.save(login(core), account(external_id="a"))
    listed = [(v.account.provider, v.account.external_id) for v in core.social.list(login(core))]
    assert listed == [("Facebook", "john.deer"), ("Twitter", "a"), ("Twitter", "b")]
    assert [v.account.provider for v in core.social.list(login(core, "jane@demo.local"))] == []


def test_like_events_show_on_the_facebook_account(core: Core) -> None:
    later = like_event(core, description="Liked the spring offer")
    earlier = like_event(core, performed_on=datetime(2015, 1, 1, tzinfo=UTC))
    like_event(core, action="SHARE")
    like_event(core, social_media="TWITTER")
    like_event(core, customer=JANE_ID)
    core.social.save(login(core), account())
    views = {v.account.provider: v for v in core.social.list(login(core))}
    facebook = views["Facebook"].liked_messages
    assert [(m.text, m.date, m.position) for m in facebook] == [
        ("www.facebook.com/polina", earlier.performed_on, 0),
        ("Liked the spring offer", later.performed_on, 1),
    ]
    assert all(m.social_account_id == JOHN_FB for m in facebook)
    assert [m.text for m in views["Twitter"].liked_messages] == ["hi"]


def test_a_saved_back_event_shows_once(core: Core) -> None:
    event = like_event(core, description="Liked it")
    read = core.social.list(login(core))[0]
    echoed = [NewLikedMessage(text=m.text, date=m.date) for m in read.liked_messages]
    saved = core.social.save(
        login(core), account(id=JOHN_FB, provider="Facebook", liked_messages=echoed)
    )
    assert [(m.text, m.date) for m in saved.liked_messages] == [("Liked it", event.performed_on)]


def test_events_wait_for_a_facebook_account(core: Core) -> None:
    like_event(core, customer=JANE_ID)
    jane = login(core, "jane@demo.local")
    assert core.social.save(jane, account()).liked_messages[0].text == "hi"
    facebook = core.social.save(jane, account(provider="Facebook", liked_messages=[]))
    assert [m.text for m in facebook.liked_messages] == ["www.facebook.com/polina"]


def test_a_version_1_database_migrates_and_keeps_its_accounts(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0])
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO companies VALUES (?, 'DEMO', 'Demo')", [str(DEMO_COMPANY)])
    conn.execute(
        "INSERT INTO customers (id, number, company_id, created, updated) VALUES (?, 1, ?, ?, ?)",
        [JOHN_ID, str(DEMO_COMPANY), "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z"],
    )
    conn.execute(
        "INSERT INTO social_accounts (id, customer_id, provider, last_sync_date) "
        "VALUES (?, ?, 'Facebook', '2024-01-01T00:00:00.1234560Z')",
        [str(JOHN_FB), JOHN_ID],
    )
    conn.execute(
        "INSERT INTO liked_messages VALUES (?, 0, 'old', '2024-01-01T00:00:00Z')", [str(JOHN_FB)]
    )
    conn.commit()
    conn.close()
    store = open_store(path)
    found = store.get(SocialAccount, JOHN_FB)
    assert found is not None
    assert found.last_sync_date == datetime(2024, 1, 1, 0, 0, 0, 123456, tzinfo=UTC)
    assert (found.last_sync_date_100ns, found.last_connection_date_100ns) == (0, 0)
    assert store.find(LikedMessage)[0].date_100ns == 0
    store.close()
