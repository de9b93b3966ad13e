"""How the vendors' formats write a scalar value: the class of its text (a WCF date, an ISO
date and its fraction digits, a Guid "N" or dashed, a number, an enum name...).

``crmgate diff`` compares two answers by these classes, not by the values themselves: which
customer or which instant a value names is data, how it is written is the wire format.
"""

from __future__ import annotations

import re

_WCF = re.compile(r"\\?/Date\(-?\d+(?:[+-]\d{4})?\)\\?/", re.ASCII)
_ISO = re.compile(
    r"\d{4}-\d\d-\d\d(?P<time>[T ]\d\d:\d\d(?::\d\d(?:\.(?P<fraction>\d+))?)?)?"
    r"(?P<zone>Z|[+-]\d\d:?\d\d)?",
    re.ASCII,
)
_GUID_N = re.compile(r"[0-9a-fA-F]{32}", re.ASCII)
_GUID_D = re.compile(r"\{?[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\}?", re.ASCII)
_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
_DECIMAL = re.compile(r"[+-]?(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?\d+[eE][+-]?\d+", re.ASCII)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
_BOOLEAN = frozenset({"true", "false", "True", "False"})

#: Classes whose values are free data: one may stand for another (a name, a phone number).
LOOSE = frozenset({"empty", "text", "name", "integer", "decimal"})


def text_kind(text: str) -> str:
    """The class of a scalar's text, e.g. ``wcf-date``, ``iso-date Z``, ``guid-n``, ``name``."""
    if text == "":
        return "empty"
    if _WCF.fullmatch(text):
        return "wcf-date"
    if iso := _ISO.fullmatch(text):
        return _iso_kind(iso)
    if _GUID_N.fullmatch(text):
        return "guid-n"
    if _GUID_D.fullmatch(text):
        return "guid-dashed"
    if text in _BOOLEAN:
        return "boolean"
    if _INTEGER.fullmatch(text):
        return "integer"
    if _DECIMAL.fullmatch(text):
        return "decimal"
    if _NAME.fullmatch(text):
        return "name"
    return "text"


def _iso_kind(match: re.Match[str]) -> str:
    kind = "iso-day" if match.group("time") is None else "iso-date"
    zone = match.group("zone")
    if zone is None:
        return kind
    return f"{kind} {'Z' if zone == 'Z' else 'offset'}"


def _fraction(text: str) -> tuple[bool, int]:
    """``(fixed width, digits)`` of an ISO date's fraction of a second. A writer that trims
    trailing zeros (Json.NET, ServiceStack) never ends one with ``0``; one that does end so
    writes a fixed number of digits (.NET's "o": 7, JavaScript: 3)."""
    match = _ISO.fullmatch(text)
    fraction = (match.group("fraction") if match else None) or ""
    return fraction.endswith("0"), len(fraction)


def fraction_difference(vendor: str, own: str) -> tuple[str, str] | None:
    """Fraction digits that prove two different writers: a fixed-width side against any other
    width. Trimmed fractions of any widths may come from one writer, so they never differ."""
    (fixed_a, digits_a), (fixed_b, digits_b) = _fraction(vendor), _fraction(own)
    if (fixed_a or fixed_b) and digits_a != digits_b:
        return _digits(fixed_a, digits_a), _digits(fixed_b, digits_b)
    return None


def _digits(fixed: bool, digits: int) -> str:
    return f"{digits} fraction digits{'' if fixed or not digits else ' (trimmed)'}"


def format_difference(vendor: str, own: str) -> tuple[str, str] | None:
    """The classes of two scalars' texts when they differ in format (None when only the data
    differs).

    Free classes (text, names, numbers, empty) stand for one another, except an enum written
    as a number on one side and by name on the other; dates, Guids and booleans must match.
    """
    theirs, ours = text_kind(vendor), text_kind(own)
    if theirs == ours and theirs.startswith("iso-date"):
        fractions = fraction_difference(vendor, own)
        return (
            None if fractions is None else (f"{theirs}, {fractions[0]}", f"{ours}, {fractions[1]}")
        )
    if theirs == ours or "empty" in (theirs, ours):
        return None
    if {theirs, ours} == {"integer", "name"}:
        return ENUM[theirs], ENUM[ours]
    if theirs in LOOSE and ours in LOOSE:
        return None
    return theirs, ours


#: How an enum member is written, by the class of its text.
ENUM = {"integer": "enum as number", "name": "enum as name"}
