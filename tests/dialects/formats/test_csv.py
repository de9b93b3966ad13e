"""CSV as ServiceStack.Text's CsvSerializer writes and reads it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import ClassVar

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialects.formats.csv import Csv, field, parse_fields, parse_lines
from dialects.formats.dotnet import NetDateTime, NetEnum
from dialects.formats.errors import DecodeError

GUID = uuid.UUID("0f8fad5b-d9cb-469f-a165-70867728950e")


class Hue(NetEnum):
    Red = 0
    Blue = 7


class Row(msgspec.Struct):
    Name: str | None = None
    Count: int = 0
    Ratio: float = 0.0
    Flag: bool = False
    Id: uuid.UUID | None = None
    Hue: Hue = Hue.Red
    When: NetDateTime | None = None
    Tags: list[str] | None = None


class Status(msgspec.Struct):
    ErrorCode: str | None = None


class Page(msgspec.Struct):
    """A [DataContract] DTO (like ServiceStack's QueryResponse<T>)."""

    data_contract: ClassVar[bool] = True
    Offset: int = 0
    Results: list[Row] | None = None
    ResponseStatus: Status | None = None


class Single(msgspec.Struct):
    data_contract: ClassVar[bool] = True
    Total: int = 0
    ResponseStatus: Status | None = None
    Item: Row | None = None


class Counted(msgspec.Struct):
    data_contract: ClassVar[bool] = True
    Total: int = 0
    ResponseStatus: Status | None = None


class Plain(msgspec.Struct):
    Offset: int = 0
    Results: list[Row] | None = None


class Roles(msgspec.Struct):
    data_contract: ClassVar[bool] = True
    UserName: str | None = None
    Roles: list[str] | None = None


def _codec(guid_format: str = "N") -> Csv:
    return Csv(guid_format, lambda cls: getattr(cls, "data_contract", False))


def test_a_list_is_a_header_row_and_one_row_per_item() -> None:
    """ServiceStack/ServiceStack, ServiceStack.Text/src/ServiceStack.Text/CsvWriter.cs
    ``CsvWriter<T>.Write``: the header row is the member names as they are, each value by
    its type (``True``/``False``, enum names, JSV for Guids, dates and lists), a null value
    an empty field, rows end in CRLF (``CsvConfig.RowSeparatorString``)."""
    when = NetDateTime.from_datetime(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    rows = [
        Row("Ann", 2, 1.5, True, GUID, Hue.Blue, when, ["a", "b"]),
        Row(None, 0, 0.0, False, None, Hue.Red, None, None),
    ]
    assert _codec().encode(rows) == (
        b"Name,Count,Ratio,Flag,Id,Hue,When,Tags\r\n"
        b'Ann,2,1.5,True,0f8fad5bd9cb469fa16570867728950e,Blue,2026-01-02T03:04:05Z,"[a,b]"\r\n'
        b",0,0,False,,Red,,\r\n"
    )
    assert _codec("D").encode([Row(Id=GUID)]).splitlines()[1].split(b",")[4] == str(GUID).encode()


def test_a_data_contract_dto_is_written_as_its_first_list() -> None:
    """ServiceStack/ServiceStack, ServiceStack.Text/src/ServiceStack.Text/CsvSerializer.cs
    ``CsvSerializer<T>.GetWriteFn``: for a ``[DataContract]`` DTO (``IsDto``) the first
    member that is neither a string nor a value type, ``ResponseStatus`` skipped, is
    written instead: a list as rows (``WriteEnumerableProperty``), a single DTO as one row
    (``WriteNonEnumerableType``), a list of strings as one row; a null one writes nothing."""
    codec = _codec()
    page = Page(Offset=3, Results=[Row("Ann")], ResponseStatus=Status("X"))
    assert codec.encode(page).startswith(b"Name,Count,Ratio,Flag,Id,Hue,When,Tags\r\nAnn,0,")
    assert codec.encode(Page()) == b""
    assert codec.encode(Single(Item=Row("Bo"))).splitlines()[1].startswith(b"Bo,0,")
    assert codec.encode(Roles("ann", ["Admin", "a,b"])) == b'Admin,"a,b"\r\n'


def test_any_other_dto_is_one_row_of_itself() -> None:
    """CsvSerializer.cs ``GetWriteFn``: a DTO without ``[DataContract]`` (and one with no
    candidate member) is ``WriteSelf``: a header row and one row; nested values are JSV,
    quoted because they start with ``[`` or ``{`` (``CsvWriter.HasAnyEscapeChars``)."""
    codec = _codec()
    assert codec.encode(Plain(1, [Row("Ann", Count=1)])) == (
        b'Offset,Results\r\n1,"[{Name:Ann,Count:1,Ratio:0,Flag:False,Hue:Red}]"\r\n'
    )
    assert codec.encode(Counted(Total=2)) == b"Total,ResponseStatus\r\n2,\r\n"


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("plain", "plain"),
        ("", ""),
        ("a,b", '"a,b"'),
        ('say "hi"', '"say ""hi"""'),
        ("two\nlines", '"two\nlines"'),
        ("cr\r", '"cr\r"'),
        ("[x", '"[x"'),
        ("{x", '"{x"'),
        ("x]", "x]"),
        (" padded ", " padded "),
    ],
)
def test_field_quoting(text: str, written: str) -> None:
    """ServiceStack.Text/src/ServiceStack.Text/TextExtensions.cs ``ToCsvField`` and
    CsvWriter.cs ``HasAnyEscapeChars`` (``CsvConfig.EscapeStrings``: ``"``, ``,``, CRLF,
    CR, LF; or a leading ``[``/``{``)."""
    assert field(text) == written


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


