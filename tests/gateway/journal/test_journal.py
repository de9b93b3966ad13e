from __future__ import annotations

import asyncio
import gc
import logging
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.services import Core
from core.store import Store, StoreUnavailable, open_store
from core.store.postgres import PostgresStore
from gateway.app import create_app, create_app_from_env
from gateway.config import Config
from gateway.exchange import Exchange, Route
from gateway.journal import (
    Captured,
    Journal,
    MemoryJournal,
    RequestFilter,
    SharedJournal,
    open_journal,
)
from gateway.journal.shared import LOOK_SECONDS, PAGE, RETRY_SECONDS
from gateway.state import state_of
from tests.golden import golden
from tests.helpers import PASSWORDS

AUTH = {"Authorization": "Bearer t"}
LOGIN = "/iservice/f/webapp-api-login?api=login"
CUSTINFO = "/iservice/f/webapp-api-custinfo"


@pytest.fixture
def small(core: Core) -> Iterator[TestClient]:
    config = Config(db=":memory:", admin_token="t", journal_entries=25, journal_body_chars=200)
    with TestClient(create_app(config, core=core)) as client:
        yield client


def journal(client: TestClient, **filters: str) -> dict:
    response = client.get("/__admin/requests", params=filters, headers=AUTH)
    assert response.status_code == 200
    return response.json()


def test_every_dialect_request_is_journaled_newest_first(small: TestClient) -> None:
    small.post(LOGIN, json={"emailAddress": "jane@demo.local", "password": "demo-jane"})
    small.get(f"{CUSTINFO}?api=getdetails&contactID=467", headers={"X-Request-Id": "r-2"})
    small.get("/__admin/health", headers=AUTH)
    body = journal(small)
    assert body["total"] == 2
    newest, oldest = body["requests"]
    assert (newest["request_id"], newest["method"], newest["status"]) == ("r-2", "GET", 200)
    assert newest["path"] == "/iservice/f/webapp-api-custinfo"
    assert newest["query"] == "api=getdetails&contactID=467"
    assert newest["dialect"] == "iservice"
    assert newest["response_body"].startswith('{"errors":[],"errorDetails":[],"contactID":467')
    assert oldest["request_body"] == '{"emailAddress":"jane@demo.local","password":"***"}'
    assert newest["duration_ms"] >= 0


def test_a_capture_holds_no_reference_cycle_and_is_not_tracked(small: TestClient) -> None:
    """What the hot path keeps per request costs the garbage collector nothing: its headers
    are tuples (a list could join a cycle the collector would never see)."""
    journal = small.app.state.admin.journal  # type: ignore[attr-defined]
    kept: list[Captured] = []
    add = journal.add
    journal.add = lambda c: (kept.append(c), add(c))
    small.get(f"{CUSTINFO}?api=getdetails&contactID=467")
    (captured,) = kept
    assert not gc.is_tracked(captured)
    assert type(captured.request_headers) is tuple
    assert type(captured.response_headers) is tuple
    assert (b"host", b"testserver") in captured.request_headers


def test_filters(small: TestClient) -> None:
    small.get(f"{CUSTINFO}?api=getdetails&contactID=467")
    small.post(LOGIN, json={"emailAddress": "x", "password": "y"})
    small.get("/iservice/f/nowhere")
    assert [r["status"] for r in journal(small, status="404")["requests"]] == [404]
    assert [r["method"] for r in journal(small, method="post")["requests"]] == ["POST"]
    assert len(journal(small, path="/iservice/f/webapp-api-*")["requests"]) == 2
    assert journal(small, dialect="nope")["requests"] == []
    assert len(journal(small, limit="1")["requests"]) == 1
    assert journal(small, since="2999-01-01T00:00:00Z")["requests"] == []
    bad = small.get("/__admin/requests", params={"status": "many"}, headers=AUTH)
    assert bad.status_code == 400


def test_the_journal_stays_within_its_bound_and_cuts_bodies(small: TestClient) -> None:
    big = {"emailAddress": "x" * 5000, "password": "p"}
    for _ in range(60):
        small.post(LOGIN, json=big)
    body = journal(small, limit="1000")
    assert body["total"] == 25
    assert len(body["requests"]) == 25
    cut = body["requests"][0]["request_body"]
    assert cut.endswith("more]")
    assert len(cut) < 260


