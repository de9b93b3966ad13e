"""The shape every wire codec has, so a dialect can hold "the negotiated codec" as a value."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class Codec(Protocol):
    """Encodes a DTO to bytes and decodes bytes straight into a DTO type.

    ``decode`` raises only :class:`dialects.formats.errors.DecodeError`.
    """

    media_type: str

    def encode(self, obj: Any) -> bytes: ...

    def decode(self, buf: bytes, type_: type[T]) -> T: ...
