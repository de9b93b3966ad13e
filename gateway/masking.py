"""Mask secrets in bodies, headers and query strings before anything is kept or shown.

Bodies are masked by shape, whatever their declared type: JSON members, XML elements,
form fields and JSV members whose names are secret (see ``gateway.secrets``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import parse_qsl, unquote_plus, urlencode

from gateway.secrets import MASK, SECRET_ANCHORS, is_secret

_JSON = re.compile(r'("([\w.-]+)"\s*:\s*)"(?:[^"\\]|\\.)*"')
_XML = re.compile(r"<((?:[\w.-]+:)?([\w.-]+))(\s[^>]*)?>[^<]*</\1>")
_FORM = re.compile(r"(^|&)([^=&]+)=([^&]*)")
_JSV = re.compile(r'([{,]\s*"?([\w.-]+)"?\s*:\s*)(?!\s*["{\[])([^,}\]\r\n]*)')


def _json(m: re.Match[str]) -> str:
    return f'{m.group(1)}"{MASK}"' if is_secret(m.group(2)) else m.group(0)


def _xml(m: re.Match[str]) -> str:
    if not is_secret(m.group(2)):
        return m.group(0)
    return f"<{m.group(1)}{m.group(3) or ''}>{MASK}</{m.group(1)}>"


def _form(m: re.Match[str]) -> str:
    return f"{m.group(1)}{m.group(2)}={MASK}" if is_secret(unquote_plus(m.group(2))) else m.group(0)


def _jsv(m: re.Match[str]) -> str:
    return f"{m.group(1)}{MASK}" if is_secret(m.group(2)) else m.group(0)


def _may_name_secret(text: str) -> bool:
    """Whether a secret name (in any case, with or without ``-``/``_``) occurs in ``text`` at
    all: most bodies hold none, and this costs a few substring searches instead of a callback
    per member."""
    folded = text.lower().replace("-", "").replace("_", "")
    return any(anchor in folded for anchor in SECRET_ANCHORS)


def mask_text(text: str) -> str:
    if not _may_name_secret(text):
        return text
    text = _JSON.sub(_json, text)
    text = _XML.sub(_xml, text)
    text = _JSV.sub(_jsv, text)
    if "=" in text and "\n" not in text and "{" not in text and "<" not in text:
        text = _FORM.sub(_form, text)
    return text


def mask_body(body: bytes, limit: int) -> str:
    """The body as text with secrets masked, cut to ``limit`` characters (marked when cut)."""
    text = mask_text(body.decode("utf-8", errors="replace"))
    return text if len(text) <= limit else text[:limit] + f"... [{len(text) - limit} more]"


@lru_cache(maxsize=1024)
def _secret_header(name: str) -> bool:
    """Header names repeat from request to request: decide each once."""
    return is_secret(name)


def mask_headers(headers: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    masked: dict[str, str] = {}
    for raw_name, raw_value in headers:
        name = raw_name.decode("latin-1").lower()
        value = MASK if _secret_header(name) else raw_value.decode("latin-1")
        masked[name] = f"{masked[name]}, {value}" if name in masked else value
    return masked


#: Headers whose first word is an authentication scheme (``Bearer``, ``Basic``): not secret,
#: and what tells a replay of a recording which credential to send.
_SCHEMED = frozenset({"authorization", "proxy-authorization"})


def mask_header(name: str, value: str) -> str:
    """One header as a recording keeps it: a secret's value masked, but an authentication
    scheme, cookie names and Set-Cookie attributes kept, since a replay needs them and
    none of them is secret."""
    if not _secret_header(name):
        return value
    if name in _SCHEMED:
        scheme, space, _ = value.strip().partition(" ")
        return f"{scheme} {MASK}" if space else MASK
    if name == "cookie":
        names = (part.partition("=")[0].strip() for part in value.split(";"))
        return "; ".join(f"{n}={MASK}" for n in names if n)
    if name == "set-cookie":
        first, sep, attributes = value.partition(";")
        return f"{first.partition('=')[0].strip()}={MASK}{sep}{attributes}"
    return MASK


def mask_query(query_string: bytes) -> str:
    text = query_string.decode("latin-1")
    if not _may_name_secret(text):
        return text
    pairs = parse_qsl(text, keep_blank_values=True)
    return urlencode([(k, MASK if is_secret(k) else v) for k, v in pairs])