def test_no_demo_secret_ever_reaches_the_journal(small: TestClient) -> None:
    tokens = []
    for user, password in PASSWORDS.items():
        small.cookies.clear()
        response = small.post(LOGIN, json={"emailAddress": user, "password": password})
        tokens.append(response.cookies["sessionID"])
        small.post(LOGIN, data={"emailAddress": user, "password": password})
        small.get(f"{CUSTINFO}?api=getdetails&contactID=466&password={password}")
        small.post(f"{CUSTINFO}?api=setdetails", content=golden("003/setdetails-request.json"))
    dump = small.get("/__admin/requests?limit=1000", headers=AUTH).text
    for secret in [*PASSWORDS.values(), *tokens]:
        assert secret not in dump


def test_clearing_the_journal(small: TestClient) -> None:
    small.get(f"{CUSTINFO}?api=getdetails&contactID=467")
    assert small.delete("/__admin/requests", headers=AUTH).json() == {"deleted": 1}
    assert journal(small)["total"] == 0


def test_ids_keep_rising_after_a_clear(small: TestClient) -> None:
    small.get(f"{CUSTINFO}?api=getdetails&contactID=467")
    first = journal(small)["requests"][0]["id"]
    small.delete("/__admin/requests", headers=AUTH)
    small.get(f"{CUSTINFO}?api=getdetails&contactID=467")
    assert journal(small)["requests"][0]["id"] == first + 1


def test_a_filter_looks_past_the_first_page(core: Core) -> None:
    config = Config(db=":memory:", admin_token="t", journal_entries=PAGE + 50)
    with TestClient(create_app(config, core=core)) as client:
        client.get(f"{CUSTINFO}?api=getdetails&contactID=467", headers={"X-Request-Id": "old"})
        for _ in range(PAGE + 10):
            client.get("/iservice/f/webapp-api-login?api=loggedin")
        assert [r["request_id"] for r in journal(client, path=CUSTINFO)["requests"]] == ["old"]
        assert len(journal(client, path="*-login", limit="5")["requests"]) == 5
        assert len(journal(client, status="200", limit="1000")["requests"]) == PAGE + 11
        assert journal(client, limit="0")["requests"] == []


def test_sandboxed_requests_are_journaled_and_only_a_main_reset_clears(small: TestClient) -> None:
    box = small.post("/__admin/sandboxes", headers=AUTH).json()["id"]
    small.get(f"{CUSTINFO}?api=getdetails&contactID=467", headers={"X-Crmgate-Sandbox": box})
    entry = journal(small)["requests"][0]
    assert (entry["sandbox"], entry["request_headers"]["x-crmgate-sandbox"]) == (box, box)
    sandbox_reset = small.post("/__admin/reset", headers=AUTH | {"X-Crmgate-Sandbox": box})
    assert sandbox_reset.status_code == 200
    assert journal(small)["total"] == 1
    assert small.post("/__admin/reset", headers=AUTH).status_code == 200
    assert journal(small)["total"] == 0


@pytest.fixture
def shared_sqlite(tmp_path: Path) -> Iterator[list[TestClient]]:
    """Two gateways on one SQLite file, not told they are alone: what workers are."""
    config = Config(db=str(tmp_path / "shared.db"), admin_token="t", journal_entries=5)
    with TestClient(create_app(config)) as one, TestClient(create_app(config)) as two:
        yield [one, two]


def test_gateways_on_one_database_share_one_journal(shared_sqlite: list[TestClient]) -> None:
    """Each gateway commits its entries in batches: across gateways the journal's order is
    the order of their commits, and every gateway reads the same journal."""
    one, two = shared_sqlite
    for i in range(7):
        (one, two)[i % 2].get(
            f"{CUSTINFO}?api=getdetails&contactID=1", headers={"X-Request-Id": f"r{i}"}
        )
    seen = [journal(client) for client in (one, two)]
    assert seen[0] == seen[1]
    assert seen[0]["total"] == 5
    ids = [r["id"] for r in seen[0]["requests"]]
    assert ids == sorted(ids, reverse=True)
    assert {r["request_id"] for r in seen[0]["requests"]} <= {f"r{i}" for i in range(7)}
    assert two.delete("/__admin/requests", headers=AUTH).json() == {"deleted": 5}
    assert journal(one)["total"] == 0


