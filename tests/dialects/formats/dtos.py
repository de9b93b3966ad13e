"""Generated DTOs for the round-trip properties: every member kind the codecs support."""

from __future__ import annotations

import uuid
from typing import ClassVar

import msgspec
from hypothesis import strategies as st

from dialects.formats.datacontract import datacontract_namespace
from dialects.formats.dotnet import (
    DATETIME_MIN,
    MAX_TICKS,
    TICKS_PER_DAY,
    DateTimeKind,
    NetDateTime,
    NetEnum,
    camel_case,
)

NIL = uuid.UUID(int=0)


class Color(NetEnum):
    Red = 0
    Green = 1
    Blue = 7


class Leaf(msgspec.Struct, rename=camel_case):
    xml_namespace: ClassVar[str] = datacontract_namespace("Leaves")
    Name: str | None = None
    Count: int = 0
    When: NetDateTime | None = None


class Base(msgspec.Struct, rename=camel_case):
    xml_namespace: ClassVar[str] = datacontract_namespace("Tests")
    Zeta: str = ""
    Id: uuid.UUID = NIL


class Dto(Base, rename=camel_case):
    Text: str = ""
    Maybe: str | None = None
    Number: int = 0
    Ratio: float = 0.0
    Flag: bool = False
    Hue: Color = Color.Red
    When: NetDateTime = DATETIME_MIN
    Tags: list[str] = []
    Leaves: list[Leaf] = []
    Child: Leaf | None = None
    Meta: dict[str, str] = {}
    Ids: list[uuid.UUID] = []
    Hues: list[Color] = []


AWKWARD = ",{}[]\":\\/ \t\r\n\u00a0é€😀<>&'=?#%+."
_chars = st.characters(blacklist_categories=("Cs",)) | st.sampled_from(AWKWARD)
#: Characters XML 1.0 can carry (no C0 controls but tab, LF, CR; no U+FFFE/U+FFFF).
_xml_chars = st.characters(
    blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff", min_codepoint=0x20
) | st.sampled_from(AWKWARD)


def texts(xml: bool = False) -> st.SearchStrategy[str]:
    return st.text(_xml_chars if xml else _chars, max_size=12)


ints = st.integers(-(2**63), 2**63 - 1)
floats = st.floats(allow_nan=False, allow_infinity=False)
offsets = st.integers(-14 * 60, 14 * 60)


@st.composite
def datetimes(draw: st.DrawFn, *, ms: bool = False, jsv: bool = False) -> NetDateTime:
    """Any NetDateTime; ``ms`` whole milliseconds (ServiceStack JSON), ``jsv`` only values the
    JSV form keeps (UTC or local, not at midnight)."""
    ticks = draw(st.integers(0, MAX_TICKS))
    if ms:
        ticks -= ticks % 10_000
    kinds = [DateTimeKind.UTC, DateTimeKind.LOCAL]
    kind = draw(st.sampled_from(kinds if jsv else [*kinds, DateTimeKind.UNSPECIFIED]))
    if jsv and ticks % TICKS_PER_DAY == 0:
        ticks += 1
    offset = draw(offsets) if kind is DateTimeKind.LOCAL else 0
    if ms or kind is DateTimeKind.LOCAL:
        utc = ticks - offset * 600_000_000
        if not 0 <= utc <= MAX_TICKS:
            offset = 0
    return NetDateTime(ticks, kind, offset)


def dtos(
    *, xml: bool = False, ms: bool = False, jsv: bool = False, form: bool = False
) -> st.SearchStrategy[Dto]:
    text = texts(xml)
    when = datetimes(ms=ms, jsv=jsv)
    keys = st.text("abcXYZ019_", min_size=1, max_size=6) if form else text
    leaf = st.builds(Leaf, st.none() | text, ints, st.none() | when)
    return st.builds(
        Dto,
        Zeta=text,
        Id=st.uuids(),
        Text=text,
        Maybe=st.none() | text,
        Number=ints,
        Ratio=floats,
        Flag=st.booleans(),
        Hue=st.sampled_from(Color),
        When=when,
        Tags=st.lists(text, max_size=3),
        Leaves=st.lists(leaf, max_size=3),
        Child=st.none() | leaf,
        Meta=st.dictionaries(keys, text, max_size=3),
        Ids=st.lists(st.uuids(), max_size=2),
        Hues=st.lists(st.sampled_from(Color), max_size=2),
    )
