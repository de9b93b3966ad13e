from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialects.formats.dotnet import (
    DATETIME_MIN,
    MAX_TICKS,
    TICKS_PER_MINUTE,
    UNIX_EPOCH_TICKS,
    DateTimeKind,
    NetDateTime,
    NetEnum,
    camel_case,
    format_double,
)
from tests.dialects.formats.dtos import datetimes


class Provider(NetEnum):
    Facebook = 0
    Twitter = 1


@pytest.mark.parametrize(
    ("text", "iso", "kind", "offset"),
    [
        ("2026-02-04T03:11:32.7341981+00:00", "2026-02-04T03:11:32.7341981+00:00", 2, 0),
        ("2026-02-04T03:11:32.5Z", "2026-02-04T03:11:32.5Z", 1, 0),
        ("2026-02-04T03:11:32.123456789-05:30", "2026-02-04T03:11:32.1234567-05:30", 2, -330),
        ("2026-02-04 03:11", "2026-02-04T03:11:00", 0, 0),
        ("2026-02-04", "2026-02-04T00:00:00", 0, 0),
        ("2026-02-04T03:11:32+0100", "2026-02-04T03:11:32+01:00", 2, 60),
        ("0001-01-01T00:00:00", "0001-01-01T00:00:00", 0, 0),
        ("/Date(1593561600000)/", "2020-07-01T00:00:00Z", 1, 0),
        ("\\/Date(1593561600000-0000)\\/", "2020-07-01T00:00:00", 0, 0),
        ("/Date(1593561600000+0200)/", "2020-07-01T02:00:00+02:00", 2, 120),
        ("/Date(1593561600000-0130)/", "2020-06-30T22:30:00-01:30", 2, -90),
    ],
)
def test_parse_and_isoformat(text: str, iso: str, kind: int, offset: int) -> None:
    value = NetDateTime.parse(text)
    assert (value.isoformat(), value.kind, value.offset) == (iso, kind, offset)