def test_where_the_journal_lives(tmp_path: Path, store: Store) -> None:
    on_file = open_store(tmp_path / "file.db")
    try:
        assert isinstance(open_journal(state_of(on_file), processes=1), MemoryJournal)
        assert isinstance(open_journal(state_of(on_file), processes=2), SharedJournal)
        assert isinstance(open_journal(state_of(on_file), processes=None), SharedJournal)
    finally:
        on_file.close()
    shared = isinstance(store, PostgresStore)  # the fixture's SQLite store is :memory:
    for processes in (None, 1):
        found = open_journal(state_of(store), processes=processes)
        assert isinstance(found, SharedJournal) is shared


def _captured(n: int, *, sandbox: str | None = None) -> Captured:
    return Captured(
        datetime(2026, 11, 23, tzinfo=UTC).timestamp(),
        f"r{n}",
        "iservice",
        sandbox,
        "GET",
        "/iservice/f/x",
        b"",
        200,
        0.001,
        (),
        b"",
        (),
        b"",
    )


@pytest.mark.parametrize("kind", ["memory", "shared"])
def test_one_entry_by_id_and_only_what_is_newer(store: Store, kind: str) -> None:
    """Across pages of the store's log: ``after`` stops the read where the entries get old."""
    journal_: Journal = (
        MemoryJournal(PAGE * 3) if kind == "memory" else SharedJournal(state_of(store), PAGE * 3)
    )
    for n in range(PAGE + 20):
        journal_.add(_captured(n, sandbox="box" if n % 2 else None))
    asyncio.run(journal_.settle())
    ids = [e.id for e in journal_.query(RequestFilter(limit=PAGE * 3))]
    oldest, newest = ids[-1], ids[0]
    assert journal_.get(oldest).request_id == "r0"
    assert journal_.get(newest).request_id == f"r{PAGE + 19}"
    assert journal_.get(newest + 1) is None
    assert journal_.get(0) is None
    assert journal_.get(2**63) is None
    newer = journal_.query(RequestFilter(after=oldest + 4, limit=PAGE * 3))
    assert [e.request_id for e in newer][-1] == "r5"
    assert len(newer) == PAGE + 15
    boxed = journal_.query(RequestFilter(after=oldest + 4, sandbox="box", limit=PAGE * 3))
    assert [e.request_id for e in boxed][-3:] == ["r9", "r7", "r5"]
    assert journal_.query(RequestFilter(after=newest)) == []


