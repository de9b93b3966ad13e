"""Journal bodies laid out for a person: JSON, XML, JSV and form bodies indented, one field a line.

The format comes from the body's Content-Type, else from its first character. A body that does
not parse in its format (cut by the journal's bound, or simply malformed) is shown as recorded:
the page never guesses, and a hostile body is text either way.
"""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import parse_qsl
from xml.dom.minidom import Node
from xml.parsers.expat import ExpatError

import msgspec
from defusedxml import DefusedXmlException
from defusedxml.minidom import parseString

from dialects.formats import jsv
from dialects.formats.errors import DecodeError
from gateway.journal import JournalEntry

Format = Literal["json", "xml", "jsv", "form", "text", "empty"]

#: What ``masking.mask_body`` appends to a body it cut.
_CUT = re.compile(r"\.\.\. \[\d+ more\]\Z")
_DECLARATION = re.compile(r"\A<\?xml[^>]*\?>\s*")


class Body(msgspec.Struct, kw_only=True):
    format: Format
    #: Laid out when ``pretty``; else the body as the journal holds it.
    text: str
    pretty: bool
    #: The journal kept only the start of this body.
    cut: bool


class Exchange(msgspec.Struct, kw_only=True):
    """One journal entry with both bodies laid out (``GET /__admin/requests/{id}``)."""

    entry: JournalEntry
    request: Body
    response: Body


def exchange(entry: JournalEntry) -> Exchange:
    return Exchange(
        entry=entry,
        request=body(entry.request_body, entry.request_headers.get("content-type", "")),
        response=body(entry.response_body, entry.response_headers.get("content-type", "")),
    )


def body(text: str, content_type: str) -> Body:
    """``text`` laid out in the format its ``content_type`` (or first character) says."""
    cut = _CUT.search(text) is not None
    kind = detect(text, content_type)
    if cut or kind in ("text", "empty"):
        return Body(format=kind, text=text, pretty=False, cut=cut)
    try:
        laid_out = _LAYOUT[kind](text)
    except (ValueError, ExpatError, DecodeError, DefusedXmlException, RecursionError):
        # msgspec's DecodeError and a strict form parse's error are ValueErrors; nesting
        # deeper than the parsers go is a RecursionError.
        return Body(format=kind, text=text, pretty=False, cut=False)
    return Body(format=kind, text=laid_out, pretty=True, cut=False)


def detect(text: str, content_type: str) -> Format:
    media = content_type.partition(";")[0].strip().lower()
    stripped = text.lstrip()
    if not stripped:
        return "empty"
    if "json" in media:
        return "json"
    if "xml" in media:
        return "xml"
    if "jsv" in media:
        return "jsv"
    if media == "application/x-www-form-urlencoded":
        return "form"
    if stripped[0] in "{[":
        return "json" if _is_json(stripped) else "jsv"
    if stripped[0] == "<":
        return "xml"
    if "=" in text and not any(c.isspace() for c in text):
        return "form"
    return "text"


def _is_json(text: str) -> bool:
    try:
        msgspec.json.decode(text)
    except msgspec.DecodeError:
        return False
    return True


def _json(text: str) -> str:
    return msgspec.json.format(text, indent=2)


def _xml(text: str) -> str:
    """Indented by minidom (prefixes kept as sent); DTDs and entities are refused."""
    document = parseString(text.encode(), forbid_dtd=True)
    _drop_blank_text(document)
    laid_out = _DECLARATION.sub("", document.toprettyxml(indent="  ")).rstrip("\n")
    declared = _DECLARATION.match(text.lstrip())
    return declared.group().strip() + "\n" + laid_out if declared else laid_out


def _drop_blank_text(node: Node) -> None:
    for child in list(node.childNodes):
        if child.nodeType == Node.TEXT_NODE and not child.data.strip():
            node.removeChild(child)
        else:
            _drop_blank_text(child)


def _form(text: str) -> str:
    pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True)
    return "\n".join(f"{name} = {value}" for name, value in pairs)


def _jsv(text: str) -> str:
    return jsv.layout(text.encode())


_LAYOUT = {"json": _json, "xml": _xml, "jsv": _jsv, "form": _form}
