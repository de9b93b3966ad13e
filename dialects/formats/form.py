"""application/x-www-form-urlencoded bodies bound to a DTO by member name (case-insensitive)."""

from __future__ import annotations

from typing import TypeVar
from urllib.parse import parse_qsl

import msgspec

from dialects.formats.errors import DecodeError

T = TypeVar("T")


def decode(buf: bytes, type: type[T]) -> T:
    """Bind the form's fields to ``type``'s members; later duplicates win, like model binding."""
    try:
        pairs = parse_qsl(buf.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(buf))
    except (UnicodeDecodeError, ValueError) as exc:
        raise DecodeError(f"unreadable form body: {exc}") from exc
    names = {f.lower(): f for f in type.__struct_fields__}
    values = {names[k.lower()]: v for k, v in pairs if k.lower() in names}
    try:
        return msgspec.convert(values, type, strict=False)
    except msgspec.ValidationError as exc:
        raise DecodeError(str(exc)) from exc
