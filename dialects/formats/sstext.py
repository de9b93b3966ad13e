"""ServiceStack.Text's writers (TypeSerializer for JSV, JsonSerializer for JSON), compiled.

Both walk a DTO the same way (WriteType.WriteProperties): members in declared order, a null
member left out, ``{`` name ``:`` value ``,`` ... ``}``; they differ in how a name and each
scalar is spelled, which a :class:`Style` says. A writer is compiled once per (style, type)
into nested closures, so writing is one pass over the value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

from dialects.formats.dotnet import NetDateTime, NetEnum, format_double
from dialects.formats.schema import Node, StructPlan, node_of

Write = Callable[[Any], str]

#: JsWriter.EscapeChars; leading or trailing white space is quoted too (see
#: docs/wire/formats.md).
_JSV_ESCAPE = re.compile(r'[",:{}\[\]\r\n]').search


def jsv_string(value: str) -> str:
    """StringExtensions.EncodeJsv: quoted (inner quotes doubled) only when needed."""
    if not value:
        return '""'
    if _JSV_ESCAPE(value) or value[0].isspace() or value[-1].isspace():
        return '"' + value.replace('"', '""') + '"'
    return value


def _wcf_text(value: NetDateTime) -> str:
    return '"' + value.wcf().replace("/", "\\/") + '"'


def _wcf_json(value: NetDateTime) -> str:
    return value.formatted(_wcf_text)


def _shortest_xsd(value: NetDateTime) -> str:
    return value.formatted(NetDateTime.shortest_xsd)


def _json_double(value: float) -> str:
    text = format_double(value)
    return "null" if text[-1] in "yN" else text


@dataclass(frozen=True, slots=True)
class Style:
    """How one ServiceStack serializer spells names and scalars."""

    name: Callable[[str], str]
    string: Callable[[str], str]
    true: str
    false: str
    double: Callable[[float], str]
    datetime: Callable[[NetDateTime], str]
    null_item: str
    guid_format: str = "N"
    #: Kinds ("uuid", "datetime") whose .NET default value is left out like a null, as
    #: WriteType does for value types a host registered its own SerializeFn for.
    omit_default: frozenset[str] = frozenset()


def jsv_style(guid_format: str = "N", omit_default: frozenset[str] = frozenset()) -> Style:
    return Style(
        name=jsv_string,
        string=jsv_string,
        true="True",
        false="False",
        double=format_double,
        datetime=_shortest_xsd,
        null_item="",
        guid_format=guid_format,
        omit_default=omit_default,
    )


def json_style(guid_format: str = "N", omit_default: frozenset[str] = frozenset()) -> Style:
    return Style(
        name=encode_basestring,
        string=encode_basestring,
        true="true",
        false="false",
        double=_json_double,
        datetime=_wcf_json,
        null_item="null",
        guid_format=guid_format,
        omit_default=omit_default,
    )


#: Whether a member ``v`` of a kind a host may omit holds that kind's .NET default, as an
#: expression for compiled code (no Python-level ``__eq__``): Guid.Empty has no bit set,
#: DateTime.MinValue is tick 0 of no kind and no offset.
IS_DEFAULT: dict[str, str] = {
    "uuid": "v.int == 0",
    "datetime": "not (v.ticks or v.kind or v.offset)",
}


class Compiler:
    """Builds and caches the writers of one style."""

    def __init__(self, style: Style) -> None:
        self.style = style
        self._structs: dict[StructPlan, Write] = {}
        self._types: dict[Any, Write] = {}

    def for_type(self, type_: Any) -> Write:
        found = self._types.get(type_)
        if found is None:
            found = self._types[type_] = self.node(node_of(type_))
        return found

    def node(self, node: Node) -> Write:
        style = self.style
        kind = node.kind
        if kind == "str":
            return style.string
        if kind == "int":
            return str
        if kind == "float":
            return style.double
        if kind == "bool":
            true, false = style.true, style.false
            return lambda v: true if v else false
        if kind == "uuid":
            quote = '"' if style.null_item == "null" else ""
            if style.guid_format == "N":
                return lambda v: quote + v.hex + quote
            return lambda v: quote + str(v) + quote
        if kind == "datetime":
            return style.datetime
        if kind == "enum":
            return _enum_writer(style)
        if kind == "struct":
            assert node.struct is not None
            return self._struct(node.struct)
        assert node.item is not None
        item = self.node(node.item)
        null = style.null_item
        if kind == "list":
            return lambda v: "[" + ",".join([null if x is None else item(x) for x in v]) + "]"
        key = style.string
        return lambda v: (
            "{"
            + ",".join([key(k) + ":" + (null if x is None else item(x)) for k, x in v.items()])
            + "}"
        )

    def _struct(self, info: StructPlan) -> Write:
        found = self._structs.get(info)
        if found is not None:
            return found
        compiled: list[Write] = []
        self._structs[info] = lambda obj: compiled[0](obj)
        compiled.append(self._compile_struct(info))
        self._structs[info] = compiled[0]
        return compiled[0]

    def _compile_struct(self, info: StructPlan) -> Write:
        """One straight-line function per DTO class (a loop over member tuples costs twice
        as much): a member at a time, null (or an omitted default) left out."""
        names: dict[str, Any] = {"_jsv": jsv_string}
        lines = ["def write(obj):", "    parts = []", "    add = parts.append"]
        for i, f in enumerate(info.fields):
            names[f"p{i}"] = self.style.name(f.wire) + ":"
            names[f"w{i}"] = self.node(f.node)
            value = self._inline(f.node) or f"w{i}(v)"
            test = "v is not None"
            if f.node.kind in self.style.omit_default and not f.node.nullable:
                test += f" and not ({IS_DEFAULT[f.node.kind]})"
            lines += [f"    v = obj.{f.name}", f"    if {test}:", f"        add(p{i} + {value})"]
        lines.append('    return "{" + ",".join(parts) + "}"')
        exec("\n".join(lines), names)
        return names["write"]

    def _inline(self, node: Node) -> str | None:
        """The expression that writes a value ``v`` of a simple kind without a call."""
        quote = "'\"' + " if self.style.null_item == "null" else ""
        unquote = " + '\"'" if quote else ""
        if node.kind == "str" and self.style.string is jsv_string:
            return "(v if v.isalnum() else _jsv(v))"
        if node.kind == "bool":
            return f"({self.style.true!r} if v else {self.style.false!r})"
        if node.kind == "uuid":
            return quote + ("v.hex" if self.style.guid_format == "N" else "str(v)") + unquote
        if node.kind == "enum":
            return quote + "v.name" + unquote
        if node.kind == "int":
            return "str(v)"
        return None


def _enum_writer(style: Style) -> Write:
    if style.null_item == "null":
        return lambda v: '"' + v.name + '"'
    return _enum_name


def _enum_name(value: NetEnum) -> str:
    return value.name


def format_jsv(text: str, newline: str = "\n") -> str:
    """JsvFormatter.Format: the indented layout of ServiceStack's metadata pages (tabs, a
    line per member, ``Name: value``)."""
    out: list[str] = []
    tabs = 0
    first_key = True
    in_string = False
    i, end = 0, len(text)
    while i < end:
        c = text[i]
        previous = text[i - 1] if i else ""
        following = text[i + 1] if i + 1 < end else ""
        if c in "{[":
            if previous == ":":
                if following and following in "}]":
                    out += [c, following]
                    i += 2
                    continue
                out.append(newline + "\t" * tabs)
            tabs += 1
            out += [c, newline + "\t" * tabs]
            first_key = True
        elif c in "}]":
            tabs -= 1
            out += [newline + "\t" * tabs, c]
            first_key = True
        elif c == '"':
            out.append(c)
            in_string = not in_string
        elif c == "," and not in_string:
            out += [c, newline + "\t" * tabs]
            first_key = True
        else:
            out.append(c)
            if c == ":" and first_key:
                out.append(" ")
                first_key = False
        i += 1
    return "".join(out)
