"""The PostgreSQL floor of ``bench.fleet`` (``bench/pgfloor.py``): every GET waits for a version
read made after it arrived, then answers fixed bytes."""

import asyncio
from collections.abc import Iterator

import psycopg
import pytest
from starlette.testclient import TestClient

from bench import pgfloor
from tests.helpers import fresh_database


@pytest.fixture
def database(postgres_dsn: str) -> Iterator[str]:
    with fresh_database(postgres_dsn, "floor") as dsn:
        yield dsn


@pytest.mark.parametrize("mode", ["each", "turn"])
def test_each_get_answers_fixed_bytes(
    database: str, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRMGATE_BENCH_PGFLOOR_DSN", database)
    monkeypatch.setenv("CRMGATE_BENCH_PGFLOOR_MODE", mode)
    with TestClient(pgfloor.app) as client:
        for _ in range(3):
            answer = client.get("/")
            assert answer.status_code == 200
            assert answer.content == pgfloor.ANSWER


@pytest.mark.parametrize("per_turn", [False, True])
def test_every_read_sees_the_commits_made_before_it_began(database: str, per_turn: bool) -> None:
    reads = pgfloor.Reads(pgfloor.connect(database), per_turn)
    pgfloor.connect(database).finish()  # a second process finds the row there

    async def scenario() -> list[bytes]:
        seen = list(await asyncio.gather(*(reads.read() for _ in range(5))))
        with psycopg.connect(database, autocommit=True) as other:
            other.execute("UPDATE floor_control SET value = '2'")
        return [*seen, *await asyncio.gather(reads.read(), reads.read())]

    assert asyncio.run(scenario()) == [b"1"] * 5 + [b"2"] * 2