def test_the_workers_factory_asks_the_cli_how_many_processes_serve(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = str(tmp_path / "env.db")
    monkeypatch.setenv("CRMGATE_CONFIG", Config(db=db).to_env())
    with TestClient(create_app_from_env()) as unknown:
        assert isinstance(unknown.app.state.admin.journal, SharedJournal)
    monkeypatch.setenv("CRMGATE_CONFIG", Config(db=db, processes=1).to_env())
    with TestClient(create_app_from_env()) as alone:
        assert isinstance(alone.app.state.admin.journal, MemoryJournal)


def _gateway_with(core: Core, app: ASGIApp, **config: int) -> Exchange:
    """The gateway with ``app`` answering the iService dialect's requests."""
    gateway = create_app(Config(db=":memory:", **config), core=core)
    route = gateway.prefixes["/iservice"]
    gateway.prefixes["/iservice"] = Route(route.dialect, app)
    return gateway


def test_bodies_are_kept_up_to_their_bound_while_streaming(core: Core) -> None:
    chunks = [{"type": "http.request", "body": b"x" * 20, "more_body": True}]
    chunks += [{"type": "http.request", "body": b"y" * 20}, {"type": "http.disconnect"}]

    async def receive() -> Message:
        return chunks.pop(0)

    async def echo(scope: Scope, receive: Receive, send: Send) -> None:
        while (await receive())["type"] == "http.request":
            pass
        await send({"type": "http.response.start", "status": 201})
        await send({"type": "http.response.body", "body": b"a" * 20, "more_body": True})
        await send({"type": "http.response.body", "body": b"b" * 20, "more_body": True})
        await send({"type": "http.response.trailers", "headers": []})
        await send({"type": "http.response.body", "body": b"c"})

    async def send(message: Message) -> None:
        pass

    gateway = _gateway_with(core, echo, journal_body_chars=3)
    asyncio.run(gateway(_scope(), receive, send))
    (entry,) = _entries(gateway)
    assert (entry.status, entry.request_body, entry.response_body) == (
        201,
        "xxx... [13 more]",
        "aaa... [13 more]",
    )


def _entries(gateway: Exchange) -> list:
    """What an admin read sees: settle first (a shared journal flushes), then query."""
    asyncio.run(gateway.journal.settle())
    return gateway.journal.query(RequestFilter())


def _streaming(chunks: list[bytes]) -> ASGIApp:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for i, chunk in enumerate(chunks):
            more = i < len(chunks) - 1
            await send({"type": "http.response.body", "body": chunk, "more_body": more})

    return app


def _scope(path: str = "/iservice/x") -> Scope:
    return {"type": "http", "method": "GET", "path": path, "headers": [], "query_string": b""}


async def _nothing() -> Message:
    return {"type": "http.disconnect"}


def test_a_crash_after_the_answer_began_is_journaled_once(core: Core) -> None:
    async def crash(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise RuntimeError("boom")

    async def send(message: Message) -> None:
        pass

    gateway = _gateway_with(core, crash)
    with pytest.raises(RuntimeError):
        asyncio.run(gateway(_scope(), _nothing, send))
    assert [e.status for e in _entries(gateway)] == [200]


def test_a_crash_before_the_answer_is_a_vendor_500_journaled_once(core: Core) -> None:
    async def crash(scope: Scope, receive: Receive, send: Send) -> None:
        raise RuntimeError("boom")

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    gateway = _gateway_with(core, crash)
    asyncio.run(gateway(_scope(), _nothing, send))
    assert sent[0]["status"] == 500
    assert [e.status for e in _entries(gateway)] == [500]


class _BrokenState:
    """A state store whose log cannot be written."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)

    def log_append_many(self, log: str, records: list[str], keep: int) -> list[int]:
        raise OSError("disk full")


def test_a_journal_that_cannot_write_never_breaks_the_response(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = open_store(tmp_path / "broken.db")
    journal_ = SharedJournal(_BrokenState(store))  # type: ignore[arg-type]
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    async def run() -> None:
        gateway = _gateway_with(Core(store), _streaming([b"ok"]))
        gateway.journal = journal_
        await gateway(_scope(), _nothing, send)
        await journal_.settle()

    with caplog.at_level(logging.ERROR, logger="crmgate.journal"):
        asyncio.run(run())
    assert [m.get("body") for m in sent] == [None, b"ok"]
    assert "1 requests not journaled" in caplog.text
    store.close()


class _CountingState:
    """A state store that counts the journal's appends and signal reads."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.commits: list[int] = []
        self.looks = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)

    def log_append_many(self, log: str, records: list[str], keep: int) -> list[int]:
        self.commits.append(len(records))
        return self.store.log_append_many(log, records, keep)

    def signals(self, prefix: str) -> dict[str, str]:
        self.looks += 1
        return self.store.signals(prefix)


def test_a_shared_journal_writes_nothing_while_nobody_reads(tmp_path: Path) -> None:
    """Requests only add to memory, and an idle process reads no signal while none moved
    (issue 14: every request was masked, encoded and committed by a background task, in every
    process, read or not). A read gathers them all, in one commit, in the order answered."""
    store = open_store(tmp_path / "group.db")
    state = _CountingState(store)
    gateway = _gateway_with(Core(store), _streaming([b"ok"]))
    gateway.journal = SharedJournal(state)  # type: ignore[arg-type]

    async def send(message: Message) -> None:
        pass

    async def run() -> tuple[int, int]:
        await gateway.journal.start()
        for i in range(50):
            scope = _scope() | {"headers": [(b"x-request-id", f"g{i}".encode())]}
            await gateway(scope, _nothing, send)
        await asyncio.sleep(LOOK_SECONDS * 3)  # the first look, made when the watch starts
        looks = state.looks
        await asyncio.sleep(LOOK_SECONDS * 10)
        idle_looks = state.looks - looks
        assert state.commits == []
        await gateway.journal.settle()
        await gateway.journal.close()
        return looks, idle_looks

    looks, idle_looks = asyncio.run(run())
    assert (looks, idle_looks) == (2, 0)  # joining, then a first look: nothing asked
    assert state.commits == [50]
    ids = [e.request_id for e in gateway.journal.query(RequestFilter(limit=100))]
    assert ids == [f"g{i}" for i in reversed(range(50))]
    store.close()


class _AwayState:
    """A state store whose database is away for its first ``away`` appends."""

    def __init__(self, store: Store, away: int) -> None:
        self.store = store
        self.away = away

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)

    def log_append_many(self, log: str, records: list[str], keep: int) -> list[int]:
        if self.away:
            self.away -= 1
            raise StoreUnavailable("the database connection was lost")
        return self.store.log_append_many(log, records, keep)


