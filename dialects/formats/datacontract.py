"""DataContractSerializer XML (``application/xml``) as ASP.NET Web API and ServiceStack write it.

A DTO declares its data contract namespace as a ClassVar (``xml_namespace =
datacontract_namespace("Domain.Dtos")``) and, if it differs from the class name, its contract
name (``xml_name``). Members are written in DataContract order: base class members first,
each class's members in ordinal order of name, those with a ``[DataMember(Order=n)]``
(the ``xml_order`` ClassVar, name -> n) after the others by n; the root element declares
``xmlns:i`` and the default namespace; a member whose type lives in another namespace
declares it on first use with the serializer's ``d{depth}p1`` prefix; nulls are ``i:nil="true"``.

Reading (``xmlread``) binds members as DataContractSerializer does: in the contract's
namespace and in DataContract order only; it refuses any DTD (so no entity is ever expanded:
billion laughs, external entities) with a DecodeError.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from dialects.formats import schema
from dialects.formats.dotnet import format_double
from dialects.formats.schema import Node, StructPlan
from dialects.formats.xmlread import (
    ARRAYS,
    INSTANCE,
    contract_order,
    item_contract,
    member_namespace,
    namespace_of,
    read_root,
)
from dialects.formats.xmlread import (
    datacontract_namespace as datacontract_namespace,
)
from dialects.formats.xmlread import (
    generic_contract_name as generic_contract_name,
)
from dialects.formats.xmlread import parse as parse

T = TypeVar("T")

MEDIA_TYPE = "application/xml"
_ESCAPE = re.compile(r"[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f]")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


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
            ns = namespace_of(info)

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
            name, ns = item_contract(item_node)

            def items(out: list[str], tag: str, v: Any, depth: int, scope: Scope) -> None:
                start, prefix, inner = _open(tag, ns, depth, scope)
                if not v:
                    out.append(start[:-1] + " />")
                    return
                out.append(start)
                item_tag = prefix + name
                for x in v:
                    item_writer(out, item_tag, x, depth + 1, inner)
                out.append(f"</{tag}>")

            return items
        pair = "KeyValueOfstring" + item_contract(item_node)[0]

        def pairs(out: list[str], tag: str, v: Any, depth: int, scope: Scope) -> None:
            start, p, inner = _open(tag, ARRAYS, depth, scope)
            if not v:
                out.append(start[:-1] + " />")
                return
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

    def children(self, info: StructPlan) -> StructWriter:
        found = self.structs.get(info)
        if found is not None:
            return found
        compiled: list[StructWriter] = []
        self.structs[info] = lambda *args: compiled[0](*args)
        compiled.append(self._compile(info))
        self.structs[info] = compiled[0]
        return compiled[0]

    def _compile(self, info: StructPlan) -> StructWriter:
        """One straight-line function per DTO class, its members in DataContract order: a
        scalar is one append of cached tags around its text, anything else a call."""
        fields = contract_order(info)
        names: dict[str, Any] = {
            "tags": _tag_cache([f.name for f in fields]),
            "_search": _ESCAPE.search,
        }
        unpack = ", ".join(f"o{i}, c{i}, n{i}" for i in range(len(fields)))
        lines = [
            "def write(out, obj, prefix, depth, scope):",
            "    add = out.append",
            f"    {unpack}, = tags(prefix)" if fields else "    pass",
        ]
        own = namespace_of(info)
        for i, f in enumerate(fields):
            ns = member_namespace(f, info)
            if ns != own:
                names[f"m{i}"] = self.nullable(f.node)
                names["_foreign"] = _foreign
                lines.append(
                    f"    _foreign(out, {f.name!r}, obj.{f.name}, depth, scope, {ns!r}, m{i})"
                )
                continue
            lines += [
                f"    v = obj.{f.name}",
                "    if v is None:",
                f"        add(n{i})",
                "    else:",
            ]
            text = _TEXT_EXPRESSIONS.get(f.node.kind)
            if text is None:
                names[f"m{i}"] = self.member(f.node)
                lines.append(f"        m{i}(out, prefix + {f.name!r}, v, depth, scope)")
            else:
                names[f"t{i}"] = _text_of(f.node.kind)
                lines.append(f"        add(o{i} + {text.format(i=i)} + c{i})")
        exec("\n".join(lines), names)
        return names["write"]


StructWriter = Callable[[list[str], Any, str, int, Scope], None]


def _foreign(
    out: list[str], name: str, v: Any, depth: int, scope: Scope, ns: str, write: MemberWriter
) -> None:
    """A member declared in another contract's namespace (an inherited one): its element is
    written with the prefix in scope for that namespace, else with ``xmlns="{ns}"``
    (referencesource ``XmlBaseWriter.StartElement``: no prefix found, the default namespace
    is redeclared; declarations follow the attributes, as ``DeclareNamespaces`` writes
    them)."""
    prefix = scope.get(ns)
    if prefix is not None:
        write(out, prefix + name, v, depth, scope)
        return
    inner = {k: p for k, p in scope.items() if p}
    inner[ns] = ""
    start = len(out)
    write(out, name, v, depth, inner)
    first = out[start]
    head = len(name) + 1
    if first.endswith(' i:nil="true" />'):
        out[start] = first[:-3] + f' xmlns="{ns}" />'
    else:
        out[start] = first[:head] + f' xmlns="{ns}"' + first[head:]


#: How a member's text is written without a call, by kind (``t{i}`` is :func:`_text_of`).
_TEXT_EXPRESSIONS = {
    "str": "(t{i}(v) if _search(v) else v)",
    "int": "str(v)",
    "bool": "('true' if v else 'false')",
    "uuid": "str(v)",
    "enum": "v.name",
    "datetime": "v.isoformat()",
    "float": "t{i}(v)",
}


def _tag_cache(names: list[str]) -> Callable[[str], tuple[str, ...]]:
    """(start tag, end tag, nil element) of every member, per namespace prefix."""
    cache: dict[str, tuple[str, ...]] = {}

    def tags(prefix: str) -> tuple[str, ...]:
        found = cache.get(prefix)
        if found is None:
            found = cache[prefix] = tuple(
                tag
                for name in names
                for tag in (
                    f"<{prefix}{name}>",
                    f"</{prefix}{name}>",
                    f'<{prefix}{name} i:nil="true" />',
                )
            )
        return found

    return tags


_writers = _Writers()


class DataContractXml:
    """The DataContractSerializer codec."""

    media_type = MEDIA_TYPE

    def encode(self, obj: Any) -> bytes:
        info = schema.plan(type(obj))
        ns = namespace_of(info)
        out = [f'<{info.name} xmlns:i="{INSTANCE}" xmlns="{ns}">']
        _writers.children(info)(out, obj, "", 2, {ns: "", INSTANCE: "i:"})
        out.append(f"</{info.name}>")
        return "".join(out).encode()

    def decode(self, buf: bytes, type_: type[T]) -> T:
        info = schema.plan(type_)  # type: ignore[arg-type]
        return schema.convert_normalized(read_root(buf, info), type_)
