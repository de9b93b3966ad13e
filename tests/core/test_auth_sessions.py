from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import msgspec
import pytest

from core.errors import Unauthenticated
from core.models import Role, Session, User
from core.services import Core
from core.services.sessions import FOREVER, token_hash
from tests.helpers import JOHN_ID, FakeClock


def test_login_gives_the_principal_of_the_user(core: Core) -> None:
    p = core.auth.login("customer11@1to1service.com", "demo-customer")
    assert p.role is Role.CUSTOMER
    assert str(p.customer_id) == JOHN_ID
    assert core.auth.login(" ADMIN@demo.local ", "demo-admin").role is Role.ADMIN


@pytest.mark.parametrize(
    ("login", "password"),
    [("customer11@1to1service.com", "wrong"), ("nobody@demo.local", "demo-customer"), ("", "")],
)
def test_bad_credentials_are_refused_alike(core: Core, login: str, password: str) -> None:
    with pytest.raises(Unauthenticated) as err:
        core.auth.login(login, password)
    assert err.value.reason == "credentials"


def test_a_session_resolves_to_its_user_and_only_for_its_kind(core: Core) -> None:
    p = core.auth.login("jane@demo.local", "demo-jane")
    token = core.sessions.open(p, "iservice", idle_seconds=60)
    assert core.sessions.resolve(token, "iservice") == p
    with pytest.raises(Unauthenticated, match="not valid"):
        core.sessions.resolve(token, "other")
    with pytest.raises(Unauthenticated) as err:
        core.sessions.resolve(None, "iservice")
    assert err.value.reason == "missing"


def test_only_the_hash_of_a_token_is_stored(core: Core) -> None:
    p = core.auth.login("jane@demo.local", "demo-jane")
    token = core.sessions.open(p, "iservice")
    stored = core.store.find(Session)
    assert [s.token_hash for s in stored] == [token_hash(token)]
    assert token not in repr(stored)


def test_an_idle_session_expires_and_use_keeps_it_alive(core: Core, clock: FakeClock) -> None:
    p = core.auth.login("jane@demo.local", "demo-jane")
    token = core.sessions.open(p, "iservice", idle_seconds=600)
    for _ in range(5):
        clock.advance(seconds=500)
        core.sessions.resolve(token, "iservice")
    clock.advance(seconds=601)
    with pytest.raises(Unauthenticated) as err:
        core.sessions.resolve(token, "iservice")
    assert err.value.reason == "expired"
    assert core.store.count(Session) == 0


def test_a_session_with_a_lifetime_ends_however_busy(core: Core, clock: FakeClock) -> None:
    p = core.auth.login("jane@demo.local", "demo-jane")
    token = core.sessions.open(p, "crmcom", lifetime_seconds=3600)
    clock.advance(seconds=3599)
    core.sessions.resolve(token, "crmcom")
    clock.advance(seconds=1)
    with pytest.raises(Unauthenticated, match="expired"):
        core.sessions.resolve(token, "crmcom")


def test_a_session_says_until_when_resolving_it_writes_nothing(
    core: Core, clock: FakeClock
) -> None:
    """Until its idle timer is next written back (30 s, or a tenth of a short idle time), or
    its end, whichever is first; a session without either holds forever."""
    p = core.auth.login("jane@demo.local", "demo-jane")
    start = clock()
    idle = core.sessions.open(p, "a", idle_seconds=7200)
    assert core.sessions.resolve_until(idle, "a") == (p, start + timedelta(seconds=30))
    short = core.sessions.open(p, "a", idle_seconds=60)
    assert core.sessions.resolve_until(short, "a")[1] == start + timedelta(seconds=6)
    ending = core.sessions.open(p, "a", lifetime_seconds=10, idle_seconds=7200)
    assert core.sessions.resolve_until(ending, "a")[1] == start + timedelta(seconds=10)
    forever = core.sessions.open(p, "a")
    assert core.sessions.resolve_until(forever, "a")[1] == FOREVER
    clock.advance(seconds=40)
    assert core.sessions.resolve_until(idle, "a")[1] == clock() + timedelta(seconds=30)


def test_closing_a_session(core: Core) -> None:
    p = core.auth.login("jane@demo.local", "demo-jane")
    token = core.sessions.open(p, "iservice")
    assert core.sessions.close(token, "iservice")
    assert not core.sessions.close(token, "iservice")
    assert not core.sessions.close(None, "iservice")
    with pytest.raises(Unauthenticated):
        core.sessions.resolve(token, "iservice")


