"""The error envelope's fields: error codes, the fields errors name, and whether an answer
lists errors at all. Unlike other values these are not data: ``NotEmpty`` against
``Required``, or an ``errors`` list that is empty on one side only, is what a client acts on.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from xml.etree.ElementTree import Element

from gateway.diff.model import Difference
from gateway.diff.xmltree import split_tag

#: Members (lower case, ``_`` removed) whose value is a vendor's error code or a field name.
CODES = frozenset({"errorcode", "fieldname", "error"})
#: ``code`` is an error code inside these (CRM.COM's ``status``, ServiceStack's ResponseStatus).
CODE_PARENTS = frozenset({"status", "responsestatus"})
#: Lists of errors: empty on success, not empty on failure.
ERROR_LISTS = frozenset({"errors", "errordetails", "unprocessedcustomereventsset"})


def _fold(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


def _members(tree: Any, parent: str = "") -> Iterator[tuple[str, str, Any]]:
    """``(parent, name, value)`` of every member; XML elements give their text or children."""
    if isinstance(tree, Element):
        for child in tree:
            local = split_tag(child.tag)[1]
            yield split_tag(tree.tag)[1], local, list(child) if len(child) else child.text
            yield from _members(child)
    elif isinstance(tree, dict):
        for name, value in tree.items():
            yield parent, name, value
            yield from _members(value, name)
    elif isinstance(tree, list):
        for item in tree:
            yield from _members(item, parent)


def fields(tree: Any) -> dict[str, str]:
    """Error codes and named fields (``ErrorCode: NotEmpty, Required``) and error lists
    (``errors: listed`` or ``none``), by member name."""
    codes: dict[str, set[str]] = {}
    lists: dict[str, bool] = {}
    for parent, name, value in _members(tree):
        folded = _fold(name)
        is_code = folded in CODES or (folded == "code" and _fold(parent) in CODE_PARENTS)
        if is_code and isinstance(value, str | int) and not isinstance(value, bool):
            codes.setdefault(name, set()).add(str(value))
        elif folded in ERROR_LISTS and (value is None or isinstance(value, list | str)):
            lists[name] = lists.get(name, False) or bool(value)
    found = {name: ", ".join(sorted(values)) for name, values in codes.items()}
    found |= {name: "listed" if listed else "none" for name, listed in lists.items()}
    return found


def envelope(vendor: Any, own: Any) -> list[Difference]:
    theirs, ours = fields(vendor), fields(own)
    return [
        Difference("envelope", name, theirs.get(name, "absent"), ours.get(name, "absent"))
        for name in sorted(theirs.keys() | ours.keys())
        if theirs.get(name, "absent") != ours.get(name, "absent")
    ]
