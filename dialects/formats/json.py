"""JSON as each vendor's serializer writes and reads it, driven by the DTO declaration.

- plain (CRM.COM, iService; the module-level :func:`encode`/:func:`decode`): member names
  exactly as declared, nulls written as null, dates ISO 8601.
- :class:`WebApiJson` (ASP.NET Web API 2 / JSON.NET): names as the DTO renames them
  (``rename="camel"``), nulls written, enums as numbers, Guids dashed, dates ISO with up to
  7 fraction digits and the kind's suffix; read with names case-insensitive and enums by
  number or name.
- :class:`ServiceStackJson` (ServiceStack.Text): names as declared, null members left out,
  enums by name, Guids as 32 hex digits, dates ``"\\/Date(ms)\\/"``; read case-insensitively,
  either Guid form, WCF or ISO dates.

Documentation pages indent their samples with no-break spaces (U+00A0); .NET's JSON readers
skip them like any white space, so a sample pasted from the vendor's page is read here too.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import Any, TypeVar

import msgspec

from dialects.formats import schema
from dialects.formats.dotnet import NetDateTime
from dialects.formats.errors import DecodeError
from dialects.formats.ssjson import WireTypes
from dialects.formats.sstext import Compiler, json_style

T = TypeVar("T")

MEDIA_TYPE = "application/json"

_NBSP = "\u00a0".encode()
_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)


def _iso_hook(obj: Any) -> Any:
    if isinstance(obj, NetDateTime):
        return obj.isoformat()
    raise TypeError(f"cannot write {type(obj)!r} as JSON")


_encoder = msgspec.json.Encoder(enc_hook=_iso_hook)
_any_decoder = msgspec.json.Decoder()


def encode(obj: Any) -> bytes:
    """The plain convention: names as declared, nulls as null, NetDateTime as ISO 8601."""
    return _encoder.encode(obj)


def _without_nbsp(buf: bytes) -> bytes:
    """Replace no-break spaces outside strings with plain spaces. Without an escaped quote
    every ``"`` opens or closes a string, so splitting on them finds the strings at C speed."""
    if b'\\"' not in buf:
        parts = buf.split(b'"')
        parts[::2] = [part.replace(_NBSP, b"  ") for part in parts[::2]]
        return b'"'.join(parts)
    parts, pos = [], 0
    for string in _STRING.finditer(buf):
        parts += [buf[pos : string.start()].replace(_NBSP, b"  "), string.group()]
        pos = string.end()
    parts.append(buf[pos:].replace(_NBSP, b"  "))
    return b"".join(parts)


def _decode(buf: bytes, type_: Any) -> Any:
    try:
        if type_ is Any:
            return _any_decoder.decode(buf)
        return msgspec.json.decode(buf, type=type_, dec_hook=schema.dec_hook)
    except msgspec.ValidationError as exc:
        raise schema.validation_error(exc) from exc
    except msgspec.DecodeError as exc:
        raise DecodeError(str(exc)) from exc
    except RecursionError as exc:
        raise DecodeError("JSON nested too deeply") from exc
    except UnicodeDecodeError as exc:
        raise DecodeError(f"invalid UTF-8 at byte {exc.start}", position=exc.start) from exc


def _read(buf: bytes, type_: Any) -> Any:
    if not buf.strip():
        raise DecodeError("the request body is empty")
    # no-break spaces inside strings stay, so a document that has some reads the same
    return _decode(_without_nbsp(buf) if _NBSP in buf else buf, type_)


def decode(buf: bytes, type: type[T]) -> T:
    """Decode ``buf`` into ``type`` with names exactly as declared; any unreadable or
    mistyped input is a DecodeError. In a document holding no-break spaces those outside
    strings are read as plain spaces first (a slower pass)."""
    return _read(buf, type)


def parse(buf: bytes) -> Any:
    """Any JSON document as builtins (dicts, lists, str, int, float, bool, None)."""
    return _read(buf, Any)


_straight: dict[Any, tuple[msgspec.json.Decoder[Any], msgspec.json.Decoder[Any]] | None] = {}


def _straight_decoders(
    type_: Any,
) -> tuple[msgspec.json.Decoder[Any], msgspec.json.Decoder[Any]] | None:
    """The decoders of ``type_``'s exact mirror (:func:`schema.exact_type`) and of ``type_``
    itself, made once per type; None when it has no mirror."""
    if type_ in _straight:
        return _straight[type_]
    exact = schema.exact_type(type_)
    found = None
    if exact is not None:
        hook = schema.dec_hook
        found = (
            msgspec.json.Decoder(exact, dec_hook=hook),
            msgspec.json.Decoder(type_, dec_hook=hook),
        )
    _straight[type_] = found
    return found


def _bind(buf: bytes, type_: type[T]) -> T:
    """A body read as .NET binds it (:func:`schema.convert`). A document whose member names
    all match exactly (what clients send) decodes straight into the type: its exact mirror
    reads it first (refusing any other name), then the type itself, which reads such a
    document as the mirror does (two passes in C cost less than copying the mirror's value);
    any failure there takes the binding path, which answers alike or raises the error."""
    decoders = _straight_decoders(type_)
    if decoders is not None and _NBSP not in buf:
        try:
            decoders[0].decode(buf)
            return decoders[1].decode(buf)  # type: ignore[no-any-return]
        except (msgspec.MsgspecError, RecursionError, UnicodeDecodeError):
            pass
    return schema.convert(parse(buf), type_)


class WebApiJson:
    """ASP.NET Web API 2's JsonMediaTypeFormatter (JSON.NET with camelCase names)."""

    media_type = MEDIA_TYPE

    def encode(self, obj: Any) -> bytes:
        return _encoder.encode(obj)

    def decode(self, buf: bytes, type_: type[T]) -> T:
        return _bind(buf, type_)


class ServiceStackJson:
    """ServiceStack.Text's JsonSerializer with a host's defaults. ``guid_format`` and
    ``omit_defaults`` as for :class:`dialects.formats.jsv.Jsv`; ``name`` respells each member
    name (``ssjson.camel`` under ``TextCase.CamelCase``)."""

    media_type = MEDIA_TYPE

    def __init__(
        self,
        guid_format: str = "N",
        omit_defaults: tuple[str, ...] = (),
        name: Callable[[str], str] = str,
    ) -> None:
        if guid_format not in ("N", "D"):
            raise ValueError(f"unknown Guid format {guid_format!r}")
        style = json_style(guid_format, frozenset(omit_defaults))
        self._wire = WireTypes(guid_format, frozenset(omit_defaults), name)
        self._compiler = Compiler(dataclasses.replace(style, name=lambda n: style.name(name(n))))
        self._writers: dict[type, Callable[[Any], bytes]] = {}

    def encode(self, obj: Any) -> bytes:
        writer = self._writers.get(type(obj))
        if writer is None:
            writer = self._writers[type(obj)] = self._writer(type(obj))
        return writer(obj)

    def _writer(self, type_: type) -> Callable[[Any], bytes]:
        """msgspec through the type's wire Struct; the compiled writer for what it cannot
        spell (enums, doubles) or what is not a Struct."""
        wire = self._wire.writer(type_) if issubclass(type_, msgspec.Struct) else None
        if wire is None:
            write = self._compiler.for_type(type_)
            return lambda obj: write(obj).encode()
        return wire

    def decode(self, buf: bytes, type_: type[T]) -> T:
        return _bind(buf, type_)
