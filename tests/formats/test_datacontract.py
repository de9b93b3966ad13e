from __future__ import annotations

import uuid
from typing import ClassVar

import msgspec
import pytest

from dialects.formats.datacontract import DataContractXml, datacontract_namespace
from dialects.formats.dotnet import NetEnum
from dialects.formats.errors import DecodeError
from tests.formats.dtos import Color, Dto, Leaf

XML = DataContractXml()


class Grid(msgspec.Struct):
    xml_namespace: ClassVar[str] = datacontract_namespace("Grids")
    Rows: list[list[int]] = []
    Lookup: dict[str, Leaf | None] = {}
    Maybe: list[str | None] = []


class Untyped(msgspec.Struct):
    Name: str = ""


class Tree(msgspec.Struct):
    Children: list[Tree] = []


class Kind(NetEnum):
    A = 0


def test_members_base_first_then_ordinal_nulls_nil_and_escaping() -> None:
    dto = Dto(Zeta="<&>\r", Text="b", Maybe=None, Hue=Color.Blue, Tags=["x"], Child=Leaf("n"))
    xml = XML.encode(dto).decode()
    assert xml.index("<Id>") < xml.index("<Zeta>") < xml.index("<Child ") < xml.index("<Text>")
    assert "<Zeta>&lt;&amp;&gt;&#xD;</Zeta>" in xml
    assert '<Maybe i:nil="true" />' in xml
    assert "<Hue>Blue</Hue>" in xml
    assert '<Tags xmlns:d2p1="http://schemas.microsoft.com/2003/10/Serialization/Arrays">' in xml
    assert "<d2p1:string>x</d2p1:string>" in xml
    assert '<Child xmlns:d2p1="http://schemas.datacontract.org/2004/07/Leaves">' in xml
    assert '<d2p1:Name>n</d2p1:Name><d2p1:When i:nil="true" />' in xml
    assert XML.decode(xml.encode(), Dto) == dto


def test_nested_collections_and_dictionaries_of_structs() -> None:
    grid = Grid(Rows=[[1, 2], []], Lookup={"k": Leaf("v", 1), "n": None}, Maybe=["a", None])
    xml = XML.encode(grid)
    assert b"<Rows xmlns:d2p1=" in xml
    assert b"<d2p1:ArrayOfint><d2p1:int>1</d2p1:int>" in xml
    assert b"<d2p1:KeyValueOfstringLeaf><d2p1:Key>k</d2p1:Key><d2p1:Value xmlns:d4p1=" in xml
    assert XML.decode(xml, Grid) == grid


def test_a_dto_without_namespace_uses_the_global_one() -> None:
    assert XML.encode(Untyped("x")) == (
        b'<Untyped xmlns:i="http://www.w3.org/2001/XMLSchema-instance" '
        b'xmlns="http://schemas.datacontract.org/2004/07/"><Name>x</Name></Untyped>'
    )


def test_reading_is_tolerant_of_order_prefixes_white_space_and_unknown_members() -> None:
    buf = b"""<x:Leaf xmlns:x="urn:any" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
      <x:Count> 3 </x:Count>
      <Unknown><Deep/></Unknown>
      <x:Name>  spaced  </x:Name>
      <x:When>2026-02-04T03:11:32Z</x:When>
    </x:Leaf>"""
    leaf = XML.decode(buf, Leaf)
    assert (leaf.Name, leaf.Count, leaf.When.isoformat()) == (
        "  spaced  ",
        3,
        "2026-02-04T03:11:32Z",
    )
    assert XML.decode(b"<Leaf><Name/></Leaf>", Leaf).Name == ""


def test_enums_by_name_or_number_and_bad_values_name_their_path() -> None:
    assert XML.decode(b"<Dto><Hue>Green</Hue><Hues><Color>7</Color></Hues></Dto>", Dto).Hues == [
        Color.Blue
    ]
    with pytest.raises(DecodeError) as err:
        XML.decode(b"<Dto><Hue>Purple</Hue></Dto>", Dto)
    assert err.value.path == "hue"
    with pytest.raises(DecodeError) as err:
        XML.decode(b"<Dto><Leaves><Leaf><Count>x</Count></Leaf></Leaves></Dto>", Dto)
    assert err.value.path == "leaves[0].count"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<Leaf><Name>&lol2;</Name></Leaf>"""
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Leaf><Name>&xxe;</Name></Leaf>"""
DTD_ONLY = b'<!DOCTYPE Leaf SYSTEM "http://example.invalid/x.dtd"><Leaf/>'


