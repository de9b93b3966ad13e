"""The JSON shortcut of the JSV reader builds the full reader's tree, or steps aside."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialects.formats import jsvjson
from dialects.formats.dotnet import NetDateTime
from dialects.formats.errors import DecodeError
from dialects.formats.jsv import Jsv, read
from tests.dialects.formats.dtos import Dto, Leaf, dtos

#: The characters JSV gives a meaning to, and some that look like them.
_SYNTAX = st.sampled_from(list('{}[],:""\\ \tT0123456789xé\x85\xa0\u2003\x00\x1f'))
_TEXTS = st.lists(_SYNTAX | st.sampled_from(["{A:", "[", "]", "}", '"a,b"', ',"""x"""']))
_TOKENS = st.text(_SYNTAX, max_size=6) | st.text("aT09 :+-.é\\", max_size=8)
#: Mostly well-formed JSV: tokens of any of those characters, quoted or not, in lists and maps.
_JSV = st.recursive(
    _TOKENS | _TOKENS.map(lambda t: '"' + t.replace('"', '""') + '"'),
    lambda inner: (
        st.lists(inner).map(lambda items: "[" + ",".join(items) + "]")
        | st.lists(st.tuples(_TOKENS, inner)).map(
            lambda pairs: "{" + ",".join(k + ":" + v for k, v in pairs) + "}"
        )
    ),
)


def same_or_none(buf: bytes) -> None:
    fast = jsvjson.tree(buf)
    if fast is None:
        return
    assert fast == read(buf), buf


@given(dtos(jsv=True))
def test_what_the_writer_writes_gets_the_full_readers_tree(dto: object) -> None:
    same_or_none(Jsv().encode(dto))


def test_plain_values_take_the_shortcut() -> None:
    dto = Dto(
        Text="a, {b}",
        Tags=["x", ""],
        Leaves=[Leaf("n", 2, NetDateTime.parse("2026-01-02T03:04:05Z"))],
    )
    buf = Jsv().encode(dto)
    assert jsvjson.tree(buf) == read(buf)


@given(_TEXTS.map(lambda parts: ("{" + "".join(parts)).encode()) | _JSV.map(str.encode))
def test_any_text_gets_the_full_readers_tree_or_none(buf: bytes) -> None:
    try:
        same_or_none(buf)
    except DecodeError:
        assert jsvjson.tree(buf) is None


@pytest.mark.parametrize(
    "text",
    [
        '{A:1,B:"x ""y"" z",C:[{D:}],E:[],F:{},G:[,]}',
        "{When:2026-02-04T03:11:32.7341981+01:00,At:[12:30]}",
        '{A:"back\\\\slash",B:c\\\\d}',
        "[" * 64 + "]" * 64,
        "[" + ",".join(["{A:1}"] * 80) + "]",
    ],
)
def test_shortcut_examples(text: str) -> None:
    assert jsvjson.tree(text.encode()) == read(text.encode())


@pytest.mark.parametrize(
    "text",
    [
        "{A: 1}",
        '{A:b"c"}',
        '{A:"c"b}',
        '{A:"open}',
        "[" * 65 + "]" * 65,
        "{A:1}}",
        "{A:x:y}",
        "{A:\x01}",
        " {A:1}",
        "{A:é }",
        '{A:é"x"}',
        "{A:1,\x00B:2}",
    ],
)
def test_the_full_reader_decides_the_rest(text: str) -> None:
    buf = text.encode()
    assert jsvjson.tree(buf) is None


def test_bytes_that_are_not_utf8_are_left_to_the_full_reader() -> None:
    assert jsvjson.tree(b"{A:\xff}") is None
    with pytest.raises(DecodeError, match="UTF-8"):
        Jsv().decode(b"{A:\xff}", Dto)
