"""The write floor of ``make bench`` (``bench/floor.py``): each PUT commits one row update."""

import sqlite3
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from bench import floor


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "floor.db"
    monkeypatch.setattr(floor, "conn", floor.connect(str(path)))
    return path


def test_each_put_commits_its_body_and_answers_fixed_bytes(database: Path) -> None:
    with TestClient(floor.app) as client:
        for body in (b'{"a":1}', b'{"b":2}'):
            answer = client.put("/", content=body)
            assert answer.status_code == 200
            assert answer.content == floor.ANSWER
    other = sqlite3.connect(database)  # what another process sees: committed
    assert other.execute("SELECT body, n FROM floor").fetchall() == [(b'{"b":2}', 2)]
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_second_process_finds_the_row_there(database: Path) -> None:
    floor.connect(str(database))
    assert sqlite3.connect(database).execute("SELECT count(*) FROM floor").fetchone()[0] == 1
