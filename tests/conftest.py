"""Suite-wide fixtures: a fresh store of each kind (SQLite in memory, PostgreSQL) per test, the
demo data on it, a fake clock, an app and its test client."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings
from starlette.testclient import TestClient

from core.services import Core
from core.services.keys import KEY_ENV
from core.store import Store, board, open_store
from core.store.postgres import PostgresStore
from gateway.app import create_app
from gateway.config import Config
from tests.helpers import DEMO, FakeClock
from tests.postgres import Postgres, PostgresUnavailable

pytest_plugins = ["gateway.pytest_plugin", "pytester"]

#: The store implementations every store-level test runs against.
STORES = ("sqlite", "postgresql")

# CI machines are small and shared: no per-example deadline, a fixed example budget.
settings.register_profile(
    "crmgate",
    deadline=None,
    max_examples=200,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("crmgate")
# ``make check`` (the fast loop) asks for this one with ``--hypothesis-profile=check``: the same
# properties on a tenth of the examples; ``make test`` (what CI runs) keeps the full budget.
settings.register_profile("check", parent=settings.get_profile("crmgate"), max_examples=20)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that needs a PostgreSQL cluster is ``slow`` (``make check`` leaves it out), like
    one that starts a real server: by the fixture it asks for or the store it is run against."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        params = list(callspec.params.values()) if callspec is not None else []
        if "postgres_dsn" in getattr(item, "fixturenames", ()) or "postgresql" in params:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def postgres_dsn() -> Iterator[str]:
    """One throwaway PostgreSQL server per test session (skips when none can start)."""
    try:
        server = Postgres()
        dsn = server.start()
    except PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL store not tested here: {exc}")
    yield dsn
    server.stop()


@pytest.fixture(autouse=True)
def postgres_signing_key(request: pytest.FixtureRequest) -> Iterator[None]:
    """A PostgreSQL store needs its signing key from outside the data, as an operator's does.
    Not the ``monkeypatch`` fixture: a test's own patches must be undone before its fixtures'
    teardown, which they would not be if this fixture made ``monkeypatch`` first."""
    callspec = getattr(request.node, "callspec", None)
    params = list(callspec.params.values()) if callspec is not None else []
    if "postgres_dsn" not in request.fixturenames and "postgresql" not in params:
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(KEY_ENV, "the test suite's PostgreSQL signing key")
        yield


@pytest.fixture(autouse=True)
def short_lease() -> Iterator[None]:
    """The commit board's lease (``core.store.board``) of the stores a test makes in this
    process: short, so a new store's first write is held for little (every store here shares
    it, as every process of a fleet must); the board's own tests set theirs."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(board, "LEASE_SECONDS", 0.05)
        yield


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """An empty, migrated store of each kind; a PostgreSQL one lives in its own schema."""
    if request.param == "sqlite":
        store = open_store(":memory:")
        yield store
        store.close()
        return
    dsn = request.getfixturevalue("postgres_dsn")
    store = PostgresStore(dsn, schema=f"t_{uuid.uuid4().hex}")
    yield store
    store.drop()
    store.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def core(store: Store, clock: FakeClock) -> Core:
    """The demo data on each store kind: every dialect contract runs on SQLite and PostgreSQL."""
    core = Core(store, clock=clock)
    core.fixtures.load(DEMO, source="demo")
    return core


@pytest.fixture
def config() -> Config:
    return Config(db=":memory:", admin_token="test-admin-token")


@pytest.fixture
def client(core: Core, config: Config) -> Iterator[TestClient]:
    with TestClient(create_app(config, core=core)) as client:
        yield client
