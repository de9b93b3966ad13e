"""Signing secrets stay out of the data (issue 17): a key file beside the database, mode 0600,
or the environment; a reset rotates them; an older database's secret moves out."""

from __future__ import annotations

import stat
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.services import Core
from core.services.keys import KEY_ENV, KEY_FILE_ENV, NO_KEY, NoSigningKey
from core.store import open_store
from core.store.postgres import PostgresStore


def test_a_secret_is_made_once_and_kept(core: Core) -> None:
    first = core.keys.secret("jwt")
    assert len(first) >= 32
    assert core.keys.secret("jwt") == first
    assert core.keys.secret("other") != first


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_file_database_keeps_its_secrets_in_a_private_key_file(tmp_path: Path) -> None:
    db = tmp_path / "crmgate.db"
    core = Core(open_store(db))
    secret = core.keys.secret("servicestack-jwt")
    assert mode(db) == 0o600
    assert mode(tmp_path / "crmgate.db.key") == 0o600
    assert secret.encode() not in db.read_bytes()
    core.store.close()
    for leftover in tmp_path.glob("crmgate.db-*"):  # -wal, -shm: the database's mode
        assert mode(leftover) == 0o600
    assert secret.encode() not in b"".join(p.read_bytes() for p in tmp_path.glob("crmgate.db*"))
    again = Core(open_store(db))
    assert again.keys.secret("servicestack-jwt") == secret
    again.store.close()


def test_a_copy_of_the_database_alone_has_another_secret(tmp_path: Path) -> None:
    original = Core(open_store(tmp_path / "a.db"))
    secret = original.keys.secret("servicestack-jwt")
    original.store.close()
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "a.db").write_bytes((tmp_path / "a.db").read_bytes())
    thief = Core(open_store(tmp_path / "copy" / "a.db"))
    assert thief.keys.secret("servicestack-jwt") != secret
    thief.store.close()


def test_a_reset_rotates_the_secrets(tmp_path: Path) -> None:
    core = Core(open_store(tmp_path / "r.db"))
    before = core.keys.secret("servicestack-jwt")
    core.store.wipe()
    assert Core(core.store).keys.secret("servicestack-jwt") != before
    core.store.close()


def test_the_environment_key_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "an operator's key")
    one = Core(open_store(tmp_path / "e.db"))
    two = Core(open_store(":memory:"))
    with one.store.write():
        one.store.set_meta("keys:epoch", "same")
    with two.store.write():
        two.store.set_meta("keys:epoch", "same")
    assert one.keys.secret("x") == two.keys.secret("x")
    assert not (tmp_path / "e.db.key").exists()
    one.store.close()


def test_an_older_databases_secret_moves_out_and_stays_valid(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    store = open_store(db)
    with store.write():
        store.set_meta("secret:servicestack-jwt", "the-secret-an-older-crmgate-made")
    core = Core(store)
    assert core.keys.secret("servicestack-jwt") == "the-secret-an-older-crmgate-made"
    assert store.get_meta("secret:servicestack-jwt") is None
    store.close()
    assert b"the-secret-an-older-crmgate-made" not in db.read_bytes()
    again = Core(open_store(db))
    assert again.keys.secret("servicestack-jwt") == "the-secret-an-older-crmgate-made"
    again.store.wipe()  # a reset rotates even a moved secret
    assert Core(again.store).keys.secret("servicestack-jwt") != "the-secret-an-older-crmgate-made"
    again.store.close()


def test_workers_racing_to_make_the_key_file_agree(tmp_path: Path) -> None:
    """The second worker saw no file, then lost the race to link its own: it uses the
    winner's, and leaves no temporary file behind."""
    db = tmp_path / "w.db"
    first, second = Core(open_store(db)), Core(open_store(db))
    secret = first.keys.secret("s")
    second.keys._create(tmp_path / "w.db.key")
    assert second.keys.secret("s") == secret
    assert sorted(p.name for p in tmp_path.glob("*.key*")) == ["w.db.key"]
    first.store.close()
    second.store.close()


@pytest.fixture
def server_store(postgres_dsn: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[PostgresStore]:
    """A PostgreSQL store with no signing key configured yet."""
    monkeypatch.delenv(KEY_ENV)
    store = PostgresStore(postgres_dsn, schema=f"k_{uuid.uuid4().hex}")
    yield store
    store.drop()
    store.close()


def test_a_database_server_without_a_key_is_refused_at_start(server_store: PostgresStore) -> None:
    """Issue 17: PostgreSQL kept the JWT signing secret in its own data, so a dump of the
    database minted admin tokens; now it has no place for one, and says where to put it."""
    with pytest.raises(NoSigningKey) as refused:
        Core(server_store).keys.require()
    assert str(refused.value) == NO_KEY
    with server_store.read():
        assert server_store.get_meta("secret:servicestack-jwt") is None


def test_a_database_server_shares_a_named_key_file(
    server_store: PostgresStore, postgres_dsn: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = tmp_path / "fleet.key"
    monkeypatch.setenv(KEY_FILE_ENV, str(key))
    one = Core(server_store)
    one.keys.require()
    assert mode(key) == 0o600
    other = Core(PostgresStore(postgres_dsn, schema=server_store.schema))  # another gateway
    assert other.keys.secret("servicestack-jwt") == one.keys.secret("servicestack-jwt")
    with server_store.read():
        assert server_store.get_meta("secret:servicestack-jwt") is None
    other.store.close()


def test_a_secret_an_older_crmgate_kept_in_postgresql_moves_to_the_key_file(
    server_store: PostgresStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with server_store.write():
        server_store.set_meta("secret:servicestack-jwt", "kept-in-the-database")
    monkeypatch.setenv(KEY_FILE_ENV, str(tmp_path / "moved.key"))
    assert Core(server_store).keys.secret("servicestack-jwt") == "kept-in-the-database"
    with server_store.read():
        assert server_store.get_meta("secret:servicestack-jwt") is None


@pytest.mark.parametrize("content", [b"not json", None])
def test_a_key_file_that_cannot_be_used_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes | None
) -> None:
    key = tmp_path / "bad.key"
    if content is None:  # a folder that does not exist: nowhere to make it
        key = tmp_path / "missing" / "bad.key"
    else:
        key.write_bytes(content)
    monkeypatch.setenv(KEY_FILE_ENV, str(key))
    core = Core(open_store(":memory:"))
    with pytest.raises(NoSigningKey, match=f"cannot use the key file {key}"):
        core.keys.require()
