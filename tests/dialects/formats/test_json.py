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


_TEXT = st.text(alphabet=st.sampled_from(["a", '"', "\\", "\u00a0", " ", "\u00e9"]), max_size=6)


@given(
    name=_TEXT, tags=st.lists(_TEXT, max_size=3), gap=st.sampled_from(["\u00a0", " \u00a0", " "])
)
def test_no_break_spaces_indent_any_document(name: str, tags: list[str], gap: str) -> None:
    """Strings keep their no-break spaces, escaped quotes or not (the fast path splits on
    quotes only when none is escaped), also in a document that has none outside them."""
    item = Item(name=name, count=3, tags=tags)
    members = [
        f'"{k}":{gap}{msgspec.json.encode(v).decode()}'
        for k, v in (("name", name), ("count", 3), ("tags", tags))
    ]
    buf = ("{" + gap + f",{gap}".join(members) + gap + "}").encode()
    assert json.decode(buf, Item) == item


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


# -- vendor conventions ------------------------------------------------------------------------

from dialects.formats import schema  # noqa: E402
from dialects.formats.dotnet import NetDateTime  # noqa: E402
from tests.dialects.formats.dtos import Color, Dto, Leaf, dtos  # noqa: E402


def test_servicestack_json_leaves_out_nulls_and_writes_its_own_forms() -> None:
    codec = json.ServiceStackJson()
    dto = Dto(Hue=Color.Blue, When=NetDateTime.parse("2020-07-01T00:00:00Z"), Child=Leaf())
    buf = codec.encode(dto)
    assert b'"id":"00000000000000000000000000000000"' in buf
    assert b'"hue":"Blue"' in buf
    assert b'"when":"\\/Date(1593561600000)\\/"' in buf
    assert b'"child":{"count":0}' in buf
    assert b"maybe" not in buf
    assert b'"tags":[]' in buf
    assert codec.decode(buf, Dto) == dto
    assert b'"id":"00000000-0000' in json.ServiceStackJson("D").encode(dto)
    assert b'"ratio":null' in codec.encode(Dto(Ratio=float("nan")))
    with pytest.raises(ValueError, match="Guid format"):
        json.ServiceStackJson("X")


def test_vendor_json_reads_names_case_insensitively_and_enums_by_name() -> None:
    buf = (
        b'{"ID":"00000000-0000-0000-0000-000000000002","HUE":"green","Child":{"NAME":"n"},'
        b'"hues":["Blue",0],"when":"2026-02-04","unknown":1}'
    )
    for codec in (json.WebApiJson(), json.ServiceStackJson()):
        dto = codec.decode(buf, Dto)
        assert (dto.Id.int, dto.Hue, dto.Child, dto.Hues) == (
            2,
            Color.Green,
            Leaf("n"),
            [Color.Blue, Color.Red],
        )
        with pytest.raises(DecodeError) as err:
            codec.decode(b'{"hue":"Purple"}', Dto)
        assert err.value.path == "hue"


def test_webapi_json_writes_nulls_and_numbers_for_enums() -> None:
    buf = json.WebApiJson().encode(Dto(Hue=Color.Blue))
    assert b'"maybe":null' in buf
    assert b'"hue":7' in buf
    assert json.WebApiJson().decode(b"[]", list[Leaf]) == []
    assert json.WebApiJson().decode(b'[{"NAME":"a"}]', list[Leaf]) == [Leaf("a")]


def test_plain_codec_and_any_document() -> None:
    assert json.decode(json.encode(Leaf("x", 1)), Leaf) == Leaf("x", 1)
    assert json.parse(b'{"a":[1]}') == {"a": [1]}
    with pytest.raises(DecodeError, match="date-time"):
        json.decode(b'{"when":"never"}', Leaf)
    with pytest.raises(TypeError):
        json.encode(object())


def test_nesting_beyond_msgspec_depth_guard_is_a_decode_error() -> None:
    with pytest.raises(DecodeError, match="nested too deeply"):
        json.parse(b"[" * 5000 + b"]" * 5000)


def _bound(buf: bytes) -> object:
    """What the binding path answers (a value or the error's text), for comparison."""
    try:
        return schema.convert(json.parse(buf), Dto)
    except DecodeError as exc:
        return str(exc)


def _read(codec: json.WebApiJson | json.ServiceStackJson, buf: bytes) -> object:
    try:
        return codec.decode(buf, Dto)
    except DecodeError as exc:
        return str(exc)


@given(
    dto=dtos(ms=True),
    data=st.data(),
    codec=st.sampled_from([json.WebApiJson(), json.ServiceStackJson()]),
)
def test_a_document_read_straight_into_the_type_reads_as_bound(
    dto: Dto, data: st.DataObject, codec: json.WebApiJson | json.ServiceStackJson
) -> None:
    """Exact member names decode straight into the DTO (``schema.exact_type``); names in
    another case, unknown members, numbers sent as text or enums by name take the binding
    path. Either way the answer (or the error) is the binding path's."""
    tree = msgspec.json.decode(codec.encode(dto))
    for key in data.draw(st.lists(st.sampled_from(sorted(tree)), max_size=3)):
        change = data.draw(st.sampled_from(["upper", "text", "drop", "unknown"]))
        if change == "upper" and key in tree:
            tree[key.upper()] = tree.pop(key)
        elif change == "text" and key in tree:
            tree[key] = str(tree[key])
        elif change == "drop":
            tree.pop(key, None)
        else:
            tree["unknown"] = {"nested": [key]}
    buf = msgspec.json.encode(tree)
    assert _read(codec, buf) == _bound(buf)


class Node(msgspec.Struct):
    Name: str = ""
    Children: list[Node] = []


def test_only_a_struct_of_finite_depth_has_an_exact_mirror() -> None:
    mirror = schema.exact_type(Dto)
    assert mirror is not None
    assert msgspec.json.decode(b'{"text":"a","child":{"name":"n"}}', type=mirror).Text == "a"
    with pytest.raises(msgspec.ValidationError, match="unknown field `Text`"):
        msgspec.json.decode(b'{"Text":"a"}', type=mirror)
    assert schema.exact_type(Node) is None  # refers to itself: bound the .NET way only
    assert schema.exact_type(list[Leaf]) is None
    assert json.ServiceStackJson().decode(b'{"name":"n","children":[{}]}', Node) == Node(
        "n", [Node()]
    )
