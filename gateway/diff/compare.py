"""Compare two answers on the wire's shape: every rule, each difference once."""

from __future__ import annotations

from typing import Any

from gateway.diff import wire
from gateway.diff.bodies import Unreadable, grammar, parse
from gateway.diff.envelope import envelope
from gateway.diff.model import Answer, Difference
from gateway.diff.trees import compare_tree
from gateway.diff.xmltree import compare_element

#: Grammars whose trees are compared (HTML pages and plain text are compared by type only).
TREES = frozenset({"json", "xml", "jsv"})


def jsv_layout(vendor: bytes, own: bytes) -> list[Difference]:
    """JSV written compactly on one line (TypeSerializer) or laid out by JsvFormatter."""
    theirs = "indented" if b"\n" in vendor.strip() else "compact"
    ours = "indented" if b"\n" in own.strip() else "compact"
    return [] if theirs == ours else [Difference("body", "JSV layout", theirs, ours)]


def xml_declaration(vendor: bytes, own: bytes) -> list[Difference]:
    theirs = "declared" if vendor.lstrip().startswith(b"<?xml") else "none"
    ours = "declared" if own.lstrip().startswith(b"<?xml") else "none"
    return [] if theirs == ours else [Difference("body", "XML declaration", theirs, ours)]


def _read(kind: str, body: bytes) -> tuple[Any, str | None]:
    try:
        return parse(kind, body), None
    except Unreadable:
        return None, f"unreadable {kind}"


def body(vendor: Answer, own: Answer) -> list[Difference]:
    theirs, ours = grammar(vendor), grammar(own)
    if theirs != ours:
        return [Difference("body", "grammar", theirs, ours)]
    if theirs not in TREES:
        return []
    (tree_a, bad_a), (tree_b, bad_b) = _read(theirs, vendor.body), _read(ours, own.body)
    if bad_a or bad_b:
        return [] if bad_a == bad_b else [Difference("body", theirs, bad_a or "ok", bad_b or "ok")]
    if theirs == "xml":
        found = xml_declaration(vendor.body, own.body) + compare_element(tree_a, tree_b)
    else:
        found = compare_tree(tree_a, tree_b)
        if theirs == "jsv":
            found = jsv_layout(vendor.body, own.body) + found
    return found + envelope(tree_a, tree_b)


def compare(vendor: Answer, own: Answer) -> list[Difference]:
    """Every difference of shape between the vendor's answer and crmgate's, each once."""
    found: list[Difference] = []
    for rule in wire.RULES:
        found += rule(vendor, own)
    found += body(vendor, own)
    return list(dict.fromkeys(found))
