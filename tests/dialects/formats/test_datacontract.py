from __future__ import annotations

import uuid
from typing import ClassVar

import msgspec
import pytest

from dialects.formats.datacontract import (
    DataContractXml,
    datacontract_namespace,
    generic_contract_name,
)
from dialects.formats.dotnet import NetEnum
from dialects.formats.errors import DecodeError
from tests.dialects.formats.dtos import Color, Dto, Leaf

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


LEAVES = datacontract_namespace("Leaves")
TESTS = datacontract_namespace("Tests")
GRIDS = datacontract_namespace("Grids")
ARRAYS = "http://schemas.microsoft.com/2003/10/Serialization/Arrays"


def leaf(body: str, ns: str = LEAVES) -> bytes:
    return f'<Leaf xmlns="{ns}">{body}</Leaf>'.encode()


def test_reading_is_tolerant_of_prefixes_white_space_and_unknown_members() -> None:
    buf = f"""<x:Leaf xmlns:x="{LEAVES}" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
      <x:Count> 3 </x:Count>
      <Unknown><Deep/></Unknown>
      <x:When>2026-02-04T03:11:32Z</x:When>
    </x:Leaf>""".encode()
    got = XML.decode(buf, Leaf)
    assert (got.Count, got.When.isoformat()) == (3, "2026-02-04T03:11:32Z")
    assert XML.decode(leaf("<Name>  spaced  </Name>"), Leaf).Name == "  spaced  "
    assert XML.decode(leaf("<Name/>"), Leaf).Name == ""


def test_members_bind_only_in_data_member_order() -> None:
    """mono/mono, mcs/class/referencesource/System.Runtime.Serialization/System/Runtime/
    Serialization/XmlObjectSerializerReadContext.cs ``GetMemberIndex``: the next element is
    looked for among the members *after* the last one read (``memberIndex + 1``), else it is
    skipped (``HandleMemberNotFound``); XmlFormatReaderGenerator.cs ``ReadMembers`` numbers
    base members first. Leaf's order is Count, Name, When (ordinal): a Count after Name, or
    a second Name, is not bound."""
    got = XML.decode(leaf("<Name>n</Name><Count>3</Count><When>2026-01-01</When>"), Leaf)
    assert (got.Name, got.Count, got.When is not None) == ("n", 0, True)
    assert XML.decode(leaf("<Name>first</Name><Name>second</Name>"), Leaf).Name == "first"
    dto = XML.decode(
        f'<Dto xmlns="{TESTS}"><Text>t</Text><Id>{uuid.UUID(int=5)}</Id></Dto>'.encode(), Dto
    )
    assert (dto.Text, dto.Id) == ("t", uuid.UUID(int=0))


def test_members_bind_only_in_the_contract_namespace() -> None:
    """XmlObjectSerializerReadContext.cs ``GetMemberIndex`` matches
    ``IsStartElement(memberNames[i], memberNamespaces[i])``: name *and* namespace, the
    namespace of the member's declaring contract (XmlFormatReaderGenerator.cs ``ReadMembers``
    passes ``classContract.StableName.Namespace``)."""
    buf = (
        f'<Leaf xmlns="{LEAVES}"><Name xmlns="">n</Name><o:Count xmlns:o="urn:o">3</o:Count></Leaf>'
    )
    assert XML.decode(buf.encode(), Leaf) == Leaf()


@pytest.mark.parametrize(
    ("buf", "found"),
    [
        (b"<Leaf><Name>n</Name></Leaf>", "with name 'Leaf', namespace ''"),
        (leaf("", "urn:other"), "with name 'Leaf', namespace 'urn:other'"),
        (f'<Other xmlns="{LEAVES}"/>'.encode(), f"with name 'Other', namespace '{LEAVES}'"),
    ],
)
def test_a_root_outside_the_contract_is_refused(buf: bytes, found: str) -> None:
    """DataContractSerializer.ReadObject checks the root's name and namespace before reading
    (referencesource DataContractSerializer.cs ``InternalIsStartObject`` /
    XmlObjectSerializer.cs ``IsRootElement``) and throws a SerializationException whose text
    is ``Expecting element '{name}' from namespace '{ns}'.. Encountered 'Element'  with name
    ..., namespace ...``."""
    with pytest.raises(DecodeError) as err:
        XML.decode(buf, Leaf)
    assert str(err.value) == (
        f"Expecting element 'Leaf' from namespace '{LEAVES}'.. Encountered 'Element'  {found}. "
    )


def test_collection_items_bind_only_as_the_item_contract() -> None:
    """XmlFormatReaderGenerator.cs ``ReadCollection``: an element that is not the item
    contract's (``ItemName`` in the collection's namespace) is skipped
    (``HandleUnexpectedItemInCollection`` -> ``SkipUnknownElement``)."""
    buf = (
        f'<Dto xmlns="{TESTS}" xmlns:a="{ARRAYS}" xmlns:l="{LEAVES}">'
        "<Leaves><l:Leaf><l:Name>n</l:Name></l:Leaf><Leaf/></Leaves>"
        "<Tags><a:string>x</a:string><string>no</string><a:int>1</a:int></Tags></Dto>"
    )
    dto = XML.decode(buf.encode(), Dto)
    assert (dto.Tags, dto.Leaves) == (["x"], [Leaf("n")])


