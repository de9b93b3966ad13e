"""Rules on JSON and JSV trees, one test each, and properties: a tree never differs from
itself, nor from a copy with other data of the same kinds."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from gateway.diff.model import Difference
from gateway.diff.trees import compare_tree, formats, key_order, key_set, kinds, value_kind

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
trees = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=20,
)


def test_value_kind() -> None:
    assert [value_kind(v) for v in (None, True, 1, 1.5, "a", {}, [])] == [
        "null",
        "boolean",
        "number",
        "number",
        "string",
        "object",
        "array",
    ]


def test_key_set_names_missing_and_extra_members() -> None:
    assert key_set("$", {"a": 1, "b": 2}, {"b": 3, "a": 4}) == []
    assert key_set("$.x", {"a": 1, "b": 2}, {"a": 1, "c": 3}) == [
        Difference("keys", "$.x", "b", "missing"),
        Difference("keys", "$.x", "absent", "c"),
    ]


def test_key_order_of_the_members_both_have() -> None:
    assert key_order("$", {"a": 1, "b": 2}, {"a": 1, "c": 0, "b": 2}) == []
    assert key_order("$", {"a": 1, "b": 2}, {"b": 2, "a": 1}) == [
        Difference("order", "$", "a, b", "b, a")
    ]


def test_kinds_and_enums() -> None:
    assert kinds("$.n", 1, 2) == []
    assert kinds("$.n", 1, "1") == [Difference("kind", "$.n", "number", "string")]
    assert kinds("$.n", None, "x") == [Difference("kind", "$.n", "null", "string")]
    assert kinds("$.t", 0, "Facebook") == [
        Difference("format", "$.t", "enum as number", "enum as name")
    ]
    assert kinds("$.t", "Facebook", 0) == [
        Difference("format", "$.t", "enum as name", "enum as number")
    ]
    assert kinds("$.t", 1.5, "Facebook") == [Difference("kind", "$.t", "number", "string")]


def test_formats_of_strings_but_not_of_masked_secrets() -> None:
    guid = "11078e67-adf5-4306-a903-481ed7aa8c0e"
    assert formats("$.id", guid, guid.replace("-", "")) == [
        Difference("format", "$.id", "guid-dashed", "guid-n")
    ]
    assert formats("$.token", "***", guid.replace("-", "")) == []
    assert formats("$.name", "John", "Jane Roe") == []


def test_compare_tree_walks_members_and_list_elements() -> None:
    vendor = {"a": [{"d": "/Date(0)/"}, {"d": "/Date(1)/"}], "b": {"c": 1}}
    own = {"a": [{"d": "2020-01-01T00:00:00Z"}], "b": {"c": "x y"}}
    assert compare_tree(vendor, own) == [
        Difference("format", "$.a[].d", "wcf-date", "iso-date Z"),
        Difference("kind", "$.b.c", "number", "string"),
    ]


@given(trees)
def test_a_tree_never_differs_from_itself(tree: Any) -> None:
    assert compare_tree(tree, tree) == []


@given(trees)
def test_data_is_not_a_difference(tree: Any) -> None:
    """Other numbers, empty strings and empty lists: the same shape."""
    assert compare_tree(tree, _emptied(tree)) == []
    assert compare_tree(_emptied(tree), tree) == []


def _emptied(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {k: _emptied(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return []
    if isinstance(tree, str):
        return ""
    if isinstance(tree, int | float) and not isinstance(tree, bool):
        return tree + 1
    return tree