@given(st.lists(st.lists(_TEXT, min_size=1, max_size=5), min_size=1, max_size=5))
def test_rows_of_fields_read_back(rows: list[list[str]]) -> None:
    """Property: whatever text a field holds, ``ToCsvField`` then ``CsvReader.ParseLines`` and
    ``ParseFields`` (ServiceStack.Text CsvReader.cs) give it back; an empty field reads as
    missing (null). Rows that are empty are skipped by ParseLines, so each row here starts
    with a marker."""
    text = "".join("#," + ",".join(field(v) for v in row) + "\r\n" for row in rows)
    read = [parse_fields(line) for line in parse_lines(text)]
    assert read == [["#", *[v if v else None for v in row]] for row in rows]


@given(
    st.builds(
        Row,
        Name=st.none() | _TEXT.filter(bool),
        Count=st.integers(-(2**31), 2**31 - 1),
        Flag=st.booleans(),
        Id=st.none() | st.uuids(),
        Hue=st.sampled_from(Hue),
        Tags=st.none() | st.lists(st.text("abc xyz", min_size=1, max_size=5), max_size=3),
    )
)
def test_a_row_reads_back_as_the_dto(row: Row) -> None:
    """Property: a DTO written as one row (``WriteSelf``) reads back as the same DTO
    (``CsvReader<T>``: the header names the members, nested lists are JSV)."""
    codec = _codec()
    assert codec.decode(codec.encode(row), Row) == row


def test_reading() -> None:
    """ServiceStack.Text/src/ServiceStack.Text/CsvReader.cs: ``ParseLines`` (LF or CRLF,
    line breaks inside quotes kept, empty rows skipped), ``ParseFields`` (quotes removed,
    doubled quotes read as one, nested JSV one field), member names matched
    case-insensitively; a body with only a header row is an empty DTO."""
    codec = _codec()
    body = b'name,COUNT,tags\n"a ""b""\nc",3,[x,y]\n\n'
    assert codec.decode(body, Row) == Row('a "b"\nc', 3, Tags=["x", "y"])
    assert codec.decode(b"Name\r\n", Row) == Row()
    assert parse_fields("a,,{b:1,c:2},") == ["a", None, "{b:1,c:2}", None]
    assert parse_fields("") == [None]
    with pytest.raises(DecodeError):
        codec.decode(b"\xff\xfe", Row)
