from __future__ import annotations

from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialects.formats.errors import DecodeError
from dialects.formats.jsv import Jsv, laid_out, layout, parse
from dialects.formats.sstext import format_jsv, jsv_string
from tests.dialects.formats.dtos import Dto, Leaf

JSV = Jsv()


class Greeting(msgspec.Struct):
    Greet: str | None = None
    Values: list[int] = []
    Children: list[Greeting] = []


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("Hello World!", "Hello World!"),
        ("a, b", '"a, b"'),
        ('2" x 1"', '"2"" x 1"""'),
        ('say "hi"', '"say ""hi"""'),
        ("{y}", '"{y}"'),
        ("[x]", '"[x]"'),
        ("k:v", '"k:v"'),
        ("two\nlines", '"two\nlines"'),
        (" padded", '" padded"'),
        ("", '""'),
        ("héllo wörld", "héllo wörld"),
    ],
)
def test_string_quoting(value: str, text: str) -> None:
    assert jsv_string(value) == text
    assert JSV.decode(JSV.encode(Greeting(value)), Greeting).Greet == value


def test_wire_examples() -> None:
    assert JSV.encode(Greeting("Hello World!")) == b"{Greet:Hello World!,Values:[],Children:[]}"
    assert JSV.encode(Greeting(None, [1, 2, 3], [Greeting("x")])) == (
        b"{Values:[1,2,3],Children:[{Greet:x,Values:[],Children:[]}]}"
    )
    assert parse(b"[]") == []
    assert parse(b"{}") == {}
    assert parse(b"{A:,B:[,x]}") == {"A": None, "B": [None, "x"]}


def test_reads_laid_out_and_json_looking_jsv() -> None:
    buf = b'{\n\t"Greet": "a b" ,\n\tvalues :\n\t[ 1 , 2 ]\n}\n'
    assert JSV.decode(buf, Greeting) == Greeting("a b", [1, 2])


def test_pretty_printing_as_jsv_formatter() -> None:
    text = format_jsv('{A:1,B:[],C:[{D:"x,y"}],E:{}}')
    assert (
        text == '{\n\tA: 1,\n\tB: [],\n\tC: \n\t[\n\t\t{\n\t\t\tD: "x,y"\n\t\t}\n\t],\n\tE: {}\n}'
    )
    assert JSV.encode_pretty(Leaf("n"), newline="\r\n") == b"{\r\n\tname: n,\r\n\tcount: 0\r\n}"


def test_layout_of_any_jsv_text() -> None:
    """The dashboard's layout: brackets inside a quoted value stay put (JsvFormatter would
    break the line there), and laid-out text comes out as compact text does."""
    compact = b'{Status:{Errors:[{Field:"Items[0].Id",Message:x}]},Empty:,Blank:"",None:[]}'
    expected = (
        "{\n\tStatus:\n\t{\n\t\tErrors:\n\t\t[\n\t\t\t{\n"
        '\t\t\t\tField: "Items[0].Id",\n\t\t\t\tMessage: x\n\t\t\t}\n\t\t]\n\t},\n'
        '\tEmpty:,\n\tBlank: "",\n\tNone: []\n}'
    )
    assert layout(compact) == expected
    assert layout(expected.encode()) == expected
    assert layout(b"plain") == "plain"
    with pytest.raises(DecodeError):
        layout(b"{A:1")


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
_TREES = st.recursive(
    st.none() | _TEXT,
    lambda inner: (
        st.lists(inner, max_size=4).filter(lambda items: items != [None])
        | st.dictionaries(_TEXT, inner, max_size=4)
    ),
    max_leaves=20,
)


@given(_TREES)
def test_layout_reads_back_as_the_same_tree(tree: Any) -> None:
    text = laid_out(tree)
    if tree is None:
        assert text == ""
        return
    assert parse(text.encode()) == tree
    assert layout(text.encode()) == text


@pytest.mark.parametrize(
    ("buf", "message"),
    [
        (b"", "empty"),
        (b"  \n", "empty"),
        (b"\xff", "UTF-8"),
        (b'{Greet:"open', "unterminated"),
        (b"{Greet:x", "expected ',' or '}'"),
        (b"{Greet}", "expected ':'"),
        (b"{Values:[1 2}", "expected ',' or ']'"),
        (b"{Greet:x}}", "after the value"),
        (b'{Greet:"a"b}', "expected ',' or '}'"),
        (b"[" * 100, "nested deeper"),
        (b"{Values:[x]}", "Expected `int`"),
    ],
)
def test_unreadable_jsv_is_a_decode_error(buf: bytes, message: str) -> None:
    with pytest.raises(DecodeError, match=message):
        JSV.decode(buf, Greeting)


def test_errors_carry_position_and_path() -> None:
    with pytest.raises(DecodeError) as err:
        JSV.decode("{Greet:é,x}".encode(), Greeting)
    assert err.value.position == 11
    with pytest.raises(DecodeError) as err:
        JSV.decode(b"{Children:[{Values:[1,x]}]}", Greeting)
    assert err.value.path == "Children[0].Values[1]"


def test_guid_forms_and_bad_options() -> None:
    dto = Dto()
    assert b"id:00000000000000000000000000000000" in JSV.encode(dto)
    assert b"id:" not in Jsv("D", ("uuid",)).encode(dto)
    assert b"when:" not in Jsv("D", ("datetime",)).encode(dto)
    assert JSV.decode(b"{id:00000000-0000-0000-0000-000000000001}", Dto).Id.int == 1
    with pytest.raises(ValueError, match="Guid format"):
        Jsv("B")


class Lookup(msgspec.Struct):
    Leaves: dict[str, Leaf] = {}
    Counts: dict[str, int] = {}


def test_dictionaries_of_dtos_bind_their_members_case_insensitively() -> None:
    buf = b"{leaves:{a:{NAME:x,count:2}},Counts:{b:3}}"
    assert JSV.decode(buf, Lookup) == Lookup({"a": Leaf("x", 2)}, {"b": 3})
    assert JSV.decode(b"[1,2]", list[int]) == [1, 2]


@pytest.mark.parametrize(("buf", "type_"), [(b"{leaves:x}", Dto), (b"{leaves:x}", Lookup)])
def test_a_plain_value_where_a_collection_belongs_is_a_decode_error(
    buf: bytes, type_: type
) -> None:
    with pytest.raises(DecodeError, match="Expected"):
        JSV.decode(buf, type_)
