"""Value classes: how a scalar is written, whatever value it holds."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialects.formats.dotnet import NetDateTime
from dialects.formats.kinds import format_difference, text_kind

guids = st.uuids()
instants = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("", "empty"),
        ("/Date(1466607600000)/", "wcf-date"),
        ("\\/Date(-5+0100)\\/", "wcf-date"),
        ("2026-02-04T03:11:32.7341981+00:00", "iso-date offset"),
        ("2026-02-04T03:11:32.7341981Z", "iso-date Z"),
        ("2016-06-22T15:00:00", "iso-date"),
        ("2016-06-22", "iso-day"),
        ("11078e67adf54306a903481ed7aa8c0e", "guid-n"),
        ("11078e67-adf5-4306-a903-481ed7aa8c0e", "guid-dashed"),
        ("true", "boolean"),
        ("False", "boolean"),
        ("466", "integer"),
        ("-1.5", "decimal"),
        ("Facebook", "name"),
        ("John Deer", "text"),
        ("+46 8 123 456 00", "text"),
    ],
)
def test_text_kind(text: str, kind: str) -> None:
    assert text_kind(text) == kind


@given(guids, guids)
def test_guids_are_data_but_their_format_is_not(a: uuid.UUID, b: uuid.UUID) -> None:
    assert format_difference(a.hex, b.hex) is None
    assert format_difference(str(a), str(b)) is None
    assert format_difference(a.hex, str(b)) == ("guid-n", "guid-dashed")


@given(instants, instants)
def test_dates_are_data_but_wcf_against_7_digit_iso_is_not(a: datetime, b: datetime) -> None:
    wcf = f"/Date({int(a.timestamp() * 1000)})/"
    iso7 = NetDateTime.from_datetime(b).isoformat()
    assert format_difference(wcf, f"/Date({int(b.timestamp() * 1000)})/") is None
    assert format_difference(iso7, NetDateTime.from_datetime(a).isoformat()) is None
    assert format_difference(wcf, iso7) == ("wcf-date", text_kind(iso7))
    assert text_kind(iso7).startswith("iso-date")


@pytest.mark.parametrize(
    ("vendor", "own", "expected"),
    [
        # trimmed fractions of any width may come from one writer (Json.NET's FFFFFFF)
        ("2026-02-04T03:11:32.7341981Z", "2026-02-04T03:11:32.73Z", None),
        ("2026-02-04T03:11:32Z", "2026-02-04T03:11:32.7341981Z", None),
        ("2026-02-04T03:11:32.7340000Z", "2026-02-04T03:11:32.1234567Z", None),
        # a trailing zero proves a fixed width: any other width is another writer
        (
            "2026-02-04T03:11:32.7340000Z",
            "2026-02-04T03:11:32.734Z",
            ("iso-date Z, 7 fraction digits", "iso-date Z, 3 fraction digits (trimmed)"),
        ),
        (
            "2026-02-04T03:11:32.120Z",
            "2026-02-04T03:11:32Z",
            ("iso-date Z, 3 fraction digits", "iso-date Z, 0 fraction digits"),
        ),
        ("2026-02-04T03:11:32Z", "2026-02-04T03:11:32+00:00", ("iso-date Z", "iso-date offset")),
    ],
)
def test_iso_fraction_digits(vendor: str, own: str, expected: tuple[str, str] | None) -> None:
    assert format_difference(vendor, own) == expected


@given(instants, instants)
def test_a_trimming_writer_never_differs_from_itself(a: datetime, b: datetime) -> None:
    writer = NetDateTime.from_datetime
    assert format_difference(writer(a).isoformat(), writer(b).isoformat()) is None


@given(st.text(), st.text())
def test_free_text_never_differs_from_free_text(a: str, b: str) -> None:
    loose = {"empty", "text", "name", "integer", "decimal"}
    if (
        text_kind(a) in loose
        and text_kind(b) in loose
        and {text_kind(a), text_kind(b)}
        != {
            "integer",
            "name",
        }
    ):
        assert format_difference(a, b) is None


def test_an_enum_by_number_against_by_name() -> None:
    assert format_difference("1", "Facebook") == ("enum as number", "enum as name")
    assert format_difference("Facebook", "1") == ("enum as name", "enum as number")
    assert format_difference("Facebook", "Twitter") is None


def test_empty_is_data() -> None:
    assert format_difference("", "/Date(0)/") is None
    assert format_difference("true", "") is None


def test_structured_against_free_text_differs() -> None:
    assert format_difference("true", "yes") == ("boolean", "name")
    assert format_difference("2016-06-22", "John") == ("iso-day", "name")
