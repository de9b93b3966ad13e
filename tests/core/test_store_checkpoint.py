"""WAL checkpoints run on a worker thread every so many write commits, not inside a COMMIT."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from core.models import Company
from core.store import checkpoint
from core.store.sqlite import SqliteStore, open_sqlite


def add_company(store: SqliteStore) -> None:
    with store.write():
        code = uuid.uuid4().hex
        store.insert(Company(id=uuid.uuid4(), code=code, name=code))


def backfilled(db: Path) -> tuple[int, int]:
    """``(mxFrame, nBackfill)`` of the WAL index (SQLite's wal.c: the last valid frame in the
    header at offset 16, the frames already copied into the database at offset 96), read from
    the ``-shm`` file without checkpointing anything."""
    shm = Path(f"{db}-shm").read_bytes()
    return int.from_bytes(shm[16:20], "little"), int.from_bytes(shm[96:100], "little")


def test_the_serving_connection_checkpoints_only_as_a_backstop(tmp_path: Path) -> None:
    store = open_sqlite(tmp_path / "a.db")
    pages = store._conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
    assert pages == checkpoint.AUTOCHECKPOINT_PAGES
    store.close()


def test_a_checkpoint_is_asked_every_so_many_write_commits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checkpoint, "CHECKPOINT_EVERY", 3)
    store = open_sqlite(tmp_path / "a.db")
    asked: list[int] = []
    assert store._checkpointer is not None
    monkeypatch.setattr(store._checkpointer, "_checkpoint", lambda: asked.append(1))
    for _ in range(2):
        add_company(store)
    with store.read():  # a read commits nothing
        store.find(Company)
    with store.write():  # nor does a write that changed no row
        store.find(Company)
    assert asked == []
    add_company(store)
    store._checkpointer.wait()
    assert asked == [1]
    store.close()


def test_commits_that_change_many_rows_are_checkpointed_sooner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bulk write dirties many pages: the rows it changed count, so the WAL stays small."""
    monkeypatch.setattr(checkpoint, "CHECKPOINT_ROWS", 5)
    store = open_sqlite(tmp_path / "a.db")
    asked: list[int] = []
    assert store._checkpointer is not None
    store._checkpointer.wait()
    monkeypatch.setattr(store._checkpointer, "_checkpoint", lambda: asked.append(1))
    with store.write():
        for _ in range(4):
            code = uuid.uuid4().hex
            store.insert(Company(id=uuid.uuid4(), code=code, name=code))
    assert asked == []
    with store.write():
        code = uuid.uuid4().hex
        store.insert(Company(id=uuid.uuid4(), code=code, name=code))
    store._checkpointer.wait()
    assert asked == [1]
    store.close()


def test_the_worker_copies_the_wal_into_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checkpoint, "CHECKPOINT_EVERY", 2)
    db = tmp_path / "a.db"
    store = open_sqlite(db)
    assert store._checkpointer is not None
    store._checkpointer.wait()  # migrations may have asked for one
    add_company(store)
    frames, copied = backfilled(db)
    assert frames > copied
    add_company(store)
    store._checkpointer.wait()
    frames, copied = backfilled(db)
    assert frames == copied > 0
    store.close()


def test_a_failed_checkpoint_is_logged_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    worker = checkpoint.Checkpointer(str(tmp_path / "missing" / "a.db"))
    worker._checkpoint()
    assert "background checkpoint" in caplog.text
    worker.close()


def test_an_in_memory_store_has_no_worker() -> None:
    store = open_sqlite(":memory:")
    assert store._checkpointer is None
    add_company(store)
    store.close()


def test_each_process_has_its_own_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    first = checkpoint._worker()
    assert checkpoint._worker() is first
    monkeypatch.setattr(checkpoint.os, "getpid", lambda: -1)
    assert checkpoint._worker() is not first
