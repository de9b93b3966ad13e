"""The PostgreSQL store replaces a connection the server ended (issue 17): the transaction in
flight fails as ``StoreUnavailable`` and leaves nothing; the next one runs on a new connection."""

from __future__ import annotations

import uuid

import psycopg
import pytest

from core.models import Company
from core.store import StoreUnavailable
from core.store.postgres import PostgresStore


def kill(dsn: str, store: PostgresStore) -> None:
    """End the store's server process, as a database restart does."""
    pid = store._conn.info.backend_pid
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def company(code: str) -> Company:
    return Company(id=uuid.uuid4(), code=code, name=code)


def test_a_write_in_flight_fails_and_the_next_one_succeeds(
    pg: PostgresStore, postgres_dsn: str
) -> None:
    def interrupted() -> None:
        with pg.write():
            pg.insert(company("LOST"))
            kill(postgres_dsn, pg)
            pg.insert(company("LOST2"))

    with pytest.raises(StoreUnavailable):
        interrupted()
    with pg.write():
        pg.insert(company("KEPT"))
    assert [c.code for c in pg.find(Company)] == ["KEPT"]


def test_a_connection_found_dead_before_a_transaction_is_replaced_unseen(
    pg: PostgresStore, postgres_dsn: str
) -> None:
    with pg.write():
        pg.insert(company("A"))
    for use in (pg.write, pg.read):
        kill(postgres_dsn, pg)
        with use():
            assert pg.count(Company) == 1
    kill(postgres_dsn, pg)
    assert pg.count(Company) == 1  # outside any transaction too
    kill(postgres_dsn, pg)
    assert pg.schema_version > 0


def test_a_failing_commit_is_unavailable(pg: PostgresStore, postgres_dsn: str) -> None:
    def commit_on_a_dead_connection() -> None:
        with pg.write():
            pg.insert(company("B"))
            kill(postgres_dsn, pg)

    with pytest.raises(StoreUnavailable):
        commit_on_a_dead_connection()
    assert pg.count(Company) == 0


def test_an_error_of_a_statement_is_not_a_lost_connection(pg: PostgresStore) -> None:
    def bad_statement() -> None:
        with pg.read():
            pg._conn.execute("SELECT * FROM nowhere")

    with pytest.raises(psycopg.errors.UndefinedTable):
        bad_statement()
    assert pg.count(Company) == 0


def test_the_log_connection_is_reopened(pg: PostgresStore, postgres_dsn: str) -> None:
    assert pg.log_append_many("j", ["one"], keep=10) == [1]
    with psycopg.connect(postgres_dsn, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pg._logs.info.backend_pid])
    with pytest.raises(StoreUnavailable, match="lost"):
        pg.log_append_many("j", ["maybe"], keep=10)
    assert pg.log_append_many("j", ["two"], keep=10)[0] >= 2
    assert pg.log_read("j")[0][1] == "two"


def test_a_database_that_is_away_is_unavailable_at_once(
    pg: PostgresStore, postgres_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refused connection fails the call (no wait for a pool); the next call after the
    database is back connects again."""
    kill(postgres_dsn, pg)
    monkeypatch.setattr(pg, "dsn", "postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(StoreUnavailable, match="no connection"):
        pg.count(Company)
    with pytest.raises(StoreUnavailable), pg.write():
        pass
    monkeypatch.setattr(pg, "dsn", postgres_dsn)
    assert pg.count(Company) == 0
