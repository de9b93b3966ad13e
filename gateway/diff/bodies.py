"""A body's grammar (JSON, XML, JSV, other) and its parse, through the dialects' own readers."""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element

from dialects.formats import json, jsv, xmlread
from dialects.formats.errors import DecodeError
from gateway.diff.model import Answer
from gateway.diff.wire import media_type


def grammar(answer: Answer) -> str:
    """``json``, ``xml``, ``jsv``, ``html``, ``text`` or ``empty``: by the declared media
    type, else by the body's first character."""
    if not answer.body.strip():
        return "empty"
    kind = media_type(answer.first("content-type"))[0]
    if kind.endswith(("/json", "+json")):
        return "json"
    if kind.endswith(("/xml", "+xml")):
        return "xml"
    if kind in ("text/jsv", "application/jsv"):
        return "jsv"
    if kind in ("text/html", "application/xhtml"):
        return "html"
    if kind == "-":
        first = answer.body.lstrip()[:1]
        return {b"{": "json", b"[": "json", b"<": "xml"}.get(first, "text")
    return "text"


class Unreadable(Exception):
    pass


def parse(kind: str, body: bytes) -> Any:
    """The tree of a JSON or JSV body (builtins, keys in order) or an XML body's root element;
    ``Unreadable`` when the body does not follow its grammar."""
    try:
        if kind == "json":
            return json.parse(body)
        if kind == "jsv":
            return jsv.parse(body)
        root: Element = xmlread.parse(body)
        return root
    except (DecodeError, ValueError) as exc:
        raise Unreadable(str(exc)) from exc
