"""Reading DataContract XML: the parse that refuses DTDs, and a reader per DTO class.

Tolerant of white space, member order, prefixes and unknown members, as
DataContractSerializer is; the readers build the tree :func:`schema.bind` turns into the DTO.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import Any
from xml.etree.ElementTree import XML, Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from dialects.formats import schema
from dialects.formats.errors import DecodeError
from dialects.formats.schema import Node, StructPlan

INSTANCE = "http://www.w3.org/2001/XMLSchema-instance"
_NIL = f"{{{INSTANCE}}}nil"
#: The encoding an XML declaration names (expat reads UTF-8 when there is none).
_ENCODING = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)")


def datacontract_namespace(clr_namespace: str) -> str:
    """The default data contract namespace of a CLR namespace (``Domain.Dtos``)."""
    return "http://schemas.datacontract.org/2004/07/" + clr_namespace


def namespace_of(info: StructPlan) -> str:
    """The data contract namespace of a DTO class."""
    return info.namespace or datacontract_namespace("")


def parse(buf: bytes) -> Element:
    """The document's root element; DTDs, entities and malformed XML are DecodeErrors."""
    if _plain_utf8(buf):
        with contextlib.suppress(ParseError):
            return XML(buf)
    try:
        return fromstring(buf, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except ParseError as exc:
        line, column = exc.position
        offset = sum(len(part) + 1 for part in buf.split(b"\n")[: line - 1]) + column
        raise DecodeError(f"malformed XML: {exc}", position=offset) from exc
    except DefusedXmlException as exc:
        raise DecodeError(f"XML refused: {exc}") from exc


def _plain_utf8(buf: bytes) -> bool:
    """Whether expat reads ``buf`` as UTF-8 and finds no DTD in it, so that the C parser may
    read it (defusedxml's pure-Python one costs five times as much). In UTF-8 a DOCTYPE is
    those very bytes; any other encoding (UTF-16 has NUL bytes) goes to defusedxml."""
    if b"<!DOCTYPE" in buf or b"\x00" in buf:
        return False
    declared = _ENCODING.match(buf)
    return declared is None or declared.group(1).lower() == b"utf-8"


def local_name(tag: str) -> str:
    """An element name without its namespace."""
    return tag.rpartition("}")[2]


Reader = Callable[[Element, int], Any]


class _Readers:
    def __init__(self) -> None:
        self.structs: dict[StructPlan, Reader] = {}

    def node(self, node: Node) -> Reader:
        kind = node.kind
        if kind == "struct":
            assert node.struct is not None
            return self.struct(node.struct)
        if kind in ("list", "dict"):
            assert node.item is not None
            item = self.nullable(node.item)
            if kind == "list":
                return lambda e, depth: [item(c, depth + 1) for c in e]
            return lambda e, depth: {_pair(c)[0]: item(_pair(c)[1], depth + 1) for c in e}
        if kind == "str":
            return lambda e, depth: e.text or ""
        if kind == "enum":
            assert node.enum is not None
            enum = node.enum

            def member(e: Element, depth: int) -> Any:
                text = (e.text or "").strip()
                try:
                    return enum.from_wire(text)
                except ValueError:
                    return text

            return member
        return lambda e, depth: (e.text or "").strip()

    def nullable(self, node: Node) -> Reader:
        read = self.node(node)

        def maybe(e: Element, depth: int) -> Any:
            if e.get(_NIL) == "true":
                return None
            if depth > schema.MAX_DEPTH:
                raise DecodeError(f"nested deeper than {schema.MAX_DEPTH} levels")
            return read(e, depth)

        return maybe

    def struct(self, info: StructPlan) -> Reader:
        found = self.structs.get(info)
        if found is not None:
            return found
        members: dict[str, tuple[str, Reader]] = {}

        def read(e: Element, depth: int) -> dict[str, Any]:
            out = {}
            for child in e:
                member = members.get(child.tag) or members.get(local_name(child.tag))
                if member is None:
                    continue
                if child.get(_NIL) == "true":
                    out[member[0]] = None
                elif depth >= schema.MAX_DEPTH:
                    raise DecodeError(f"nested deeper than {schema.MAX_DEPTH} levels")
                else:
                    out[member[0]] = member[1](child, depth + 1)
            return out

        self.structs[info] = read
        ns = namespace_of(info)
        for f in info.fields:
            member = (f.wire, self.node(f.node))
            members[f.name] = members[f"{{{ns}}}{f.name}"] = member
        return read


def _pair(e: Element) -> tuple[str, Element]:
    key = value = None
    for child in e:
        name = local_name(child.tag)
        if name == "Key":
            key = child.text or ""
        elif name == "Value":
            value = child
    if key is None or value is None:
        raise DecodeError(f"a dictionary entry needs a Key and a Value: {local_name(e.tag)}")
    return key, value


readers = _Readers()