def test_enums_by_name_or_number_and_bad_values_name_their_path() -> None:
    hues = (
        f'<Dto xmlns="{TESTS}" xmlns:a="{ARRAYS}">'
        "<Hue>Green</Hue><Hues><a:Color>7</a:Color></Hues></Dto>"
    )
    assert XML.decode(hues.encode(), Dto).Hues == [Color.Blue]
    with pytest.raises(DecodeError) as err:
        XML.decode(f'<Dto xmlns="{TESTS}"><Hue>Purple</Hue></Dto>'.encode(), Dto)
    assert err.value.path == "hue"
    bad_count = (
        f'<Dto xmlns="{TESTS}"><Leaves><Leaf xmlns="{LEAVES}"><Count>x</Count></Leaf>'
        "</Leaves></Dto>"
    )
    with pytest.raises(DecodeError) as err:
        XML.decode(bad_count.encode(), Dto)
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
        (b"<Other/>", "Expecting element 'Leaf'"),
        (
            f'<Grid xmlns="{GRIDS}"><Lookup><KeyValueOfstringLeaf xmlns="{ARRAYS}"><Key>k</Key>'
            "</KeyValueOfstringLeaf></Lookup></Grid>".encode(),
            "Key and a Value",
        ),
        (
            leaf(
                "<Count i:nil='true' xmlns:i='http://www.w3.org/2001/XMLSchema-instance'/>"
                "<Name i:nil='true' xmlns:i='http://www.w3.org/2001/XMLSchema-instance'/>"
            ),
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
    ns = datacontract_namespace("").encode()
    deep = b'<Tree xmlns="' + ns + b'">' + b"<Children><Tree>" * 40 + b"</Tree></Children>" * 40
    deep += b"</Tree>"
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
            f'<?xml version="1.0" encoding="ISO-8859-1"?><Leaf xmlns="{LEAVES}"><Name>Jos\xe9'
            "</Name></Leaf>".encode("latin-1"),
            "José",
        ),
        (b'<?xml version="1.0" encoding="utf-8"?>' + leaf("<Name>José</Name>"), "José"),
        (leaf("<Name>José</Name>").decode().encode("utf-16"), "José"),
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
        f'<Grid xmlns="{GRIDS}" xmlns:a="{ARRAYS}"><Lookup><a:KeyValueOfstringLeaf><a:Key>k'
        f'</a:Key><Note/><a:Value><Name xmlns="{LEAVES}">v</Name></a:Value>'
        "</a:KeyValueOfstringLeaf><Other/></Lookup></Grid>"
    ).encode()
    assert XML.decode(buf, Grid).Lookup == {"k": Leaf("v")}


def test_a_generic_contract_name_carries_the_namespace_digest() -> None:
    """referencesource ``DataContract.cs`` ``GetDefaultStableLocalName`` / ``GetNamespacesDigest``;
    the expected name is BokaMera's own XML sample (api.bokamera.se/xml/metadata
    ?op=EAccountingCustomerQuery)."""
    dtos = datacontract_namespace("BokaMera.API.ServiceModel.Dtos")
    name = generic_contract_name(
        "QueryResponse", ("EAccountingDtos.EAccountingCustomerQueryResponse", dtos)
    )
    assert name == "QueryResponseOfEAccountingDtos.EAccountingCustomerQueryResponseWg5EthtI"


def test_a_generic_of_built_in_types_has_no_digest() -> None:
    """``IsBuiltInNamespace``: XML Schema types add no digest (``ArrayOfstring``)."""
    assert (
        generic_contract_name(
            "KeyValuePair",
            ("string", "http://www.w3.org/2001/XMLSchema"),
            ("int", "http://www.w3.org/2001/XMLSchema"),
        )
        == "KeyValuePairOfstringint"
    )


class PagedBase(msgspec.Struct):
    """Like ServiceStack's ``QueryBase`` (``[DataContract]`` in its own namespace)."""

    xml_namespace: ClassVar[str] = "http://schemas.servicestack.net/types"
    Take: int | None = None
    Info: Leaf | None = None


class Paged(PagedBase):
    xml_namespace: ClassVar[str] = datacontract_namespace("Sites")
    Search: str | None = None
    Base: PagedBase | None = None


def test_inherited_members_stay_in_their_base_contracts_namespace() -> None:
    """DataContractSerializer writes the members of each class of the hierarchy, base first,
    in the namespace of the contract that declares them (mono/mono referencesource
    ``ClassDataContract`` ``ContractNamespaces``/``MemberNames``, ``XmlFormatWriterGenerator``
    ``WriteMembers``); with no prefix in scope for it, dotnet/runtime
    ``System/Xml/XmlBaseWriter.cs`` ``StartElement`` redeclares the default namespace on the
    member element (declarations after attributes: ``i:nil`` first). Reading binds an
    inherited member only in its base's namespace (``XmlObjectSerializerReadContext``
    ``GetMemberIndex`` compares name and namespace)."""
    ss = "http://schemas.servicestack.net/types"
    sites = datacontract_namespace("Sites")
    value = Paged(Take=5, Info=None, Search="x", Base=PagedBase(Take=1))
    text = XML.encode(value).decode()
    assert text.startswith(
        f'<Paged xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="{sites}">'
        f'<Info i:nil="true" xmlns="{ss}" /><Take xmlns="{ss}">5</Take>'
        f'<Base xmlns:d2p1="{ss}"><d2p1:Info i:nil="true" /><d2p1:Take>1</d2p1:Take></Base>'
        "<Search>x</Search></Paged>"
    )
    assert XML.decode(text.encode(), Paged) == value
    wrong = text.replace(f'<Take xmlns="{ss}">5</Take>', "<Take>5</Take>")
    assert XML.decode(wrong.encode(), Paged).Take is None
