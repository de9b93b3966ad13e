"""ServiceStack JSON through msgspec wire Structs writes the bytes of the compiled writer
(ServiceStack.Text JsonSerializer as :mod:`dialects.formats.sstext` spells it) for every DTO
of the PF and BokaMera sites, under each site's Guid format and omitted defaults, in
PascalCase and camelCase.

Under ``TextCase.CamelCase`` only member names change: a dictionary's keys are written by the
key type's own writer (ServiceStack.Text ``WriteDictionary.cs``, ``WriteIDictionary``), so
``{"Meta":{"A":""}}`` becomes ``{"meta":{"A":""}}``.
"""

from __future__ import annotations

import dataclasses
import inspect
import uuid
from types import ModuleType
from typing import Any, ClassVar

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialects.formats import json, ssjson
from dialects.formats.dotnet import DateTimeKind, NetDateTime, NetEnum
from dialects.formats.schema import Node, plan
from dialects.formats.sstext import Compiler, json_style
from dialects.servicestack import dto as ss_dto
from dialects.servicestack.bokamera import dto as bokamera_dto
from dialects.servicestack.pf import dto as pf_dto
from tests.dialects.formats.dtos import datetimes

#: (site, its DTO modules, Guid format, omitted defaults) as the sites configure formats_for.
SITES = [
    ("pf", (pf_dto, ss_dto), "N", ()),
    ("bokamera", (bokamera_dto, ss_dto), "D", ("uuid", "datetime")),
]


def _dtos(module: ModuleType) -> list[type[msgspec.Struct]]:
    return [
        c
        for c in vars(module).values()
        if inspect.isclass(c) and issubclass(c, msgspec.Struct) and c.__module__ == module.__name__
    ]


CASES = [
    pytest.param(site, cls, guid, omit, id=f"{site}-{cls.__name__}")
    for site, modules, guid, omit in SITES
    for module in modules
    for cls in _dtos(module)
]

#: Values equal to the .NET defaults but not the same objects, as a store read makes them.
_NIL = st.builds(lambda: uuid.UUID(int=0))
_MIN = st.builds(lambda: NetDateTime(0))
_DATES = st.one_of(
    _MIN,
    st.builds(NetDateTime, st.integers(0, 3_155_378_975_999_999_999), st.sampled_from([0, 1])),
    st.builds(
        NetDateTime,
        st.integers(0, 3_155_378_975_999_999_999),
        st.just(DateTimeKind.LOCAL),
        st.integers(-840, 840),
    ),
)
_SCALARS: dict[str, st.SearchStrategy[Any]] = {
    "str": st.text(max_size=8),
    "int": st.integers(-(2**63), 2**63 - 1),
    "bool": st.booleans(),
    "uuid": st.one_of(_NIL, st.uuids()),
    "datetime": _DATES,
}


def _values(node: Node) -> st.SearchStrategy[Any]:
    if node.kind == "struct":
        assert node.struct is not None
        fields = {f.name: _values(f.node) for f in node.struct.fields}
        inner: st.SearchStrategy[Any] = st.builds(node.struct.cls, **fields)
    elif node.kind == "list":
        assert node.item is not None
        inner = st.lists(_values(node.item), max_size=3)
    elif node.kind == "dict":
        assert node.item is not None
        inner = st.dictionaries(st.text(max_size=4), _values(node.item), max_size=3)
    else:
        inner = _SCALARS[node.kind]
    return st.one_of(st.none(), inner) if node.nullable else inner


def _reference(guid: str, omit: tuple[str, ...], camel: bool) -> Compiler:
    style = json_style(guid, frozenset(omit))
    if camel:
        style = dataclasses.replace(style, name=lambda n: json_style().name(ssjson.camel(n)))
    return Compiler(style)


@pytest.mark.parametrize(("site", "cls", "guid", "omit"), CASES)
def test_every_site_dto_is_written_by_msgspec(
    site: str, cls: type[msgspec.Struct], guid: str, omit: tuple[str, ...]
) -> None:
    assert ssjson.WireTypes(guid, frozenset(omit)).of(cls) is not None


@pytest.mark.parametrize(("site", "cls", "guid", "omit"), CASES)
@pytest.mark.parametrize("camel", [False, True], ids=["pascal", "camel"])
def test_wire_struct_bytes_equal_the_compiled_writer(
    site: str, cls: type[msgspec.Struct], guid: str, omit: tuple[str, ...], camel: bool
) -> None:
    codec = json.ServiceStackJson(guid, omit, ssjson.camel if camel else str)
    write = _reference(guid, omit, camel).for_type(cls)

    @given(_values(Node("struct", struct=plan(cls))))
    def check(value: msgspec.Struct) -> None:
        assert codec.encode(value) == write(value).encode()

    check()


