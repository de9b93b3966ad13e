"""Verification against the journal: how many recorded requests match a set of matchers.

``POST /__admin/requests/count`` decodes a ``RequestMatcher``. Besides the journal filters
(sandbox, dialect, method, path glob, status, since) it looks into what the journal kept of
each request: query parameters and headers (values are globs; header names ignore case), a
substring of the body and members of a JSON body. The journal holds masked, cut bodies: a
secret reads ``***`` there and text past ``--journal-body`` characters is not searched.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import parse_qsl

import msgspec

from gateway.journal import EntryFilter, Journal, JournalEntry


class RequestMatcher(EntryFilter, kw_only=True, forbid_unknown_fields=True):
    #: Parameters the query string must carry, each with a value matching the glob.
    query: dict[str, str] = {}
    #: Request headers that must be present, each with a value matching the glob.
    headers: dict[str, str] = {}
    #: Text the request body must contain.
    body_contains: str | None = None
    #: Members a JSON request body must have (nested objects compared as subsets).
    body_json: dict[str, Any] | None = None

    def matches_entry(self, entry: JournalEntry) -> bool:
        return (
            _query_matches(self.query, entry.query)
            and _headers_match(self.headers, entry.request_headers)
            and (self.body_contains is None or self.body_contains in entry.request_body)
            and (self.body_json is None or _json_has(entry.request_body, self.body_json))
        )


def count(journal: Journal, matcher: RequestMatcher) -> int:
    """How many journaled requests match (the journal's bounds apply: oldest entries go)."""
    return sum(1 for entry in journal.scan(matcher) if matcher.matches_entry(entry))


def _query_matches(wanted: dict[str, str], query: str) -> bool:
    if not wanted:
        return True
    given: dict[str, list[str]] = {}
    for name, value in parse_qsl(query, keep_blank_values=True):
        given.setdefault(name, []).append(value)
    return all(
        any(fnmatchcase(v, pattern) for v in given.get(name, ()))
        for name, pattern in wanted.items()
    )


def _headers_match(wanted: dict[str, str], headers: dict[str, str]) -> bool:
    """The journal keeps header names lower-cased."""
    return all(
        (value := headers.get(name.lower())) is not None and fnmatchcase(value, glob)
        for name, glob in wanted.items()
    )


def _json_has(body: str, wanted: dict[str, Any]) -> bool:
    try:
        found = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return False
    return _contains(found, wanted)


def _contains(found: Any, wanted: Any) -> bool:
    """``wanted`` is in ``found``: objects as subsets (recursively), anything else equal."""
    if isinstance(wanted, dict):
        return isinstance(found, dict) and all(
            k in found and _contains(found[k], v) for k, v in wanted.items()
        )
    return found == wanted and type(found) is type(wanted)
