"""JSV, ServiceStack's TypeSerializer format (``text/jsv``).

Writing follows TypeSerializer exactly (see :mod:`dialects.formats.sstext`). Reading is more
forgiving than ServiceStack's own reader, because the vendors' pages show JSV laid out by
JsvFormatter and even with JSON-looking parts (seed 004): white space around tokens is
skipped, and keys or values in double quotes are unquoted. A value's leading or trailing
white space therefore only survives inside quotes, which is why the writer quotes it.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from dialects.formats import jsvjson, schema
from dialects.formats.errors import DecodeError
from dialects.formats.sstext import Compiler, format_jsv, jsv_string, jsv_style

T = TypeVar("T")

MEDIA_TYPE = "text/jsv"

_WS = re.compile(r"\s*")
_QUOTED = re.compile(r'"((?:[^"]|"")*)"')
_SCALAR = re.compile(r"[^,}\]]*")
_KEY = re.compile(r"[^:{}\[\],]*")


class Jsv:
    """A JSV codec. ``guid_format`` "N" (32 hex digits) is ServiceStack's default, "D"
    (dashed) what a host writes that registered its own Guid serializer, as BokaMera's
    pages show; such a host also leaves out non-nullable Guid and DateTime members that
    hold their default (``omit_defaults=("uuid", "datetime")``)."""

    media_type = MEDIA_TYPE

    def __init__(self, guid_format: str = "N", omit_defaults: tuple[str, ...] = ()) -> None:
        if guid_format not in ("N", "D"):
            raise ValueError(f"unknown Guid format {guid_format!r}")
        self._compiler = Compiler(jsv_style(guid_format, frozenset(omit_defaults)))

    def encode(self, obj: Any) -> bytes:
        """``obj`` as compact JSV (what TypeSerializer.SerializeToString returns)."""
        return self._compiler.for_type(type(obj))(obj).encode()

    def encode_pretty(self, obj: Any, newline: str = "\n") -> bytes:
        """``obj`` laid out by JsvFormatter, as the metadata pages show it."""
        return format_jsv(self._compiler.for_type(type(obj))(obj), newline).encode()

    def decode(self, buf: bytes, type_: type[T]) -> T:
        return schema.convert(parse(buf), type_)


def parse(buf: bytes) -> Any:
    """JSV text as a tree of dicts, lists, strings and None (an empty value)."""
    fast = jsvjson.tree(buf)
    return read(buf) if fast is None else fast


def layout(buf: bytes) -> str:
    """Any JSV text laid out as JsvFormatter lays out a DTO (a tab per level, a member a
    line), from its parse: brackets inside quoted values stay where they are, and text that
    was laid out already is laid out the same way."""
    return laid_out(parse(buf))


def laid_out(value: Any, tabs: int = 0) -> str:
    """A parsed JSV tree (what :func:`parse` returns) as :func:`layout` writes it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return jsv_string(value)
    if not value:
        return "{}" if isinstance(value, dict) else "[]"
    inner = "\n" + "\t" * (tabs + 1)
    if isinstance(value, dict):
        items = [jsv_string(k) + ":" + _member(v, tabs + 1) for k, v in value.items()]
        opening, closing = "{", "}"
    else:
        items = [laid_out(v, tabs + 1) for v in value]
        opening, closing = "[", "]"
    return opening + inner + ("," + inner).join(items) + "\n" + "\t" * tabs + closing


def _member(value: Any, tabs: int) -> str:
    """What follows a member's ``:``: a non-empty map or list on a line of its own."""
    text = laid_out(value, tabs)
    if isinstance(value, dict | list) and value:
        return "\n" + "\t" * tabs + text
    return " " + text if text else ""


def read(buf: bytes) -> Any:
    """:func:`parse` by walking the text: any JSV the vendors show, and the precise error."""
    try:
        text = buf.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DecodeError(f"invalid UTF-8 at byte {exc.start}", position=exc.start) from exc
    if not text.strip():
        raise DecodeError("the request body is empty")
    reader = _Reader(text)
    value = reader.value(0)
    reader.skip()
    if reader.pos != len(text):
        raise reader.error("unexpected text after the value")
    return value


class _Reader:
    __slots__ = ("pos", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def error(self, message: str) -> DecodeError:
        position = len(self.text[: self.pos].encode())
        return DecodeError(f"{message} at character {self.pos}", position=position)

    def skip(self) -> None:
        self.pos = _WS.match(self.text, self.pos).end()  # type: ignore[union-attr]

    def value(self, depth: int) -> Any:
        self.skip()
        text, pos = self.text, self.pos
        first = text[pos : pos + 1]
        if first in ("{", "["):
            if depth >= schema.MAX_DEPTH:
                raise self.error(f"nested deeper than {schema.MAX_DEPTH} levels")
            return self.map(depth + 1) if first == "{" else self.list(depth + 1)
        if first == '"':
            return self.quoted()
        match = _SCALAR.match(text, pos)
        assert match is not None
        self.pos = match.end()
        return match.group().strip() or None

    def quoted(self) -> str:
        match = _QUOTED.match(self.text, self.pos)
        if match is None:
            raise self.error("unterminated quoted string")
        self.pos = match.end()
        return match.group(1).replace('""', '"')

    def map(self, depth: int) -> dict[str, Any]:
        text = self.text
        self.pos += 1
        out: dict[str, Any] = {}
        self.skip()
        if text.startswith("}", self.pos):
            self.pos += 1
            return out
        while True:
            self.skip()
            if text.startswith('"', self.pos):
                key = self.quoted()
            else:
                match = _KEY.match(text, self.pos)
                assert match is not None
                key = match.group().strip()
                self.pos = match.end()
            self.skip()
            if not text.startswith(":", self.pos):
                raise self.error("expected ':' after a member name")
            self.pos += 1
            out[key] = self.value(depth)
            self.skip()
            if text.startswith(",", self.pos):
                self.pos += 1
            elif text.startswith("}", self.pos):
                self.pos += 1
                return out
            else:
                raise self.error("expected ',' or '}'")

    def list(self, depth: int) -> list[Any]:
        text = self.text
        self.pos += 1
        out: list[Any] = []
        self.skip()
        if text.startswith("]", self.pos):
            self.pos += 1
            return out
        while True:
            out.append(self.value(depth))
            self.skip()
            if text.startswith(",", self.pos):
                self.pos += 1
            elif text.startswith("]", self.pos):
                self.pos += 1
                return out
            else:
                raise self.error("expected ',' or ']'")


def write_tree(tree: Any) -> str:
    """A tree as :func:`parse` returns it (dicts, lists, strings, None) as JSV text."""
    if isinstance(tree, dict):
        members = (f"{jsv_string(str(k))}:{write_tree(v)}" for k, v in tree.items())
        return "{" + ",".join(members) + "}"
    if isinstance(tree, list):
        return "[" + ",".join(write_tree(v) for v in tree) + "]"
    return "" if tree is None else jsv_string(str(tree))
