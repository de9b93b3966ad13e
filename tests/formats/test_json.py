from __future__ import annotations

import contextlib

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialects.formats import json
from dialects.formats.errors import DecodeError


class Item(msgspec.Struct):
    name: str
    count: int = 0
    tags: list[str] = []


def test_no_break_spaces_between_tokens_are_white_space() -> None:
    buf = '\u00a0{\n\u00a0 "name":\u00a0"a\u00a0b",\u00a0"count": 2\n}'.encode()
    assert json.decode(buf, Item) == Item(name="a\u00a0b", count=2)


@pytest.mark.parametrize(
    ("buf", "path"),
    [
        (b"", None),
        (b"   ", None),
        (b'{"name": ', None),
        (b"\xff\xfe", None),
        (b'{"name": "\xff\xfe"}', None),
        (b'{"name": 5}', "name"),
        (b'{"name": "x", "tags": [1]}', "tags[0]"),
        (b"[" * 100 + b"]" * 100, None),
    ],
)
def test_unreadable_input_is_a_decode_error(buf: bytes, path: str | None) -> None:
    with pytest.raises(DecodeError) as err:
        json.decode(buf, Item)
    assert err.value.path == path


@given(
    st.builds(
        Item, name=st.text(), count=st.integers(-(2**63), 2**63 - 1), tags=st.lists(st.text())
    )
)
def test_round_trip(item: Item) -> None:
    assert json.decode(json.encode(item), Item) == item


@given(st.binary())
def test_arbitrary_bytes_only_ever_raise_decode_error(buf: bytes) -> None:
    with contextlib.suppress(DecodeError):
        json.decode(buf, Item)
