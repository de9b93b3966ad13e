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

_NBSP = "\u00a0".encode()
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_encoder = msgspec.json.Encoder()


def encode(obj: Any) -> bytes:
    return _encoder.encode(obj)


def _without_nbsp(buf: bytes) -> bytes:
    """Replace no-break spaces outside strings with plain spaces."""
    parts, pos = [], 0
    for string in _STRING.finditer(buf):
        parts += [buf[pos : string.start()].replace(_NBSP, b"  "), string.group()]
        pos = string.end()
    parts.append(buf[pos:].replace(_NBSP, b"  "))
    return b"".join(parts)


def _decode(buf: bytes, type: type[T]) -> T:
    try:
        return msgspec.json.decode(buf, type=type)
    except msgspec.ValidationError as exc:
        raise DecodeError(str(exc), path=_path(str(exc))) from exc
    except msgspec.DecodeError as exc:
        raise DecodeError(str(exc)) from exc
    except RecursionError as exc:
        raise DecodeError("JSON nested too deeply") from exc
    except UnicodeDecodeError as exc:
        raise DecodeError(f"invalid UTF-8 at byte {exc.start}", position=exc.start) from exc


def decode(buf: bytes, type: type[T]) -> T:
    """Decode ``buf`` into ``type``; any unreadable or mistyped input is a DecodeError.

    Documents indented with no-break spaces take a second, slower pass.
    """
    if not buf.strip():
        raise DecodeError("the request body is empty")
    try:
        return _decode(buf, type)
    except DecodeError:
        if _NBSP not in buf:
            raise
    return _decode(_without_nbsp(buf), type)


def _path(message: str) -> str | None:
    match = re.search(r"at `\$\.?(.*)`$", message)
    return match.group(1) if match else None