class Hue(NetEnum):
    Red = 1


class Painted(msgspec.Struct, kw_only=True):
    Hue: Hue | None = None


class Weighed(msgspec.Struct, kw_only=True):
    Weight: float = 0.0


class Tree(msgspec.Struct, kw_only=True):
    Children: list[Tree] | None = None


class Holder(msgspec.Struct, kw_only=True):
    Items: list[Painted] | None = None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Painted(Hue=Hue.Red), b'{"Hue":"Red"}'),
        (Weighed(Weight=1e16), b'{"Weight":1E+16}'),
        (Tree(Children=[Tree()]), b'{"Children":[{}]}'),
        (Holder(Items=[Painted(Hue=Hue.Red)]), b'{"Items":[{"Hue":"Red"}]}'),
    ],
)
def test_what_msgspec_cannot_spell_goes_to_the_compiled_writer(
    value: msgspec.Struct, expected: bytes
) -> None:
    """Enums by name and .NET's "R" doubles (1E+16) have no msgspec form; a type that
    contains itself gets no wire Struct either."""
    assert ssjson.WireTypes().of(type(value)) is None
    assert json.ServiceStackJson().encode(value) == expected


def test_camel_case_keeps_dictionary_keys() -> None:
    status = ss_dto.ResponseStatus(ErrorCode="E", Meta={"Field": "x"})
    camel = json.ServiceStackJson(name=ssjson.camel)
    assert camel.encode(status) == b'{"errorCode":"E","meta":{"Field":"x"}}'


def test_a_non_struct_answer_goes_to_the_compiled_writer() -> None:
    assert json.ServiceStackJson().encode("a\tb") == rb'"a\tb"'


def test_only_a_date_is_handed_to_the_hook() -> None:
    with pytest.raises(TypeError, match="cannot write"):
        ssjson.WireTypes().encoder.encode(object())


@given(datetimes())
def test_a_date_is_written_as_its_wcf_form_each_time(value: NetDateTime) -> None:
    """The hook hands msgspec the form kept on the value: the same bytes as spelling it
    afresh, the first time and every time after."""
    expected = b'"' + value.wcf().replace("/", "\\/").encode() + b'"'
    encoder = ssjson.WireTypes().encoder
    assert encoder.encode(value) == encoder.encode([value])[1:-1] == expected


class Shared(msgspec.Struct, kw_only=True):
    shared_instances: ClassVar[bool] = True

    Id: int = 0
    Name: str | None = None


class Unshared(msgspec.Struct, kw_only=True):
    Id: int = 0
    Name: str | None = None


class Lists(msgspec.Struct, kw_only=True):
    One: Shared | None = None
    Many: list[Shared] | None = None
    Tail: int = 0


class PlainLists(msgspec.Struct, kw_only=True):
    One: Unshared | None = None
    Many: list[Unshared] | None = None
    Tail: int = 0


_SHARED = st.builds(Shared, Id=st.integers(-5, 5), Name=st.one_of(st.none(), st.text(max_size=4)))


@given(st.one_of(st.none(), _SHARED), st.one_of(st.none(), st.lists(_SHARED, max_size=3)))
def test_shared_members_are_written_as_their_unshared_twins(
    one: Shared | None, many: list[Shared] | None
) -> None:
    """A member holding a shared DTO (or a list of them) is written from the bytes kept with
    the instance: the same bytes as a class that shares nothing, written afresh."""
    codec = json.ServiceStackJson()
    twin = [Unshared(Id=s.Id, Name=s.Name) for s in many] if many is not None else None
    plain = PlainLists(
        One=None if one is None else Unshared(Id=one.Id, Name=one.Name), Many=twin, Tail=3
    )
    expected = codec.encode(plain)
    assert codec.encode(Lists(One=one, Many=many, Tail=3)) == expected
    assert codec.encode(Lists(One=one, Many=many, Tail=3)) == expected


def test_a_shared_instance_is_written_once_while_kept_and_the_kept_stay_bounded() -> None:
    written: list[object] = []

    def write(obj: object) -> bytes:
        written.append(obj)
        return b"{}"

    kept = ssjson.Kept(write, size=2)
    first, second, third = Shared(), Shared(), Shared()
    assert kept(first) is kept(first)
    assert written == [first]
    assert kept.many([second, first, second]) == [kept(second), kept(first), kept(second)]
    assert written == [first, second]
    kept(third)
    assert len(kept._known) <= 2