@pytest.mark.parametrize("away", [1, 2, 7])
def test_a_batch_the_database_did_not_take_is_journaled_when_it_is_back(
    tmp_path: Path, away: int, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 17: the first append after a restart failed on the dead connection and its
    entries were dropped. One failure is retried at once (a fresh connection); a database that
    stays away keeps the records waiting, in order, for a later flush."""
    store = open_store(tmp_path / "away.db")
    journal_ = SharedJournal(_AwayState(store, away))  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING, logger="crmgate.journal"):
        for i in range(away + 2):
            journal_.add(_captured(i))
            journal_._flush()
            time.sleep(RETRY_SECONDS if i < away else 0)
        asyncio.run(journal_.settle())
    ids = [e.request_id for e in journal_.query(RequestFilter(limit=100))]
    assert ids == [f"r{i}" for i in reversed(range(away + 2))]
    assert "Traceback" not in caplog.text
    store.close()


def test_records_waiting_for_the_database_stay_within_the_journal_bound(tmp_path: Path) -> None:
    store = open_store(tmp_path / "bound.db")
    state = _AwayState(store, 10**6)
    journal_ = SharedJournal(state, max_entries=5)  # type: ignore[arg-type]
    for i in range(12):
        journal_.add(_captured(i))
        journal_._flush()
    state.away = 0
    time.sleep(RETRY_SECONDS)
    asyncio.run(journal_.settle())
    ids = [e.request_id for e in journal_.query(RequestFilter(limit=100))]
    assert ids == [f"r{i}" for i in reversed(range(7, 12))]
    store.close()


@pytest.mark.parametrize(
    ("path", "content_type", "body"),
    [
        (
            "/bokamera/auth/credentials",
            "text/jsv",
            '{UserName:jane@demo.local,Password:"demo-jane"}',
        ),
        (
            "/pf/auth/credentials",
            "application/xml",
            '<Authenticate xmlns="http://schemas.servicestack.net/types"><Password>'
            "<![CDATA[demo-jane]]></Password><UserName>jane@demo.local</UserName></Authenticate>",
        ),
        (
            "/webapi/Token",
            "application/x-www-form-urlencoded",
            "grant_type=password&username=jane%40demo.local&password=demo-jane&x={<\n",
        ),
        (
            "/iservice/f/webapp-api-login?api=login",
            "application/json",
            '{"emailAddress": "jane@demo.local", "pass\\u0077ord": "demo-jane"}',
        ),
    ],
)
def test_the_journal_never_holds_a_password_however_it_was_spelled(
    client: TestClient, path: str, content_type: str, body: str
) -> None:
    """Issue 17: each of these logged in and left the password in the journal in clear."""
    client.post(path, content=body.encode(), headers={"Content-Type": content_type})
    journal = client.get("/__admin/requests", headers={"Authorization": "Bearer test-admin-token"})
    assert journal.json()["returned"] >= 1
    assert "demo-jane" not in journal.text


class _SlowState:
    """A state store whose appends take long (a database that is slow to answer), and that
    notes the thread each append ran on."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.threads: list[threading.Thread] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)

    def log_append_many(self, log: str, records: list[str], keep: int) -> list[int]:
        self.threads.append(threading.current_thread())
        time.sleep(0.2)
        return self.store.log_append_many(log, records, keep)


def test_requests_never_wait_for_a_slow_journal(tmp_path: Path) -> None:
    """Captures pile up while the flusher waits for the database: the requests' thread never
    writes in line (it would wait on the flusher's lock), and the newest ``max_entries``
    captures reach the journal."""
    store = open_store(tmp_path / "slow.db")
    state = _SlowState(store)
    journal_ = SharedJournal(state, max_entries=1500)  # type: ignore[arg-type]

    async def run() -> None:
        for n in range(3000):
            journal_.add(_captured(n))
            if n % 500 == 0:
                await asyncio.sleep(LOOK_SECONDS * 2)
        await journal_.settle()

    asyncio.run(run())
    assert threading.main_thread() not in state.threads
    ids = [e.request_id for e in journal_.query(RequestFilter(limit=1500))]
    assert ids[:3] == ["r2999", "r2998", "r2997"]
    assert len(ids) == 1500
    store.close()
