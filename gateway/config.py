"""Gateway settings, from the command line or the environment (``CRMGATE_*``)."""

from __future__ import annotations

import os

import msgspec

from gateway.journal import DEFAULT_BODY_CHARS, DEFAULT_ENTRIES
from gateway.sandboxes import DEFAULT_IDLE_SECONDS

DEFAULT_MAX_BODY = 1024 * 1024


def env_flag(name: str) -> bool:
    """A yes/no environment variable: ``1``, ``true``, ``yes`` or ``on`` (any case) is yes."""
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


class Config(msgspec.Struct, frozen=True, kw_only=True):
    db: str = "crmgate.db"
    #: ``demo``, ``none`` or a path to a fixture file or folder; seeds a new database only.
    fixtures: str = "demo"
    max_body_bytes: int = DEFAULT_MAX_BODY
    #: When set, admin calls need ``Authorization: Bearer <token>``; else loopback only.
    admin_token: str | None = None
    #: Extra Host names served at the root, as ``host -> dialect name``.
    hosts: dict[str, str] = {}
    log_level: str = "info"
    journal_entries: int = DEFAULT_ENTRIES
    journal_body_chars: int = DEFAULT_BODY_CHARS
    sandbox_idle_seconds: float = DEFAULT_IDLE_SECONDS
    #: Dialects forwarded to the real vendor, as ``dialect name -> base URL``.
    upstream: dict[str, str] = {}
    #: Save every upstream exchange as a fixture file in this folder (secrets masked).
    record_dir: str | None = None
    #: Serve the exchanges recorded in this folder instead of the dialects.
    replay_dir: str | None = None
    #: Answer upstream dialects from the vendor and journal how crmgate's answers differ.
    shadow: bool = False
    #: How many gateway processes serve this database (None: unknown, maybe many); it picks
    #: where the journal lives (see ``gateway.journal``).
    processes: int | None = None
    #: One log line per dialect request (logger ``crmgate.access``); off: the journal records.
    access_log: bool = False

    def to_env(self) -> str:
        return msgspec.json.encode(self).decode()

    @classmethod
    def from_env(cls) -> Config:
        """The config the CLI handed to its workers, or one built from ``CRMGATE_*``."""
        if raw := os.environ.get("CRMGATE_CONFIG"):
            return msgspec.json.decode(raw, type=cls)
        return cls(
            db=os.environ.get("CRMGATE_DB", "crmgate.db"),
            fixtures=os.environ.get("CRMGATE_FIXTURES", "demo"),
            max_body_bytes=int(os.environ.get("CRMGATE_MAX_BODY", DEFAULT_MAX_BODY)),
            admin_token=os.environ.get("CRMGATE_ADMIN_TOKEN") or None,
            access_log=env_flag("CRMGATE_ACCESS_LOG"),
        )