def test_principal_by_user_id(core: Core) -> None:
    jane = core.auth.login("jane@demo.local", "demo-jane")
    assert core.auth.principal(jane.user_id) == jane
    with pytest.raises(Unauthenticated):
        core.auth.principal(uuid.uuid4())


@pytest.fixture
def asked(core: Core, monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, ...]]:
    """The arguments of every ``store.get`` from here on: what the store was asked."""
    calls: list[tuple[object, ...]] = []
    real_get = core.store.get

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return real_get(*args, **kwargs)

    monkeypatch.setattr(core.store, "get", counting)
    return calls


def test_a_resolved_session_is_remembered_until_the_data_changes(
    core: Core, asked: list[tuple[object, ...]]
) -> None:
    """The verified-token cache: a second resolve asks the store nothing; a sign-out is a
    write, so the very next resolve refuses the token."""
    principal = core.auth.login("jane@demo.local", "demo-jane")
    token = core.sessions.open(principal, "web")
    core.store.sync()
    assert core.sessions.resolve(token, "web") == principal
    asked.clear()
    core.store.sync()
    assert core.sessions.resolve(token, "web") == principal
    assert asked == []
    assert core.sessions.close(token, "web")
    core.store.sync()
    with pytest.raises(Unauthenticated):
        core.sessions.resolve(token, "web")


def test_a_remembered_session_outlives_a_customer_update(
    core: Core, asked: list[tuple[object, ...]]
) -> None:
    """A write of other models (a profile saved) does not make the session be looked up
    again; a write of users does."""
    from core.services.customers import CustomerPatch

    principal = core.auth.login("jane@demo.local", "demo-jane")
    token = core.sessions.open(principal, "web")
    core.store.sync()
    assert core.sessions.resolve(token, "web") == principal
    admin = core.auth.login("admin@demo.local", "demo-admin")
    core.customers.save(admin, CustomerPatch(phone="+46 1"), number=466)
    user = core.store.get(User, principal.user_id)
    asked.clear()
    core.store.sync()
    assert core.sessions.resolve(token, "web") == principal
    assert asked == []
    with core.store.write():
        core.store.update(msgspec.structs.replace(user, display_name="Jane D."))
    core.store.sync()
    assert core.sessions.resolve(token, "web").display_name == "Jane D."
    assert [a[0] for a in asked] == [Session, User]


def test_remembered_tokens_stay_bounded(core: Core, monkeypatch: pytest.MonkeyPatch) -> None:
    from core.services import tokens

    monkeypatch.setattr(tokens, "MAX_TOKENS", 2)
    core.store.sync()
    with core.store.read():
        for i in range(5):
            core.tokens.put(("t", i), i)
        assert len(core.tokens._known) <= 2
        assert core.tokens.get(("t", 4)) == 4


def test_nothing_is_remembered_before_the_data_has_a_version() -> None:
    from core.services.tokens import VerifiedTokens
    from core.store import open_store

    store = open_store(":memory:")
    remembered = VerifiedTokens(store)
    remembered.put("k", 1)
    assert remembered.get("k") is None
    store.close()


def test_tokens_go_with_a_session_or_user_write_by_another_process(tmp_path: Path) -> None:
    """Two processes on one database: a customer written by the other keeps this one's
    verified tokens, a session (a sign-out) or user written by it drops them."""
    from core.models import Company
    from core.services.tokens import VerifiedTokens
    from core.store import open_store

    here, there = (open_store(tmp_path / "shared.db") for _ in range(2))
    with there.write():
        there.insert(Company(id=uuid.uuid4(), code="A", name="A"))
    remembered = VerifiedTokens(here)

    def after_sync() -> object:
        here.sync()
        with here.read():
            return remembered.get("token")

    here.sync()
    with here.read():
        remembered.put("token", "principal")
    with there.write():
        there.insert(Company(id=uuid.uuid4(), code="B", name="B"))
    assert after_sync() == "principal"
    for model in (Session, User):
        with there.write():
            there.delete(model)  # none stored: the write still changes the model's version
        assert after_sync() is None
        with here.read():
            remembered.put("token", "principal")
    here.close()
    there.close()
