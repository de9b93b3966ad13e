"""Signing secrets every worker on one store shares (e.g. for stateless JWT bearer tokens),
kept out of the data: a copy of the database must not mint tokens.

Each named secret is an HMAC of a master key and the name with the store's key epoch. The
master key comes from ``CRMGATE_SECRET_KEY``, else from the key file ``CRMGATE_SECRET_KEY_FILE``
names, else from a key file beside the database (mode 0600, made once at random; workers racing
to make it agree on one); the epoch is a random stamp in the store's metadata, useless alone,
which a reset wipes, so a reset rotates every secret. A database server (PostgreSQL) has no
file beside it and is shared by processes on many hosts: it needs the key or a key file, and
``require`` says so at start-up. Only ``:memory:``, which no one can copy, keeps its secrets
in its metadata. Secrets an older crmgate kept in the metadata move into the key file when it
is made, so tokens already issued stay valid.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import tempfile
from pathlib import Path

import msgspec

from core.store import Store, StoreError

KEY_ENV = "CRMGATE_SECRET_KEY"
KEY_FILE_ENV = "CRMGATE_SECRET_KEY_FILE"
EPOCH_KEY = "keys:epoch"
_LEGACY_PREFIX = "secret:"
#: The secrets older crmgate versions kept in the metadata.
_LEGACY_NAMES = ("servicestack-jwt",)


NO_KEY = (
    "a database server keeps no signing secret in its data: set CRMGATE_SECRET_KEY to a long "
    "random string, or --secret-key-file PATH (CRMGATE_SECRET_KEY_FILE: a file crmgate makes, "
    "mode 0600, if it is missing); every gateway on the database needs the same one"
)


class NoSigningKey(StoreError):
    """The store's signing secrets have nowhere to live outside the data."""


class KeyFile(msgspec.Struct, kw_only=True):
    master: str
    #: Secrets an older crmgate kept in the metadata, by ``name@epoch``.
    kept: dict[str, str] = {}


class KeyService:
    def __init__(self, store: Store) -> None:
        self.store = store
        self._keys: KeyFile | None = None

    def secret(self, name: str) -> str:
        """The secret called ``name`` for the store's current epoch."""
        keys = self._key_file()
        if keys is None:
            return self._in_metadata(name)
        epoch = self._epoch()
        kept = keys.kept.get(f"{name}@{epoch}")
        if kept is not None:
            return kept
        digest = hmac.new(keys.master.encode(), f"{name}@{epoch}".encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")

    def require(self) -> None:
        """Fail at start-up, not on the first signed token, when the secrets have no place
        outside the data (``NoSigningKey``); make the key file now when one is due."""
        self._key_file()

    def _key_file(self) -> KeyFile | None:
        if self._keys is not None:
            return self._keys
        if master := os.environ.get(KEY_ENV):
            self._keys = KeyFile(master=master)
            return self._keys
        named = os.environ.get(KEY_FILE_ENV)
        path = Path(named) if named else self.store.key_file()
        if path is None:
            if self.store.reach == "network":
                raise NoSigningKey(NO_KEY)
            return None
        try:
            self._keys = _read(path) if path.exists() else self._create(path)
        except (OSError, msgspec.DecodeError) as exc:
            raise NoSigningKey(f"cannot use the key file {path}: {exc}") from exc
        return self._keys

    def _create(self, path: Path) -> KeyFile:
        """Made whole in a private temporary file, then linked into place: a racing worker
        either links first (and this one reads its file) or finds the file complete."""
        kept = self._legacy()
        keys = KeyFile(master=secrets.token_urlsafe(32), kept=kept)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "wb") as out:  # mkstemp creates it 0600
                out.write(msgspec.json.encode(keys))
                out.flush()
                os.fsync(out.fileno())
            os.link(temp, path)
        except FileExistsError:
            keys = _read(path)
        finally:
            os.unlink(temp)
        self._forget_legacy()
        return keys

    def _epoch(self) -> str:
        with self.store.read():
            found = self.store.get_meta(EPOCH_KEY)
        if found is not None:
            return found
        with self.store.write():
            found = self.store.get_meta(EPOCH_KEY)
            if found is None:
                found = secrets.token_hex(8)
                self.store.set_meta(EPOCH_KEY, found)
        return found

    def _legacy(self) -> dict[str, str]:
        """The secrets an older crmgate kept in the metadata, by ``name@epoch``."""
        with self.store.read():
            found = {n: self.store.get_meta(_LEGACY_PREFIX + n) for n in _LEGACY_NAMES}
        found = {n: s for n, s in found.items() if s is not None}
        if not found:
            return {}
        epoch = self._epoch()
        return {f"{n}@{epoch}": s for n, s in found.items()}

    def _forget_legacy(self) -> None:
        with self.store.write():
            for name in _LEGACY_NAMES:
                self.store.delete_meta(_LEGACY_PREFIX + name)

    def _in_metadata(self, name: str) -> str:
        key = _LEGACY_PREFIX + name
        with self.store.read():
            found = self.store.get_meta(key)
        if found is not None:
            return found
        with self.store.write():
            found = self.store.get_meta(key)
            if found is None:
                found = secrets.token_urlsafe(32)
                self.store.set_meta(key, found)
        return found


def _read(path: Path) -> KeyFile:
    return msgspec.json.decode(path.read_bytes(), type=KeyFile)
