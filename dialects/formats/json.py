"""JSON as the vendors' own readers take it, decoded straight into msgspec DTOs.

The plain convention (CRM.COM, iService): member names exactly as the DTO declares them,
nulls written as null. Documentation pages indent their samples with no-break spaces
(U+00A0); .NET's JSON readers skip them like any white space, so a sample pasted from the
vendor's page is read here too.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

import msgspec

from dialects.formats.errors import DecodeError

T = TypeVar("T")

MAX_DEPTH = 64
_NBSP = "\u00a0".encode()
_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|\xc2\xa0|[^"\xc2]+|.', re.S)
_encoder = msgspec.json.Encoder()


def encode(obj: Any) -> bytes:
    return _encoder.encode(obj)


def _without_nbsp(buf: bytes) -> bytes:
    """Replace no-break spaces outside strings with plain spaces."""
    return b"".join(b"  " if m == _NBSP else m for m in _TOKEN.findall(buf))


def _check_depth(buf: bytes) -> None:
    depth = 0
    in_string = escaped = False
    for byte in buf:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > MAX_DEPTH:
                raise DecodeError(f"JSON nested deeper than {MAX_DEPTH} levels")
        elif byte in (0x5D, 0x7D):
            depth -= 1


def decode(buf: bytes, type: type[T]) -> T:
    """Decode ``buf`` into ``type``; any unreadable or mistyped input is a DecodeError."""
    if not buf.strip():
        raise DecodeError("the request body is empty")
    if _NBSP in buf:
        buf = _without_nbsp(buf)
    _check_depth(buf)
    try:
        return msgspec.json.decode(buf, type=type)
    except msgspec.ValidationError as exc:
        raise DecodeError(str(exc), path=_path(str(exc))) from exc
    except msgspec.DecodeError as exc:
        raise DecodeError(str(exc)) from exc


def _path(message: str) -> str | None:
    match = re.search(r"at `\$\.?(.*)`$", message)
    return match.group(1) if match else None