@pytest.mark.parametrize(
    "text", ["", "2026-13-01", "yesterday", "2026-02-04T25:00:00", "/Date(x)/"]
)
def test_unreadable_dates_are_value_errors(text: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        NetDateTime.parse(text)


@pytest.mark.parametrize(
    ("ticks", "kind", "offset"),
    [(-1, 0, 0), (MAX_TICKS + 1, 0, 0), (0, DateTimeKind.UTC, 60), (0, 2, 15 * 60)],
)
def test_out_of_range_values_are_refused(ticks: int, kind: int, offset: int) -> None:
    with pytest.raises(ValueError, match=r"."):
        NetDateTime(ticks, DateTimeKind(kind), offset)


def test_immutable_hashable_and_comparable_only_to_its_kind() -> None:
    value = NetDateTime.parse("2026-02-04T03:11:32Z")
    with pytest.raises(AttributeError):
        value.ticks = 0  # type: ignore[misc]
    assert value == NetDateTime.parse("2026-02-04T03:11:32.0000000Z")
    assert value != NetDateTime.parse("2026-02-04T03:11:32")
    assert value != "2026-02-04T03:11:32Z"
    assert len({value, NetDateTime.parse("2026-02-04T03:11:32Z")}) == 1
    assert repr(DATETIME_MIN) == "NetDateTime('0001-01-01T00:00:00')"


def test_wcf_form_by_kind() -> None:
    assert NetDateTime.parse("2020-07-01T00:00:00Z").wcf() == "/Date(1593561600000)/"
    assert NetDateTime.parse("2020-07-01T00:00:00").wcf() == "/Date(1593561600000-0000)/"
    assert NetDateTime.parse("2020-07-01T02:00:00.0009+02:00").wcf() == "/Date(1593561600000+0200)/"
    assert NetDateTime.parse("1969-12-31T23:59:59.9995Z").wcf() == "/Date(0)/"


def test_wcf_milliseconds_are_a_long_division_of_ticks() -> None:
    """ServiceStack.Text's ``DateTimeExtensions.ToUnixTimeMs`` divides ``long`` ticks by
    ``TicksPerMillisecond`` (src/ServiceStack.Text/DateTimeExtensions.cs): exact and cut
    toward zero, also where a float quotient of these ticks would round up a whole ms."""
    late = NetDateTime(UNIX_EPOCH_TICKS + 99_999_999_999_999_999, DateTimeKind.UTC)
    assert late.wcf() == "/Date(9999999999999)/"
    early = NetDateTime(UNIX_EPOCH_TICKS - 99_999_999_999_999_999, DateTimeKind.UTC)
    assert early.wcf() == "/Date(-9999999999999)/"
    assert late.wcf_parts() == (9_999_999_999_999, "")


def test_shortest_xsd_form() -> None:
    assert NetDateTime.parse("2026-02-04T00:00:00Z").shortest_xsd() == "2026-02-04"
    assert NetDateTime.parse("2026-02-04T03:11:32Z").shortest_xsd() == "2026-02-04T03:11:32Z"
    assert NetDateTime.parse("2026-02-04T03:11:32.5Z").shortest_xsd() == (
        "2026-02-04T03:11:32.5000000Z"
    )
    assert NetDateTime.parse("2026-02-04T03:11:32").shortest_xsd() == "2026-02-04T03:11:32+00:00"
    assert NetDateTime.parse("2026-02-04T03:11:32.1-01:00").shortest_xsd() == (
        "2026-02-04T03:11:32.1000000-01:00"
    )


def test_python_datetime_conversions() -> None:
    aware = datetime(2026, 2, 4, 3, 11, 32, 734198, tzinfo=timezone(timedelta(hours=2)))
    local = NetDateTime.from_datetime(aware)
    assert local.isoformat() == "2026-02-04T03:11:32.734198+02:00"
    assert local.to_datetime() == aware
    utc = NetDateTime.from_datetime(aware, DateTimeKind.UTC)
    assert utc.isoformat() == "2026-02-04T01:11:32.734198Z"
    assert utc.to_datetime() == aware
    assert NetDateTime.from_datetime(aware.astimezone(UTC)).kind is DateTimeKind.UTC
    assert NetDateTime.from_datetime(aware, DateTimeKind.UNSPECIFIED).isoformat() == (
        "2026-02-04T03:11:32.734198"
    )
    naive = NetDateTime.from_datetime(datetime(2026, 2, 4))
    assert naive.to_datetime() == datetime(2026, 2, 4)
    assert NetDateTime.from_datetime(datetime(2026, 2, 4), DateTimeKind.UTC).kind == 1
    assert NetDateTime.parse("2026-02-04T03:11:32.7341981Z").to_datetime().microsecond == 734198


def test_enums_from_number_or_name() -> None:
    assert Provider.from_wire(1) is Provider.Twitter
    assert Provider.from_wire("1") is Provider.Twitter
    assert Provider.from_wire(" twitter ") is Provider.Twitter
    with pytest.raises(ValueError, match="Provider"):
        Provider.from_wire("MySpace")


@pytest.mark.parametrize(
    ("name", "camel"),
    [
        ("Id", "id"),
        ("ID", "id"),
        ("URLValue", "urlValue"),
        ("IsTokenValid", "isTokenValid"),
        ("aB", "aB"),
        ("", ""),
        ("AB C", "ab C"),
    ],
)
def test_camel_case_as_json_net(name: str, camel: str) -> None:
    assert camel_case(name) == camel


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0, "1"),
        (0.1, "0.1"),
        (1e15, "1E+15"),
        (1e14, "100000000000000"),
        (1e-5, "1E-05"),
        (0.0001, "0.0001"),
        (-2.5e-7, "-2.5E-07"),
        (-0.0, "-0"),
        (0.0, "0"),
        (12345.678, "12345.678"),
        (1.7976931348623157e308, "1.7976931348623157E+308"),
        (float("nan"), "NaN"),
        (float("inf"), "Infinity"),
        (float("-inf"), "-Infinity"),
    ],
)
def test_format_double_as_dotnet(value: float, text: str) -> None:
    assert format_double(value) == text


_zones = st.none() | st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))


@given(st.datetimes(timezones=_zones))
def test_a_datetime_keeps_its_instant_zone_and_ticks(value: datetime) -> None:
    """Ticks are the wall clock's 100 ns units since 0001-01-01; offset zero is UTC."""
    net = NetDateTime.from_datetime(value)
    wall = (value.replace(tzinfo=None) - datetime(1, 1, 1)) // timedelta(microseconds=1) * 10
    offset = value.utcoffset()
    assert net.ticks == wall
    assert (net.kind is DateTimeKind.UTC) == (offset == timedelta(0))
    back = net.to_datetime()
    assert back == value
    assert back.utcoffset() == offset


@given(datetimes())
def test_iso_text_reads_back_as_written(value: NetDateTime) -> None:
    assert NetDateTime.parse(value.isoformat()) == value


