"""Rules on a JSON or JSV tree: key sets, key order, value kinds and value formats.

Lists are data in length: elements are compared pairwise as far as both sides go, and a path
names any element as ``[]``.
"""

from __future__ import annotations

from typing import Any

from dialects.formats.kinds import ENUM, format_difference
from gateway.diff.model import Difference
from gateway.secrets import MASK


def value_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    return "array"


def key_set(where: str, vendor: dict[str, Any], own: dict[str, Any]) -> list[Difference]:
    missing = [k for k in vendor if k not in own]
    extra = [k for k in own if k not in vendor]
    found = []
    if missing:
        found.append(Difference("keys", where, ", ".join(missing), "missing"))
    if extra:
        found.append(Difference("keys", where, "absent", ", ".join(extra)))
    return found


def key_order(where: str, vendor: dict[str, Any], own: dict[str, Any]) -> list[Difference]:
    theirs = [k for k in vendor if k in own]
    ours = [k for k in own if k in vendor]
    if theirs == ours:
        return []
    return [Difference("order", where, ", ".join(theirs), ", ".join(ours))]


def kinds(where: str, vendor: Any, own: Any) -> list[Difference]:
    """A value whose kind differs; an enum written as a number on one side and by name on
    the other says so."""
    theirs, ours = value_kind(vendor), value_kind(own)
    if theirs == ours:
        return []
    if {theirs, ours} == {"number", "string"} and not isinstance(vendor, float | bool):
        described = format_difference(str(vendor), str(own))
        if described and described[0] in ENUM.values() and described[1] in ENUM.values():
            return [Difference("format", where, *described)]
    return [Difference("kind", where, theirs, ours)]


def formats(where: str, vendor: str, own: str) -> list[Difference]:
    """The format of two texts; a secret the recording masked has none."""
    if MASK in (vendor, own):
        return []
    described = format_difference(vendor, own)
    return [] if described is None else [Difference("format", where, *described)]


def compare_tree(vendor: Any, own: Any, where: str = "$") -> list[Difference]:
    """Every difference of shape between two trees, parents before children."""
    found = kinds(where, vendor, own)
    if found:
        return found
    if isinstance(vendor, dict):
        found += key_set(where, vendor, own)
        found += key_order(where, vendor, own)
        for key, value in vendor.items():
            if key in own:
                found += compare_tree(value, own[key], f"{where}.{key}")
    elif isinstance(vendor, list):
        for theirs, ours in zip(vendor, own, strict=False):
            found += compare_tree(theirs, ours, f"{where}[]")
    elif isinstance(vendor, str):
        found += formats(where, vendor, own)
    return found
