"""Rules on the answer's head: status, content type and charset, the headers a client reads,
cookies by name and attributes. Each rule is one function ``(vendor, crmgate) -> differences``.
"""

from __future__ import annotations

import re
from email.utils import parsedate_to_datetime

from gateway.diff.model import Answer, Difference

_PARAM = re.compile(r"([A-Za-z0-9_-]+)\s*=")


def status(vendor: Answer, own: Answer) -> list[Difference]:
    if vendor.status == own.status:
        return []
    return [Difference("status", "status", str(vendor.status), str(own.status))]


def media_type(header: str | None) -> tuple[str, str]:
    """``(type/subtype, charset)`` in lower case; ``-`` for what the header leaves out."""
    if not header:
        return "-", "-"
    kind, *params = (part.strip() for part in header.split(";"))
    charset = "-"
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return kind.lower() or "-", charset


def content_type(vendor: Answer, own: Answer) -> list[Difference]:
    theirs = media_type(vendor.first("content-type"))
    ours = media_type(own.first("content-type"))
    found = []
    if theirs[0] != ours[0]:
        found.append(Difference("content-type", "media type", theirs[0], ours[0]))
    if theirs[1] != ours[1]:
        found.append(Difference("content-type", "charset", theirs[1], ours[1]))
    return found


def _challenges(values: list[str]) -> str:
    """Schemes and parameter names of WWW-Authenticate (realms and errors are data)."""
    found = []
    for value in values:
        scheme, _, rest = value.strip().partition(" ")
        names = sorted({n.lower() for n in _PARAM.findall(rest)})
        found.append(scheme.lower() + (f" ({', '.join(names)})" if names else ""))
    return "; ".join(sorted(found)) or "absent"


def www_authenticate(vendor: Answer, own: Answer) -> list[Difference]:
    theirs = _challenges(vendor.all("www-authenticate"))
    ours = _challenges(own.all("www-authenticate"))
    return [] if theirs == ours else [Difference("header", "WWW-Authenticate", theirs, ours)]


def _methods(values: list[str]) -> str:
    methods = sorted({m.strip().upper() for v in values for m in v.split(",") if m.strip()})
    return ", ".join(methods) or "absent"


def allow(vendor: Answer, own: Answer) -> list[Difference]:
    theirs, ours = _methods(vendor.all("allow")), _methods(own.all("allow"))
    return [] if theirs == ours else [Difference("header", "Allow", theirs, ours)]


def _location(value: str | None) -> str:
    if value is None:
        return "absent"
    return "absolute URL" if re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", value) else "relative"


def location(vendor: Answer, own: Answer) -> list[Difference]:
    theirs, ours = _location(vendor.first("location")), _location(own.first("location"))
    return [] if theirs == ours else [Difference("header", "Location", theirs, ours)]


def parse_set_cookie(value: str) -> tuple[str, str, dict[str, str]]:
    """``(name, value, attributes)``; attribute names in lower case, flags map to ``""``."""
    first, *rest = value.split(";")
    name, _, cookie_value = first.partition("=")
    attributes = {}
    for part in rest:
        key, _, attr = part.partition("=")
        if key.strip():
            attributes[key.strip().lower()] = attr.strip()
    return name.strip(), cookie_value.strip().strip('"'), attributes


def deletes(attributes: dict[str, str]) -> bool:
    """Whether a Set-Cookie removes its cookie (Max-Age 0 or less, or Expires in the past)."""
    max_age = attributes.get("max-age")
    if max_age is not None:
        return max_age.lstrip("-").isdigit() and int(max_age) <= 0
    expires = attributes.get("expires")
    if not expires:
        return False
    try:
        return parsedate_to_datetime(expires).year < 2000
    except (TypeError, ValueError):
        return False


def _cookie_shape(attributes: dict[str, str]) -> str:
    """Attribute names, the values that are format (Path, SameSite), and set or delete;
    expiry instants and domains are data."""
    parts = []
    for name in sorted(attributes):
        value = attributes[name]
        if name in ("path", "samesite"):
            parts.append(f"{name}={value.lower()}")
        else:
            parts.append(name)
    parts.append("deletes" if deletes(attributes) else "sets")
    return "; ".join(parts)


def _cookies(answer: Answer) -> dict[str, str]:
    found = {}
    for value in answer.all("set-cookie"):
        name, _, attributes = parse_set_cookie(value)
        found[name] = _cookie_shape(attributes)
    return found


def cookies(vendor: Answer, own: Answer) -> list[Difference]:
    theirs, ours = _cookies(vendor), _cookies(own)
    found = []
    for name in sorted(theirs.keys() | ours.keys()):
        a, b = theirs.get(name, "absent"), ours.get(name, "absent")
        if a != b:
            found.append(Difference("cookie", name, a, b))
    return found


RULES = (status, content_type, www_authenticate, allow, location, cookies)
