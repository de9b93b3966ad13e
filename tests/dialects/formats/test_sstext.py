"""The compiled writers' own pieces (their bytes are pinned by the golden and round-trip
tests of each format)."""

from __future__ import annotations

import uuid
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from dialects.formats.dotnet import DATETIME_MIN, DateTimeKind, NetDateTime
from dialects.formats.sstext import IS_DEFAULT
from tests.dialects.formats.dtos import datetimes

#: Values equal to the .NET defaults but not the same objects, and others near them.
_UUIDS = st.one_of(st.builds(lambda: uuid.UUID(int=0)), st.uuids(), st.just(uuid.UUID(int=1)))
_DATES = st.one_of(
    st.builds(lambda: NetDateTime(0)),
    datetimes(),
    st.builds(NetDateTime, st.integers(0, 2), st.sampled_from(DateTimeKind)).filter(
        lambda d: d.kind is not DateTimeKind.LOCAL
    ),
    st.builds(lambda m: NetDateTime(0, DateTimeKind.LOCAL, m), st.integers(-840, 840)),
)


def _is_default(kind: str, value: Any) -> bool:
    return bool(eval(IS_DEFAULT[kind], {"v": value}))


@given(_UUIDS)
def test_a_guid_is_default_exactly_when_it_equals_guid_empty(value: uuid.UUID) -> None:
    assert _is_default("uuid", value) == (value == uuid.UUID(int=0))


@given(_DATES)
def test_a_date_is_default_exactly_when_it_equals_datetime_min(value: NetDateTime) -> None:
    assert _is_default("datetime", value) == (value == DATETIME_MIN)
