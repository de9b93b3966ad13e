"""Reading DataContract XML: the parse that refuses DTDs, and a reader per DTO class.

Read as DataContractSerializer reads (mono/mono referencesource,
``XmlObjectSerializerReadContext.GetMemberIndex``, ``XmlFormatReaderGenerator.ReadMembers`` /
``ReadCollection``): a member element binds only with its name in the contract's namespace
and only after the members bound before it in DataContract order (an element for an earlier
member, a repeated one or an unknown one is skipped); a collection item binds only as the item
contract's element. Prefixes and white space do not matter. The readers build the tree
:func:`schema.convert_normalized` turns into the DTO.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import re
from collections.abc import Callable
from typing import Any
from xml.etree.ElementTree import XML, Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from dialects.formats import schema
from dialects.formats.errors import DecodeError
from dialects.formats.schema import FieldPlan, Node, StructPlan

INSTANCE = "http://www.w3.org/2001/XMLSchema-instance"
ARRAYS = "http://schemas.microsoft.com/2003/10/Serialization/Arrays"
_NIL = f"{{{INSTANCE}}}nil"
_KEY = f"{{{ARRAYS}}}Key"
_VALUE = f"{{{ARRAYS}}}Value"
#: The encoding an XML declaration names (expat reads UTF-8 when there is none).
_ENCODING = re.compile(rb"(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)")


def datacontract_namespace(clr_namespace: str) -> str:
    """The default data contract namespace of a CLR namespace (``Domain.Dtos``)."""
    return "http://schemas.datacontract.org/2004/07/" + clr_namespace


#: Namespaces whose types never add a digest to a generic contract name (``IsBuiltInNamespace``).
_BUILT_IN = (
    "http://www.w3.org/2001/XMLSchema",
    "http://schemas.microsoft.com/2003/10/Serialization/",
)


def generic_contract_name(generic: str, *arguments: tuple[str, str]) -> str:
    """DataContractSerializer's default name of a closed generic type (``QueryResponse<T>``):
    ``{generic}Of{argument names}`` plus, when an argument lives outside the built-in
    namespaces, the digest of ``" {count} {ns}..."``: base64 of the first 6 bytes of its MD5,
    ``=`` dropped, ``/`` -> ``_S``, ``+`` -> ``_P`` (referencesource ``DataContract.cs``
    ``GetDefaultStableLocalName``, ``GetNamespacesDigest``). ``arguments`` are (name, namespace).
    """
    name = generic + "Of" + "".join(arg for arg, _ in arguments)
    if all(ns in _BUILT_IN for _, ns in arguments):
        return name
    namespaces = f" {len(arguments)}" + "".join(f" {ns}" for _, ns in arguments)
    digest = base64.b64encode(
        hashlib.md5(namespaces.encode(), usedforsecurity=False).digest()[:6]
    ).decode()
    return name + digest.rstrip("=").replace("/", "_S").replace("+", "_P")


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


def namespace_uri(tag: str) -> str:
    """The namespace of an ElementTree tag (empty when it has none)."""
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


#: Data contract names of primitive list items and dictionary types (in ARRAYS).
PRIMITIVE_NAMES = {
    "str": "string",
    "int": "int",
    "float": "double",
    "bool": "boolean",
    "uuid": "guid",
    "datetime": "dateTime",
}


def item_contract(node: Node) -> tuple[str, str]:
    """(element name, namespace) of a collection item of this type."""
    if node.kind == "struct":
        assert node.struct is not None
        return node.struct.name, namespace_of(node.struct)
    if node.kind == "enum":
        assert node.enum is not None
        return node.enum.__name__, getattr(node.enum, "xml_namespace", ARRAYS)
    if node.kind == "list":
        assert node.item is not None
        return "ArrayOf" + item_contract(node.item)[0], ARRAYS
    if node.kind == "dict":
        assert node.item is not None
        return "ArrayOfKeyValueOfstring" + item_contract(node.item)[0], ARRAYS
    return PRIMITIVE_NAMES[node.kind], ARRAYS


def member_namespace(f: FieldPlan, info: StructPlan) -> str:
    """The namespace of a member's element: the contract that declared it (an inherited
    member stays in its base contract's namespace: referencesource ``ClassDataContract``
    ``MemberNames`` / ``ContractNamespaces`` hold one entry per class of the hierarchy)."""
    if f.namespace == info.namespace:
        return namespace_of(info)
    return f.namespace or datacontract_namespace("")


def contract_order(info: StructPlan) -> list[FieldPlan]:
    """Members in DataContract order: base class first, then ``[DataMember(Order=n)]``
    (members without one count as -1), then ordinal name."""
    order = info.order
    return sorted(info.fields, key=lambda f: (f.level, order.get(f.name, -1), f.name))


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
                name, ns = item_contract(node.item)
                tag = f"{{{ns}}}{name}"
                return lambda e, depth: [item(c, depth + 1) for c in e if c.tag == tag]
            tag = f"{{{ARRAYS}}}KeyValueOfstring{item_contract(node.item)[0]}"
            return lambda e, depth: {
                key: item(value, depth + 1) for key, value in (_pair(c) for c in e if c.tag == tag)
            }
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
        #: qualified element name -> (position in contract order, wire name, reader)
        members: dict[str, tuple[int, str, Reader]] = {}

        def read(e: Element, depth: int) -> dict[str, Any]:
            out = {}
            last = -1
            for child in e:
                member = members.get(child.tag)
                if member is None or member[0] <= last:
                    continue
                last = member[0]
                if child.get(_NIL) == "true":
                    out[member[1]] = None
                elif depth >= schema.MAX_DEPTH:
                    raise DecodeError(f"nested deeper than {schema.MAX_DEPTH} levels")
                else:
                    out[member[1]] = member[2](child, depth + 1)
            return out

        self.structs[info] = read
        for position, f in enumerate(contract_order(info)):
            # An inherited member is read in its base contract's namespace.
            tag = f"{{{member_namespace(f, info)}}}{f.name}"
            members[tag] = (position, f.wire, self.node(f.node))
        return read


def _pair(e: Element) -> tuple[str, Element]:
    key = value = None
    for child in e:
        if child.tag == _KEY and key is None:
            key = child.text or ""
        elif child.tag == _VALUE and key is not None and value is None:
            value = child
    if key is None or value is None:
        raise DecodeError(f"a dictionary entry needs a Key and a Value: {local_name(e.tag)}")
    return key, value


readers = _Readers()


def read_root(buf: bytes, info: StructPlan) -> dict[str, Any]:
    """The tree of the document's root, which must be the contract's element in its
    namespace (DataContractSerializer.ReadObject refuses any other root with a
    SerializationException)."""
    root = parse(buf)
    ns = namespace_of(info)
    if root.tag != f"{{{ns}}}{info.name}":
        raise DecodeError(
            f"Expecting element '{info.name}' from namespace '{ns}'.. Encountered 'Element' "
            f" with name '{local_name(root.tag)}', namespace '{namespace_uri(root.tag)}'. "
        )
    return readers.struct(info)(root, 0)
