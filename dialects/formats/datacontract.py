"""DataContractSerializer XML (``application/xml``) as ASP.NET Web API and ServiceStack write it.

A DTO declares its data contract namespace as a ClassVar (``xml_namespace =
datacontract_namespace("Domain.Dtos")``) and, if it differs from the class name, its contract
name (``xml_name``). Members are written in DataContract order: base class members first,
each class's members in ordinal order of name, those with a ``[DataMember(Order=n)]``
(the ``xml_order`` ClassVar, name -> n) after the others by n; the root element declares
``xmlns:i`` and the default namespace; a member whose type lives in another namespace
declares it on first use with the serializer's ``d{depth}p1`` prefix; nulls are ``i:nil="true"``.

Reading is tolerant of white space, member order and prefixes, and refuses any DTD (so no
entity is ever expanded: billion laughs, external entities) with a DecodeError.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from dialects.formats import schema
from dialects.formats.dotnet import format_double
from dialects.formats.errors import DecodeError
from dialects.formats.schema import Node, StructPlan

T = TypeVar("T")

MEDIA_TYPE = "application/xml"
INSTANCE = "http://www.w3.org/2001/XMLSchema-instance"
ARRAYS = "http://schemas.microsoft.com/2003/10/Serialization/Arrays"
_NIL = f"{{{INSTANCE}}}nil"

#: Data contract names of primitive list items and dictionary types (in ARRAYS).
_PRIMITIVE_NAMES = {
    "str": "string",
    "int": "int",
    "float": "double",
    "bool": "boolean",
    "uuid": "guid",
    "datetime": "dateTime",
}
_ESCAPE = re.compile(r"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f]")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def datacontract_namespace(clr_namespace: str) -> str:
    """The default data contract namespace of a CLR namespace (``Domain.Dtos``)."""
    return "http://schemas.datacontract.org/2004/07/" + clr_namespace


def _escape(text: str) -> str:
    if not _ESCAPE.search(text):
        return text
    return _ESCAPE.sub(lambda m: _ENTITIES.get(m.group()) or f"&#x{ord(m.group()):X};", text)


Scope = dict[str, str]
# (out, tag, value, depth, scope): append the member element ``tag`` holding ``value``.
MemberWriter = Callable[[list[str], str, Any, int, Scope], None]


def _text_of(kind: str) -> Callable[[Any], str]:
    if kind == "str":
        return _escape
    if kind == "bool":
        return lambda v: "true" if v else "false"
    if kind == "float":
        return lambda v: format_double(v, infinity="INF")
    if kind == "datetime":
        return lambda v: v.isoformat()
    if kind == "enum":
        return lambda v: v.name
    return str


def _item_contract(node: Node) -> tuple[str, str]:
    """(element name, namespace) of a collection item of this type."""
    if node.kind == "struct":
        assert node.struct is not None
        return node.struct.name, _namespace(node.struct)
    if node.kind == "enum":
        assert node.enum is not None
        return node.enum.__name__, getattr(node.enum, "xml_namespace", ARRAYS)
    if node.kind == "list":
        assert node.item is not None
        return "ArrayOf" + _item_contract(node.item)[0], ARRAYS
    if node.kind == "dict":
        assert node.item is not None
        return "ArrayOfKeyValueOfstring" + _item_contract(node.item)[0], ARRAYS
    return _PRIMITIVE_NAMES[node.kind], ARRAYS


def _namespace(info: StructPlan) -> str:
    return info.namespace or datacontract_namespace("")


def _open(tag: str, ns: str, depth: int, scope: Scope) -> tuple[str, str, Scope]:
    """Start tag of an element whose children live in ``ns``: (start tag, child prefix
    with colon, scope for the children)."""
    prefix = scope.get(ns)
    if prefix is not None:
        return f"<{tag}>", prefix, scope
    prefix = f"d{depth}p1"
    return f'<{tag} xmlns:{prefix}="{ns}">', prefix + ":", {**scope, ns: prefix + ":"}


class _Writers:
    def __init__(self) -> None:
        self.structs: dict[StructPlan, Callable[[list[str], Any, str, int, Scope], None]] = {}

    def member(self, node: Node) -> MemberWriter:
        kind = node.kind
        if kind == "struct":
            assert node.struct is not None
            info = node.struct
            ns = _namespace(info)

            def struct_member(out: list[str], tag: str, v: Any, depth: int, scope: Scope) -> None:
                start, prefix, inner = _open(tag, ns, depth, scope)
                out.append(start)
                self.children(info)(out, v, prefix, depth + 1, inner)
                out.append(f"</{tag}>")

            return struct_member
        if kind in ("list", "dict"):
            assert node.item is not None
            return self._collection(node)
        text = _text_of(kind)

        def scalar(out: list[str], tag: str, v: Any, depth: int, scope: Scope) -> None:
            out.append(f"<{tag}>{text(v)}</{tag}>")

        return scalar

    def _collection(self, node: Node) -> MemberWriter:
        assert node.item is not None
        item_node = node.item
        item_writer = self.nullable(item_node)
        if node.kind == "list":
            name, ns = _item_contract(item_node)

            def items(out: list[str], tag: str, v: Any, depth: int, scope: Scope) -> None:
                start, prefix, inner = _open(tag, ns, depth, scope)
                out.append(start)
                item_tag = prefix + name
                for x in v:
                    item_writer(out, item_tag, x, depth + 1, inner)
                out.append(f"</{tag}>")

            return items
        pair = "KeyValueOfstring" + _item_contract(item_node)[0]

        def pairs(out: list[str], tag: str, v: Any, depth: int, scope: Scope) -> None:
            start, p, inner = _open(tag, ARRAYS, depth, scope)
            out.append(start)
            for key, x in v.items():
                out.append(f"<{p}{pair}><{p}Key>{_escape(key)}</{p}Key>")
                item_writer(out, p + "Value", x, depth + 2, inner)
                out.append(f"</{p}{pair}>")
            out.append(f"</{tag}>")

        return pairs

    def nullable(self, node: Node) -> MemberWriter:
        write = self.member(node)

        def maybe(out: list[str], tag: str, v: Any, depth: int, scope: Scope) -> None:
            if v is None:
                out.append(f'<{tag} i:nil="true" />')
            else:
                write(out, tag, v, depth, scope)

        return maybe

    def children(self, info: StructPlan) -> Callable[[list[str], Any, str, int, Scope], None]:
        found = self.structs.get(info)
        if found is not None:
            return found
        members: list[tuple[str, str, MemberWriter]] = []

        def write(out: list[str], obj: Any, prefix: str, depth: int, scope: Scope) -> None:
            for attr, name, member in members:
                member(out, prefix + name, getattr(obj, attr), depth, scope)

        self.structs[info] = write
        order = info.order
        for f in sorted(info.fields, key=lambda f: (f.level, order.get(f.name, -1), f.name)):
            members.append((f.name, f.name, self.nullable(f.node)))
        return write


_writers = _Writers()


class DataContractXml:
    """The DataContractSerializer codec."""

    media_type = MEDIA_TYPE

    def encode(self, obj: Any) -> bytes:
        info = schema.plan(type(obj))
        ns = _namespace(info)
        out = [f'<{info.name} xmlns:i="{INSTANCE}" xmlns="{ns}">']
        _writers.children(info)(out, obj, "", 2, {ns: "", INSTANCE: "i:"})
        out.append(f"</{info.name}>")
        return "".join(out).encode()

    def decode(self, buf: bytes, type_: type[T]) -> T:
        info = schema.plan(type_)  # type: ignore[arg-type]
        root = parse(buf)
        if _local(root.tag) != info.name:
            raise DecodeError(f"expecting element '{info.name}', found '{_local(root.tag)}'")
        return schema.convert(_readers.struct(info)(root, 0), type_)


def parse(buf: bytes) -> Element:
    """The document's root element; DTDs, entities and malformed XML are DecodeErrors."""
    try:
        return fromstring(buf, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except ParseError as exc:
        line, column = exc.position
        offset = sum(len(part) + 1 for part in buf.split(b"\n")[: line - 1]) + column
        raise DecodeError(f"malformed XML: {exc}", position=offset) from exc
    except DefusedXmlException as exc:
        raise DecodeError(f"XML refused: {exc}") from exc


def _local(tag: str) -> str:
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
                member = members.get(_local(child.tag))
                if member is not None:
                    out[member[0]] = member[1](child, depth + 1)
            return out

        self.structs[info] = read
        for f in info.fields:
            members[f.name] = (f.wire, self.nullable(f.node))
        return read


def _pair(e: Element) -> tuple[str, Element]:
    key = value = None
    for child in e:
        name = _local(child.tag)
        if name == "Key":
            key = child.text or ""
        elif name == "Value":
            value = child
    if key is None or value is None:
        raise DecodeError(f"a dictionary entry needs a Key and a Value: {_local(e.tag)}")
    return key, value


_readers = _Readers()
