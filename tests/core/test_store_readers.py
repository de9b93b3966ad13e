"""A SQLite store stamps the data version in the database only while another connection caches
the same file (see ``core.store.readers``): alone, a write is one page, not two; with others
(another store, another process), every write is seen as before."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import msgspec

from core.models import Company, CustomField
from core.store import SqliteStore, open_store
from core.store.cache import VERSION_KEY
from core.store.postgres import PostgresStore
from core.store.readers import Readers

ROOT = Path(__file__).resolve().parents[2]
#: A process that holds a reader's lock on the database named by argv[1] until stdin closes.
HOLDER = (
    "import sys; from core.store.readers import Readers; r = Readers(sys.argv[1]); r.take(); "
    "print('held', flush=True); sys.stdin.read()"
)
#: A process that renames the company argv[2] in the database argv[1], then exits.
RENAMER = """
import sys, uuid, msgspec
from core.models import Company
from core.store import open_store
store = open_store(sys.argv[1])
with store.write():
    before = store.get(Company, uuid.UUID(sys.argv[2]))
    store.update(msgspec.structs.replace(before, name="Acme Group"), before=before)
store.close()
"""


@contextmanager
def holding(path: str) -> Iterator[None]:
    """Another process holds the file's lock (``HOLDER``) until the block ends."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, path],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=ROOT,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "held\n"
        yield
    finally:
        holder.communicate("")


def _stored_version(store: SqliteStore) -> str | None:
    row = store._conn.execute("SELECT value FROM control WHERE key = ?", [VERSION_KEY]).fetchone()
    return None if row is None else row[0]


def _company(store: SqliteStore) -> Company:
    acme = Company(id=uuid.uuid4(), code="ACME", name="Acme")
    with store.write():
        store.insert(acme)
    return acme


def _rename(store: SqliteStore, company: Company, name: str) -> Company:
    store.sync()
    with store.write():
        before = store.get(Company, company.id)
        renamed = msgspec.structs.replace(before, name=name)
        store.update(renamed, before=before)
    return renamed


def test_readers_tell_other_stores_and_processes_apart_from_their_own(tmp_path: Path) -> None:
    path = str(tmp_path / "x.db")
    mine, other = Readers(path), Readers(path)
    mine.take()
    mine.take()  # taken once, kept
    assert not mine.others()
    other.take()
    assert mine.others()
    assert other.others()
    other.close()
    assert not mine.others()
    with holding(path):
        assert mine.others()
    assert not mine.others()  # the lock went with its process
    mine.close()
    mine.close()


def test_a_reader_never_taken_says_others_may_cache(tmp_path: Path) -> None:
    """Without a lock of its own to ask with (a kernel without OFD locks), it stamps."""
    assert Readers(str(tmp_path / "x.db")).others()


def test_alone_a_write_keeps_its_stamp_in_memory(tmp_path: Path) -> None:
    store = open_store(tmp_path / "alone.db")
    try:
        company = _company(store)
        stored = _stored_version(store)
        before = store.data_version
        _rename(store, company, "Acme AB")
        after = store.data_version
        assert after != before  # memos and answer caches still see the write
        assert _stored_version(store) == stored  # but no page of the control table was written
        _rename(store, company, "Acme Group")
        assert store.data_version not in (before, after, stored)
        with store.read():
            assert store.get(Company, company.id).name == "Acme Group"
    finally:
        store.close()


def test_an_in_memory_store_never_writes_its_stamp() -> None:
    store = open_store(":memory:")
    try:
        _company(store)
        assert _stored_version(store) is None
        assert store.data_version is not None
    finally:
        store.close()


def test_another_connections_commit_keeps_what_a_lone_writer_cached(tmp_path: Path) -> None:
    """A commit that stamps nothing (the journal's own connection) leaves the version as the
    store last read it: the rows the store wrote since are still its cache's to answer."""
    store = open_store(tmp_path / "alone.db")
    try:
        company = _company(store)
        _rename(store, company, "Acme AB")
        version = store.data_version
        store.set_meta("touched", "by this connection")  # autocommitted: no model stamp
        other = store._open_log()
        other.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')")
        other.close()
        store.sync()
        assert store.data_version == version
        with store.read():
            assert store.get(Company, company.id).name == "Acme AB"
    finally:
        store.close()


