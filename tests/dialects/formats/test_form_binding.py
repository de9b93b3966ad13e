from __future__ import annotations

import msgspec
import pytest

from dialects.formats import form
from dialects.formats.errors import DecodeError
from dialects.formats.schema import plan
from tests.dialects.formats.dtos import Color, Dto, Leaf


def test_nested_collections_dots_brackets_and_case() -> None:
    buf = (
        b"leaves[1][name]=b&Leaves[0].Name=a&LEAVES[0].count=2&child.name=c"
        b"&Tags=x&tags=y&Ids[]=00000000-0000-0000-0000-000000000001&hue=blue&meta[K]=v"
    )
    dto = form.decode(buf, Dto)
    assert dto.Leaves == [Leaf("a", 2), Leaf("b")]
    assert (dto.Child, dto.Tags, dto.Hue, dto.Meta) == (
        Leaf("c"),
        ["x", "y"],
        Color.Blue,
        {"K": "v"},
    )
    assert dto.Ids[0].int == 1


def test_indexes_stop_at_the_first_gap_and_odd_names_are_ignored() -> None:
    dto = form.decode(b"Tags[0]=a&Tags[2]=c&[x]=1&Text[=2&Number=4&Number=5", Dto)
    assert (dto.Tags, dto.Text, dto.Number) == (["a"], "", 5)


@pytest.mark.parametrize(
    ("buf", "path"),
    [
        (b"Number=x", "number"),
        (b"Number=", "number"),
        (b"Leaves[0].Count=1.5", "leaves[0].count"),
        (b"Hue=Purple", "hue"),
        (b"Child=flat", "child"),
        (b"Text[a]=1", "text"),
    ],
)
def test_bad_values_name_their_path(buf: bytes, path: str) -> None:
    with pytest.raises(DecodeError) as err:
        form.decode(buf, Dto)
    assert err.value.path == path


def test_too_deep_names_are_refused() -> None:
    with pytest.raises(DecodeError, match="too deeply"):
        form.decode(b"Child" + b".a" * 100 + b"=1", Dto)


def test_encoding_flattens_like_the_binder_reads() -> None:
    assert form.encode(Leaf("a b", 1)) == b"Name=a+b&Count=1"
    assert form.decode(form.encode(Dto(Ratio=0.5)), Dto).Ratio == 0.5


def test_a_union_with_text_binds_from_the_text() -> None:
    """``int | str`` (iService's contactID) reads as its text; msgspec picks the type."""

    class Either(msgspec.Struct):
        Value: int | str = 0
        Maybe: int | str | None = None

    assert form.decode(b"Value=466", Either) == Either("466", None)
    assert form.decode(b"Maybe=7", Either) == Either(0, "7")


def test_unsupported_member_types_are_refused_when_planned() -> None:
    class Odd(msgspec.Struct):
        Value: int | float = 0

    class Tupled(msgspec.Struct):
        Value: tuple[int, ...] = ()

    for cls in (Odd, Tupled):
        with pytest.raises(TypeError, match="unsupported"):
            plan(cls)
    with pytest.raises(TypeError, match="Struct"):
        plan(int)  # type: ignore[arg-type]
