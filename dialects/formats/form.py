"""application/x-www-form-urlencoded bodies bound to a DTO the way ASP.NET model binding does.

Names bind case-insensitively; nested members and collections are addressed with indexes and
dots (``LikedMessages[0].Text``) or jQuery's brackets (``LikedMessages[0][Text]``); a list of
simple values may also repeat its name (``Tags=a&Tags=b``) or use ``Tags[]``. Indexes are read
from 0 up to the first gap, as the binder does. A simple member given twice takes the later
value. Values are converted to the member types; a bad one is a DecodeError naming its path.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode

from dialects.formats import schema
from dialects.formats.dotnet import NetDateTime, NetEnum, format_double
from dialects.formats.errors import DecodeError
from dialects.formats.schema import Node

T = TypeVar("T")

MEDIA_TYPE = "application/x-www-form-urlencoded"

_SEGMENT = re.compile(r"\[([^\]]*)\]|\.([^.\[\]]+)")
_HEAD = re.compile(r"[^.\[\]]+")


def _segments(key: str) -> list[str] | None:
    """``A[0].B[c]`` -> ["A", "0", "B", "c"]; None for a name no binder would read."""
    head = _HEAD.match(key)
    if head is None:
        return None
    segments = [head.group()]
    pos = head.end()
    while pos < len(key):
        match = _SEGMENT.match(key, pos)
        if match is None:
            return None
        bracket, dotted = match.groups()
        if dotted is not None or bracket:
            segments.append(dotted if dotted is not None else bracket)
        pos = match.end()
    return segments


def _tree(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Nested dicts keyed by name or index whose leaves are the lists of values given."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        segments = _segments(key)
        if segments is None:
            continue
        if len(segments) > schema.MAX_DEPTH:
            raise DecodeError(f"form field name nested too deeply: {key[:80]}")
        node = root
        for segment in segments[:-1]:
            child = node.setdefault(segment, {})
            if not isinstance(child, dict):
                break
            node = child
        else:
            leaf = node.setdefault(segments[-1], [])
            if isinstance(leaf, list):
                leaf.append(value)
    return root


def _merge(old: Any, new: Any) -> Any:
    """Fields whose names differ only in case address the same member."""
    if isinstance(old, dict) and isinstance(new, dict):
        merged = dict(old)
        for key, value in new.items():
            merged[key] = _merge(merged.get(key), value)
        return merged
    if isinstance(old, list) and isinstance(new, list):
        return old + new
    return new


def _bind(node: Node, raw: Any) -> Any:
    kind = node.kind
    if kind == "struct":
        assert node.struct is not None
        if not isinstance(raw, dict):
            return raw[-1]
        lowered: dict[str, Any] = {}
        for key, sub in raw.items():
            lowered[key.lower()] = _merge(lowered.get(key.lower()), sub)
        out = {}
        for f in node.struct.fields:
            sub = lowered.get(f.name.lower())
            if sub is None:
                sub = lowered.get(f.wire.lower())
            if sub is not None:
                out[f.wire] = _bind(f.node, sub)
        return out
    if kind in ("list", "dict"):
        assert node.item is not None
        if kind == "dict":
            return (
                {k: _bind(node.item, v) for k, v in raw.items()} if isinstance(raw, dict) else raw
            )
        if isinstance(raw, list):
            return [_bind(node.item, [v]) for v in raw]
        items = []
        while str(len(items)) in raw:
            items.append(_bind(node.item, raw[str(len(items))]))
        return items
    if isinstance(raw, dict):
        return raw
    value = raw[-1]
    if kind == "str":
        return value
    if value == "":
        return None
    if kind == "enum":
        assert node.enum is not None
        try:
            return node.enum.from_wire(value)
        except ValueError:
            return value
    return value


def decode(buf: bytes, type: type[T]) -> T:
    """Bind the form's fields to ``type``'s members."""
    try:
        pairs = parse_qsl(buf.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(buf))
    except (UnicodeDecodeError, ValueError) as exc:
        raise DecodeError(f"unreadable form body: {exc}") from exc
    tree = _bind(schema.node_of(type), _tree(pairs))
    return schema.convert(tree, type)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_double(value)
    if isinstance(value, NetDateTime):
        return value.isoformat()
    if isinstance(value, NetEnum):
        return value.name
    return str(value)


def _flatten(node: Node, value: Any, name: str, out: list[tuple[str, str]]) -> None:
    if value is None:
        return
    if node.kind == "struct":
        assert node.struct is not None
        for f in node.struct.fields:
            prefix = f"{name}.{f.name}" if name else f.name
            _flatten(f.node, getattr(value, f.name), prefix, out)
    elif node.kind == "list":
        assert node.item is not None
        for i, item in enumerate(value):
            _flatten(node.item, item, f"{name}[{i}]", out)
    elif node.kind == "dict":
        assert node.item is not None
        for key, item in value.items():
            _flatten(node.item, item, f"{name}[{key}]", out)
    else:
        out.append((name, _text(value)))


def encode(obj: Any) -> bytes:
    """``obj`` as form fields (``Member``, ``List[0].Member``, ``Dict[key]``), nulls left out."""
    out: list[tuple[str, str]] = []
    _flatten(schema.node_of(type(obj)), obj, "", out)
    return urlencode(out).encode()