@pytest.mark.parametrize("buf", [BILLION_LAUGHS, XXE, DTD_ONLY])
def test_dtds_and_entities_are_refused_never_expanded(buf: bytes) -> None:
    with pytest.raises(DecodeError, match="XML refused"):
        XML.decode(buf, Leaf)


@pytest.mark.parametrize(
    ("buf", "message"),
    [
        (b"<Leaf><Name>x</Leaf>", "malformed"),
        (b"", "malformed"),
        (b"<Other/>", "expecting element 'Leaf'"),
        (
            b"<Grid><Lookup><KeyValueOfstringLeaf><Key>k</Key></KeyValueOfstringLeaf></Lookup></Grid>",
            "Key and a Value",
        ),
        (
            b"<Leaf><Name i:nil='true' xmlns:i='http://www.w3.org/2001/XMLSchema-instance'/>"
            b"<Count i:nil='true' xmlns:i='http://www.w3.org/2001/XMLSchema-instance'/></Leaf>",
            "Expected `int`",
        ),
    ],
)
def test_unreadable_documents_are_decode_errors(buf: bytes, message: str) -> None:
    target = Grid if buf.startswith(b"<Grid") else Leaf
    with pytest.raises(DecodeError, match=message):
        XML.decode(buf, target)


def test_malformed_xml_reports_a_byte_position() -> None:
    with pytest.raises(DecodeError) as err:
        XML.decode(b"<Leaf>\n<Name>x</Nme></Leaf>", Leaf)
    assert err.value.position == 16  # the end tag that does not match


def test_recursion_deeper_than_the_limit_is_refused() -> None:
    deep = b"<Tree>" + b"<Children><Tree>" * 40 + b"</Tree></Children>" * 40 + b"</Tree>"
    with pytest.raises(DecodeError, match="nested deeper"):
        XML.decode(deep, Tree)
    shallow = Tree([Tree([Tree()])])
    assert XML.decode(XML.encode(shallow), Tree) == shallow


def test_list_items_of_enums_and_guids() -> None:
    class Bag(msgspec.Struct):
        Kinds: list[Kind] = []
        Ids: list[uuid.UUID] = []

    bag = Bag([Kind.A], [uuid.UUID(int=1)])
    xml = XML.encode(bag)
    assert b"<d2p1:Kind>A</d2p1:Kind>" in xml
    assert b"<d2p1:guid>00000000-0000-0000-0000-000000000001</d2p1:guid>" in xml
    assert XML.decode(xml, Bag) == bag


UTF16_BOMB = BILLION_LAUGHS.replace(b'version="1.0"', b'version="1.0" encoding="UTF-16"')


@pytest.mark.parametrize(
    "buf",
    [
        UTF16_BOMB.decode().encode("utf-16"),
        UTF16_BOMB.decode().encode("utf-16-le"),
        XXE.decode().encode("utf-16-be"),
    ],
)
def test_dtds_in_other_encodings_are_refused_too(buf: bytes) -> None:
    with pytest.raises(DecodeError, match="XML refused"):
        XML.decode(buf, Leaf)


@pytest.mark.parametrize(
    ("buf", "name"),
    [
        (
            '<?xml version="1.0" encoding="ISO-8859-1"?><Leaf><Name>Jos\xe9</Name></Leaf>'.encode(
                "latin-1"
            ),
            "José",
        ),
        ('<?xml version="1.0" encoding="utf-8"?><Leaf><Name>José</Name></Leaf>'.encode(), "José"),
        ("<Leaf><Name>José</Name></Leaf>".encode("utf-16"), "José"),
    ],
)
def test_documents_in_any_encoding_expat_knows_are_read(buf: bytes, name: str) -> None:
    assert XML.decode(buf, Leaf).Name == name


class Nest(msgspec.Struct):
    Items: list[list[Nest]] = []


def test_nesting_through_lists_is_limited_too() -> None:
    nest = Nest()
    for _ in range(30):
        nest = Nest([[nest]])
    with pytest.raises(DecodeError, match="nested deeper"):
        XML.decode(XML.encode(nest), Nest)


def test_dictionary_entries_ignore_other_elements() -> None:
    buf = (
        b"<Grid><Lookup><KeyValueOfstringLeaf><Key>k</Key><Note/><Value><Name>v</Name>"
        b"</Value></KeyValueOfstringLeaf></Lookup></Grid>"
    )
    assert XML.decode(buf, Grid).Lookup == {"k": Leaf("v")}
