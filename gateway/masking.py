"""Mask secrets in bodies, headers and query strings before anything is kept or shown.

A body is decided on its parsed value, never on its text: it is read as JSON, XML, JSV or a
form (whatever its declared type), and every member, element, attribute or field whose
decoded name is secret (see ``gateway.secrets``) loses its value, however the text spelled
the name or the value (``"Pass\\u0077ord"``, CDATA, character references, JSV quotes,
percent-encoding). A body that holds a secret is written back from the masked value (JSON
compact, XML and JSV re-serialised; a form keeps every other field as sent). A body none of
these can read that may name a secret is withheld whole: it cannot be masked with certainty.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode
from xml.etree.ElementTree import Element, tostring

from defusedxml.ElementTree import fromstring as xml_fromstring

from dialects.formats import jsv
from dialects.formats.errors import DecodeError
from gateway.secrets import MASK, SECRET_ANCHORS, is_secret

_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
#: The last name of a form field (``dto.Password``, ``a[password]``, ``Password[]``).
_FORM_NAME = re.compile(r"([^.\[\]]+)[\[\].]*$")
#: A field name as model binders read them: words, dots, brackets (``a[0].b``, ``c[d]``).
_FORM_FIELD = re.compile(r"[\w$-]+(?:[.\[\]][\w$-]*)*")


def _folded(text: str) -> str:
    return text.lower().replace("-", "").replace("_", "")


def _may_name_secret(text: str) -> bool:
    """Whether a secret name may occur in ``text`` in any spelling: most bodies hold none, and
    this costs a few substring searches instead of a parse. Escapes are undone first, so
    ``P\\u0061ssword``, ``P&#97;ssword`` and ``P%61ssword`` count."""
    if "\\u" in text:
        text = _JSON_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    if "&" in text:
        text = html.unescape(text)
    if "%" in text or "+" in text:
        text = unquote_plus(text)
    folded = _folded(text)
    return any(anchor in folded for anchor in SECRET_ANCHORS)


def _secret_pairs(pairs: list[tuple[str, Any]]) -> tuple[list[tuple[str, Any]], bool]:
    out, hit = [], False
    for key, value in pairs:
        if is_secret(key) and value not in (None, ""):
            out.append((key, MASK))
            hit = True
        else:
            masked, inner = _masked_tree(value)
            out.append((key, masked))
            hit = hit or inner
    return out, hit


def _masked_tree(tree: Any) -> tuple[Any, bool]:
    """JSON or JSV as parsed (objects as lists of pairs, so no duplicate hides): the masked
    tree and whether anything was masked."""
    if isinstance(tree, _Pairs):
        pairs, hit = _secret_pairs(tree)
        return _Pairs(pairs), hit
    if isinstance(tree, dict):
        pairs, hit = _secret_pairs(list(tree.items()))
        return dict(pairs), hit
    if isinstance(tree, list):
        items = [_masked_tree(v) for v in tree]
        return [v for v, _ in items], any(h for _, h in items)
    return tree, False


class _Pairs(list):
    """A JSON object's members in order, duplicates kept."""


def _as_dicts(tree: Any) -> Any:
    if isinstance(tree, _Pairs):
        return {k: _as_dicts(v) for k, v in tree}  # masked duplicates collapse: fine
    if isinstance(tree, list):
        return [_as_dicts(v) for v in tree]
    return tree


def _mask_json(text: str) -> str | None:
    try:
        tree = json.loads(text, object_pairs_hook=_Pairs)
    except (ValueError, RecursionError):
        return None
    masked, hit = _masked_tree(tree)
    if not hit:
        return text
    return json.dumps(_as_dicts(masked), ensure_ascii=False, separators=(",", ":"))


def _mask_element(element: Element) -> bool:
    hit = False
    for name, value in element.attrib.items():
        if is_secret(name.rpartition("}")[2]) and value:
            element.set(name, MASK)
            hit = True
    if is_secret(element.tag.rpartition("}")[2]) and (element.text or len(element)):
        element.text = MASK
        for child in list(element):
            element.remove(child)
        return True
    for child in element:
        hit = _mask_element(child) or hit
    return hit


def _mask_xml(text: str) -> str | None:
    try:
        root = xml_fromstring(text.encode("utf-8"))
    except Exception:  # defusedxml refuses entities and DTDs with its own errors
        return None
    if not _mask_element(root):
        return text
    return tostring(root, encoding="unicode")


def _mask_jsv(text: str) -> str | None:
    try:
        tree = jsv.read(text.encode("utf-8"))
    except (DecodeError, RecursionError):
        return None
    masked, hit = _masked_tree(tree)
    return jsv.write_tree(masked) if hit else text


def _mask_form(text: str) -> str | None:
    """Each ``name=value`` as sent, but the values of secret names; None unless every field
    has a name a form binder reads (so XML or prose with an ``=`` is no form)."""
    fields = text.split("&")
    for i, field in enumerate(fields):
        raw_name, sep, _ = field.partition("=")
        name = unquote_plus(raw_name).strip()
        if not sep or not _FORM_FIELD.fullmatch(name):
            if field.strip():
                return None
            continue
        if is_secret(_FORM_NAME.search(name).group(1)):  # type: ignore[union-attr]
            fields[i] = f"{raw_name}={MASK}"
    return "&".join(fields)


def mask_text(text: str) -> str:
    """``text`` with the value of every secret-named member masked (see the module)."""
    if not _may_name_secret(text):
        return text
    # white space around a document (a BOM, a no-break space) is not part of its value
    body = text.strip().lstrip("\ufeff")
    start = body[:1]
    readers = [_mask_xml] if start == "<" else [_mask_json]
    if start in ("{", "["):
        readers.append(_mask_jsv)
    readers.append(_mask_form)
    for read in readers:
        masked = read(body)
        if masked is body:  # nothing to mask: the text as it came
            return text
        if masked is not None:
            return masked
    return f"[{len(text)} characters withheld: unreadable, and may hold a secret]"


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