def test_a_store_opened_later_sees_what_a_lone_writer_kept_in_memory(tmp_path: Path) -> None:
    """The first store wrote without stamping; the second reads the file as it is, then the
    first stamps every write (with every model it moved) while the second is open."""
    path = tmp_path / "shared.db"
    first = open_store(path)
    second: SqliteStore | None = None
    try:
        company = _company(first)
        field = CustomField(id=1, company_id=company.id, name="Member", values=["a"])
        with first.write():
            first.insert(field)
        _rename(first, company, "Acme AB")
        second = open_store(path)
        second.sync()
        with second.read():
            assert second.get(Company, company.id).name == "Acme AB"
            assert second.find(CustomField, company_id=company.id)[0].name == "Member"
        _rename(first, company, "Acme Group")
        assert _stored_version(first) == first.data_version
        second.sync()
        with second.read():
            assert second.get(Company, company.id).name == "Acme Group"
            # a model nobody wrote since the second store opened stays cached
            assert second.find(CustomField, company_id=company.id)[0].name == "Member"
        _rename(second, company, "Acme Holding")
        first.sync()
        with first.read():
            assert first.get(Company, company.id).name == "Acme Holding"
        second.close()
        second = None
        stored = _stored_version(first)
        _rename(first, company, "Acme Again")
        assert _stored_version(first) == stored  # alone again: back to memory
    finally:
        first.close()
        if second is not None:
            second.close()


def test_another_process_holding_the_file_makes_a_writer_stamp(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    store = open_store(path)
    try:
        with holding(str(path)):
            company = _company(store)
            assert _stored_version(store) == store.data_version
        _rename(store, company, "Acme AB")
        assert _stored_version(store) != store.data_version
    finally:
        store.close()


def test_the_lock_file_is_its_owners_only(tmp_path: Path) -> None:
    store = open_store(tmp_path / "x.db")
    store.close()
    assert (tmp_path / "x.db-caches").stat().st_mode & 0o777 == 0o600


def test_postgresql_stamps_every_write(pg: PostgresStore) -> None:
    """Processes on other hosts may cache a PostgreSQL database: nobody can tell it is alone."""
    acme = Company(id=uuid.uuid4(), code="ACME", name="Acme")
    with pg.write():
        pg.insert(acme)
    pg.sync()
    with pg.read():
        assert pg.get_control(VERSION_KEY) == pg.data_version


def test_quiet_while_alone_since_the_last_look(tmp_path: Path) -> None:
    path = str(tmp_path / "x.db")
    mine = Readers(path)
    assert not mine.quiet()  # no lock taken: always ask
    mine.take()
    assert not mine.quiet()  # first look: alone now, ask once
    assert mine.quiet()
    assert mine.quiet()
    other = Readers(path)
    other.take()
    assert not mine.quiet()
    assert not mine.quiet()  # not alone: ask every time
    other.close()
    assert not mine.quiet()  # the other may have committed before it closed: ask once more
    assert mine.quiet()
    passing = Readers(path)
    passing.take()
    passing.close()
    assert not mine.quiet()  # opened and closed since: the generation moved
    assert mine.quiet()
    mine.close()
    assert not mine.quiet()


def test_a_store_that_came_and_went_between_two_requests_is_seen(tmp_path: Path) -> None:
    """The first store, alone, trusts its cache without asking; a second store opens, writes
    and closes between two of its requests: the next request sees that write."""
    path = tmp_path / "shared.db"
    first = open_store(path)
    try:
        company = _company(first)
        for _ in range(2):
            first.sync()
            with first.read():
                assert first.get(Company, company.id).name == "Acme"
        second = open_store(path)
        _rename(second, company, "Acme AB")
        second.close()
        first.sync()
        with first.read():
            assert first.get(Company, company.id).name == "Acme AB"
        subprocess.run(
            [sys.executable, "-c", RENAMER, str(path), str(company.id)], cwd=ROOT, check=True
        )
        first.sync()
        with first.read():
            assert first.get(Company, company.id).name == "Acme Group"
    finally:
        first.close()
