"""Gateway settings, from the command line or the environment (``CRMGATE_*``)."""

from __future__ import annotations

import os

import msgspec

from gateway.journal import DEFAULT_BODY_CHARS, DEFAULT_ENTRIES
from gateway.sandboxes import DEFAULT_IDLE_SECONDS

DEFAULT_MAX_BODY = 1024 * 1024
#: Bytes of a request line and headers (uvicorn's ``h11_max_incomplete_event_size``).
DEFAULT_MAX_HEAD_BYTES = 64 * 1024


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
    #: Serve a GET again from the per-process answer cache (``gateway.answers``) while it
    #: holds; off: every answer is computed (to measure that path, or to rule the cache out).
    answer_cache: bool = True
    #: Proxies (addresses, networks, ``*``; comma separated) whose ``X-Forwarded-For`` and
    #: ``X-Forwarded-Proto`` set a request's client and scheme; "" trusts none. uvicorn's
    #: default: the loopback addresses.
    forwarded_allow_ips: str = "127.0.0.1,::1"

    def to_env(self) -> str:
        return msgspec.json.encode(self).decode()

    @classmethod
    def from_env(cls) -> Config:
        """The config the CLI handed to its workers, or (a server such as ``uvicorn --factory``
        started without the CLI) the one ``crmgate serve`` would build from ``CRMGATE_*``: the
        CLI's options are the one table of variables."""
        if raw := os.environ.get("CRMGATE_CONFIG"):
            return msgspec.json.decode(raw, type=cls)
        from gateway.cli import environment_config  # the CLI imports this module

        return environment_config()
