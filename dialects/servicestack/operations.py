"""How a site declares its operations: a request DTO, its response DTO, its routes and verbs
(ServiceStack's ``[Route]`` attributes), and the function that serves it.

Everything else the host offers (predefined routes, batching, metadata pages, the
``/types`` sources) is derived from these declarations, so they cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from core.models import Principal
from core.services import Core
from core.services.sessions import FOREVER

#: The verbs a route without a verb list answers ("All Verbs" on a metadata page).
ALL_VERBS = ("GET", "POST", "PUT", "DELETE", "PATCH")

_VARIABLE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class HostSettings:
    """The host settings of a ServiceStack site that change its wire (defaults: see
    docs/wire/servicestack.md). ``use_camel_case``: ``HostConfig.UseCamelCase`` (camelCase
    JSON names). ``use_token_cookie``: ``JwtAuthProvider.UseTokenCookie`` (the JWT goes in an
    ``ss-tok`` cookie instead of ``BearerToken``). ``html_format`` / ``csv_format``: whether
    the ``HtmlFormat`` / ``CsvFormat`` plugins are loaded (``Feature.Html`` / ``Feature.Csv``)."""

    use_camel_case: bool = False
    use_token_cookie: bool = False
    html_format: bool = False
    csv_format: bool = True

    @classmethod
    def from_env(cls, site: str, environ: Mapping[str, str]) -> HostSettings:
        """Defaults, overridden by ``CRMGATE_{SITE}_CAMEL_CASE``, ``..._TOKEN_COOKIE``,
        ``..._HTML_FORMAT`` and ``..._CSV_FORMAT`` (``1``/``true``/``yes`` or
        ``0``/``false``/``no``)."""
        prefix = f"CRMGATE_{site.upper()}_"
        return cls(
            use_camel_case=_flag(environ.get(prefix + "CAMEL_CASE"), cls.use_camel_case),
            use_token_cookie=_flag(environ.get(prefix + "TOKEN_COOKIE"), cls.use_token_cookie),
            html_format=_flag(environ.get(prefix + "HTML_FORMAT"), cls.html_format),
            csv_format=_flag(environ.get(prefix + "CSV_FORMAT"), cls.csv_format),
        )


def _flag(raw: str | None, default: bool) -> bool:
    if raw is None or not raw.strip():
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Route:
    """``[Route(path, verbs)]``; ``verbs`` empty means every verb."""

    path: str
    verbs: tuple[str, ...] = ()
    #: Per segment of ``path``: (variable name, None) or (None, the literal lower-cased).
    segments: tuple[tuple[str | None, str | None], ...] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        segments = []
        for pattern in self.path.strip("/").split("/"):
            variable = _VARIABLE.fullmatch(pattern)
            segments.append((variable.group(1), None) if variable else (None, pattern.lower()))
        object.__setattr__(self, "segments", tuple(segments))

    @property
    def variables(self) -> list[str]:
        return _VARIABLE.findall(self.path)

    @property
    def allowed(self) -> tuple[str, ...]:
        return self.verbs or ALL_VERBS

    def match(self, path: str) -> dict[str, str] | None:
        """Path variables when ``path`` fits this route (literals compare case-insensitively)."""
        return self.match_segments(path.strip("/").split("/"))

    def match_segments(self, have: list[str]) -> dict[str, str] | None:
        """``match`` for a path already split at its slashes (``strip("/").split("/")``)."""
        want = self.segments
        if len(want) != len(have):
            return None
        found: dict[str, str] = {}
        for (variable, literal), segment in zip(want, have, strict=True):
            if variable is not None:
                if not segment:
                    return None
                found[variable] = segment
            elif literal != segment.lower():
                return None
        return found


@dataclass(slots=True)
class Call:
    """What an operation's function gets besides its request DTO.

    ``principal`` is set for operations that require authentication; ``hooks`` run on the
    final response (e.g. to set cookies). ``until``: the moment a reusable operation's answer
    stops holding by time alone (its credential's, narrowed by ``changes_at``).
    """

    core: Core
    request: Request
    site: str
    settings: HostSettings = HostSettings()
    principal: Principal | None = None
    hooks: list[Callable[[Response], None]] = field(default_factory=list)
    until: datetime = FOREVER

    def changes_at(self, moment: datetime | None) -> None:
        """The answer changes by time alone at ``moment`` (None: never)."""
        if moment is not None and moment < self.until:
            self.until = moment

    @property
    def caller(self) -> Principal:
        """The authenticated caller (the host checked it before calling the operation)."""
        assert self.principal is not None
        return self.principal


Handler = Callable[[Call, Any], Any]


@dataclass(frozen=True)
class Operation:
    """One operation. ``authenticate`` mirrors ``[Authenticate]``: anonymous callers get 401."""

    request: type
    response: type
    handler: Handler
    summary: str
    routes: tuple[Route, ...] = ()
    notes: str = ""
    authenticate: bool = True
    #: Its GET answer is a pure function of the request, the data and ``Call.until``: the
    #: gateway may serve it again (``dialects.context.reusable``).
    reusable: bool = False
    #: Its handler hands out the very same answer object while the answer holds and never
    #: changes one: the host encodes each such object once per format (``codecs.EncodedOnce``).
    shared_answers: bool = False
    #: Member descriptions for the metadata page, by member name.
    descriptions: dict[str, str] = field(default_factory=dict)

    @cached_property
    def name(self) -> str:
        return self.request.__name__