@pytest.mark.parametrize(
    "text", ["2026-13-01", "2026-02-30", "2026-02-04T24:00", "2026-02-04T03:60", "2026-02-04T3:1"]
)
def test_a_date_or_time_out_of_range_is_no_date_time(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - datetime's own messages
        NetDateTime.parse(text)


class _Folding(tzinfo):
    """A zone whose clocks go back an hour at 03:00 on 2026-10-25: 02:00-03:00 comes twice,
    ``fold`` telling the first (+02:00) from the second (+01:00)."""

    def utcoffset(self, dt: datetime | None) -> timedelta:
        assert dt is not None
        ambiguous = dt.replace(tzinfo=None, fold=0)
        first = ambiguous < datetime(2026, 10, 25, 2) or (
            ambiguous < datetime(2026, 10, 25, 3) and not dt.fold
        )
        return timedelta(hours=2 if first else 1)

    def dst(self, dt: datetime | None) -> timedelta:
        return timedelta(0)


_kinds = st.none() | st.sampled_from(DateTimeKind)
_offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
_inner_years = st.datetimes(datetime(2, 1, 1), datetime(9998, 12, 31), timezones=_zones)


@given(st.lists(st.tuples(_inner_years, _offsets, _kinds), max_size=12))
def test_from_datetime_is_the_conversion_of_that_wall_clock_and_offset(
    values: list[tuple[datetime, timezone, DateTimeKind | None]],
) -> None:
    """The object kept for an earlier datetime is handed out only for the same wall clock,
    offset and kind: the same instant in another zone converts afresh."""
    for value, zone, kind in values:
        elsewhere = value.astimezone(zone) if value.utcoffset() is not None else value
        for each in (value, elsewhere, value):
            kept = NetDateTime.from_datetime(each, kind)
            fresh = NetDateTime._convert(each, each.utcoffset(), kind)
            assert (kept.ticks, kept.kind, kept.offset) == (fresh.ticks, fresh.kind, fresh.offset)


@given(_inner_years, _kinds)
def test_from_datetime_is_what_the_checked_constructor_makes(
    value: datetime, given: DateTimeKind | None
) -> None:
    """The conversion spares ``__init__``'s checks only where they cannot fail: the same
    ticks, kind and offset as the checked constructor given the wall clock's ticks."""
    wall = (value.replace(tzinfo=None) - datetime(1, 1, 1)) // timedelta(microseconds=1) * 10
    delta = value.utcoffset()
    minutes = 0 if delta is None else int(delta.total_seconds()) // 60
    kind = given
    if kind is None:
        kind = DateTimeKind.UNSPECIFIED if delta is None else DateTimeKind(2 if minutes else 1)
    if kind is DateTimeKind.UTC:
        expected = NetDateTime(wall - minutes * TICKS_PER_MINUTE, kind)
    else:
        expected = NetDateTime(wall, kind, minutes if kind is DateTimeKind.LOCAL else 0)
    made = NetDateTime._convert(value, delta, given)
    assert (made.ticks, made.kind, made.offset) == (expected.ticks, kind, expected.offset)
    assert type(made.kind) is DateTimeKind
    assert made.isoformat() == expected.isoformat()
    assert made.wcf() == expected.wcf()


def test_from_datetime_tells_the_two_sides_of_a_fold_apart() -> None:
    first = datetime(2026, 10, 25, 2, 30, tzinfo=_Folding())
    second = first.replace(fold=1)
    assert first == second  # same zone: compared as wall clocks, fold ignored
    assert NetDateTime.from_datetime(first).isoformat() == "2026-10-25T02:30:00+02:00"
    assert NetDateTime.from_datetime(second).isoformat() == "2026-10-25T02:30:00+01:00"


def test_a_wire_form_is_worked_out_once_per_value() -> None:
    calls: list[NetDateTime] = []

    def form(value: NetDateTime) -> str:
        calls.append(value)
        return value.wcf()

    value = NetDateTime.parse("2020-07-01T00:00:00Z")
    assert value.formatted(form) == value.formatted(form) == "/Date(1593561600000)/"
    assert value.formatted(NetDateTime.isoformat) == "2020-07-01T00:00:00Z"
    assert calls == [value]
    assert NetDateTime.parse("2020-07-01T00:00:00Z").formatted(form) == "/Date(1593561600000)/"
    assert len(calls) == 2


@given(st.datetimes(timezones=st.just(UTC)))
def test_a_utc_datetime_keeps_its_ticks_to_the_edges_of_the_range(value: datetime) -> None:
    """A UTC datetime, the usual case, is converted by one subtraction; it keeps the same
    ticks as the checked constructor from 0001-01-01 to 9999-12-31."""
    made = NetDateTime._convert(value, value.utcoffset(), None)
    wall = (value.replace(tzinfo=None) - datetime(1, 1, 1)) // timedelta(microseconds=1) * 10
    assert (made.ticks, made.kind, made.offset) == (wall, DateTimeKind.UTC, 0)
    assert made == NetDateTime(wall, DateTimeKind.UTC)
