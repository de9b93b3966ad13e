""".NET value types as the vendors' serializers write them: DateTime, enums, Guid, double.

.NET's ``DateTime`` counts 100 ns ticks and carries a kind (UTC, local, unspecified), so
``2026-02-04T03:11:32.7341981+00:00`` has one digit more than Python's ``datetime`` holds.
:class:`NetDateTime` keeps the ticks and the kind, so a sample read from a vendor page is
written back byte for byte. Guids are plain :class:`uuid.UUID`; enums derive from
:class:`NetEnum`, whose member names are the .NET names and values the .NET numbers.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from enum import IntEnum
from typing import Any, Final, Self, TypeVar, final

T = TypeVar("T")

TICKS_PER_SECOND: Final = 10_000_000
TICKS_PER_MINUTE: Final = 60 * TICKS_PER_SECOND
TICKS_PER_DAY: Final = 86_400 * TICKS_PER_SECOND
_TICKS_PER_MS: Final = 10_000
_EPOCH: Final = datetime(1, 1, 1)
_EPOCH_UTC: Final = datetime(1, 1, 1, tzinfo=UTC)
#: Ticks of 1970-01-01T00:00:00, the origin of the WCF ``/Date(ms)/`` form.
UNIX_EPOCH_TICKS: Final = 621_355_968_000_000_000
MAX_TICKS: Final = 3_155_378_975_999_999_999

_ISO = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)"
    r"(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d{1,7})\d*)?)?)?"
    r"(Z|[+-]\d\d:?\d\d)?",
    re.ASCII,
)
_set = object.__setattr__
_new = object.__new__
_WCF = re.compile(r"\\?/Date\((-?\d+)([+-]\d{4})?\)\\?/", re.ASCII)


class DateTimeKind(IntEnum):
    """System.DateTimeKind: decides the suffix (none, ``Z`` or an offset)."""

    UNSPECIFIED = 0
    UTC = 1
    LOCAL = 2


@final
class NetDateTime:
    """An immutable System.DateTime: 100 ns ticks since 0001-01-01, a kind and, for local
    times, the UTC offset in minutes the value was written with. Being immutable, it keeps
    each wire form a writer asked for (:meth:`formatted`), so a value written again costs a
    lookup."""

    __slots__ = ("_forms", "kind", "offset", "ticks")
    ticks: int
    kind: DateTimeKind
    offset: int
    _forms: dict[Callable[[Any], Any], Any] | None

    def __init__(
        self, ticks: int, kind: DateTimeKind = DateTimeKind.UNSPECIFIED, offset: int = 0
    ) -> None:
        if not 0 <= ticks <= MAX_TICKS:
            raise ValueError(f"DateTime ticks out of range: {ticks}")
        if kind is not DateTimeKind.LOCAL and offset:
            raise ValueError("only a local DateTime carries an offset")
        if not -14 * 60 <= offset <= 14 * 60:
            raise ValueError(f"UTC offset out of range: {offset} minutes")
        _set(self, "ticks", ticks)
        _set(self, "kind", kind if type(kind) is DateTimeKind else DateTimeKind(kind))
        _set(self, "offset", offset)
        _set(self, "_forms", None)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("NetDateTime is immutable")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NetDateTime):
            return NotImplemented
        return self.ticks == other.ticks and self.kind is other.kind and self.offset == other.offset

    def __hash__(self) -> int:
        return hash((self.ticks, self.kind, self.offset))

    def __repr__(self) -> str:
        return f"NetDateTime({self.isoformat()!r})"

    def formatted(self, form: Callable[[Self], T]) -> T:
        """``form(self)``, worked out once per value and form (``form`` must depend on
        nothing but the value: a wire spelling)."""
        forms = self._forms
        if forms is None:
            forms = {}
            _set(self, "_forms", forms)
        found = forms.get(form)
        if found is None:
            found = forms[form] = form(self)
        return found

    @classmethod
    def from_datetime(cls, value: datetime, kind: DateTimeKind | None = None) -> Self:
        """An aware datetime becomes UTC (offset 0 and ``kind`` not LOCAL) or LOCAL with its
        offset; a naive one is UNSPECIFIED unless ``kind`` says otherwise. The same
        datetime (wall clock and offset) gives the same object, so its wire forms are
        worked out once (:meth:`formatted`): answers write the same dates again and again."""
        return _from_datetime(value, value.utcoffset(), kind)  # type: ignore[return-value]

    @classmethod
    def _convert(cls, value: datetime, delta: timedelta | None, kind: DateTimeKind | None) -> Self:
        """``value`` with ``delta``, its UTC offset; the parts of a datetime are in range by
        construction, so only a shift to UTC can leave the range of ticks."""
        if kind is None and delta is not None and not delta:
            return _utc(value)
        seconds = (value.toordinal() - 1) * 86_400 + value.hour * 3600 + value.minute * 60
        ticks = (seconds + value.second) * TICKS_PER_SECOND + value.microsecond * 10
        if delta is None:
            return cls(ticks, kind) if kind else _made(ticks, DateTimeKind.UNSPECIFIED, 0)
        minutes = int(delta.total_seconds()) // 60
        if kind is None:
            kind = DateTimeKind.UTC if minutes == 0 else DateTimeKind.LOCAL
        if kind is DateTimeKind.UTC:
            if minutes:
                return cls(ticks - minutes * TICKS_PER_MINUTE, kind)
            return _made(ticks, kind, 0)
        return cls(ticks, kind, minutes if kind is DateTimeKind.LOCAL else 0)

    def to_datetime(self) -> datetime:
        """The nearest Python datetime (microseconds, the 100 ns remainder dropped)."""
        since = timedelta(microseconds=self.ticks // 10)
        if self.kind is DateTimeKind.UTC:
            return _EPOCH_UTC + since
        if self.kind is DateTimeKind.LOCAL:
            return (_EPOCH + since).replace(tzinfo=_zone(self.offset))
        return _EPOCH + since

    @classmethod
    def parse(cls, text: str) -> Self:
        """Read ISO 8601 (up to 7 fraction digits, more are cut) or WCF ``/Date(ms±hhmm)/``."""
        iso = _ISO.fullmatch(text)
        if not iso:
            wcf = _WCF.fullmatch(text)
            if wcf:
                return cls._from_wcf(int(wcf.group(1)), wcf.group(2))
            raise ValueError(f"not a date-time: {text!r}")
        year, month, day, hour, minute, second, fraction, zone = iso.groups()
        h, m, sec = int(hour or 0), int(minute or 0), int(second or 0)
        value = datetime(int(year), int(month), int(day), h, m, sec)  # checks every part
        seconds = (value.toordinal() - 1) * 86_400 + h * 3600 + m * 60 + sec
        ticks = seconds * TICKS_PER_SECOND + int((fraction or "").ljust(7, "0"))
        if zone is None:
            return cls(ticks)
        if zone == "Z":
            return cls(ticks, DateTimeKind.UTC)
        digits = zone.replace(":", "")
        minutes = int(digits[1:3]) * 60 + int(digits[3:5])
        return cls(ticks, DateTimeKind.LOCAL, -minutes if digits[0] == "-" else minutes)

    @classmethod
    def _from_wcf(cls, ms: int, zone: str | None) -> Self:
        utc = UNIX_EPOCH_TICKS + ms * _TICKS_PER_MS
        if zone is None:
            return cls(utc, DateTimeKind.UTC)
        if zone == "-0000":
            return cls(utc)
        minutes = int(zone[1:3]) * 60 + int(zone[3:5])
        minutes = -minutes if zone[0] == "-" else minutes
        return cls(utc + minutes * TICKS_PER_MINUTE, DateTimeKind.LOCAL, minutes)

    def isoformat(self) -> str:
        """DataContract and JSON.NET form: ``yyyy-MM-ddTHH:mm:ss.FFFFFFFK`` (trailing fraction
        zeros trimmed; ``Z``, ``+hh:mm`` or nothing by kind)."""
        fraction = self.ticks % TICKS_PER_SECOND
        text = _clock(self.ticks)
        if fraction:
            text += "." + f"{fraction:07d}".rstrip("0")
        kind = self.kind
        if kind is DateTimeKind.UTC:
            return text + "Z"
        return text + _offset(self.offset, ":") if kind is DateTimeKind.LOCAL else text

    def shortest_xsd(self) -> str:
        """ServiceStack JSV form (DateTimeSerializer.ToShortestXsdDateTimeString): the date
        alone at midnight, whole seconds without a fraction, else 7 fraction digits; UTC
        ends in ``Z``, any other kind in the offset (an unspecified time in the gateway's
        own zone, UTC)."""
        if self.ticks % TICKS_PER_DAY == 0:
            return _clock(self.ticks)[:10]
        fraction = self.ticks % TICKS_PER_SECOND
        text = _clock(self.ticks) + (f".{fraction:07d}" if fraction else "")
        return text + ("Z" if self.kind is DateTimeKind.UTC else _offset(self.offset, ":"))

    def wcf(self) -> str:
        """ServiceStack JSON form (DateHandler.TimestampOffset): ``/Date(ms)/`` for UTC,
        ``/Date(ms-0000)/`` for unspecified, ``/Date(ms+hhmm)/`` for local; whole ms."""
        ms, zone = self.wcf_parts()
        return f"/Date({ms}{zone})/"

    def wcf_parts(self) -> tuple[int, str]:
        """The two parts of :meth:`wcf`: milliseconds since 1970 (.NET's ``long`` division of
        ticks, cut toward zero) and the zone suffix; integer arithmetic only. An unspecified
        time is taken as UTC, the gateway's own time zone."""
        span = self.ticks - self.offset * TICKS_PER_MINUTE - UNIX_EPOCH_TICKS
        ms = span // _TICKS_PER_MS if span >= 0 else -(-span // _TICKS_PER_MS)
        kind = self.kind
        if kind is DateTimeKind.UTC:
            return ms, ""
        return ms, "-0000" if kind is DateTimeKind.UNSPECIFIED else _offset(self.offset, "")


#: DateTime.MinValue, what an unset non-nullable .NET DateTime holds.
DATETIME_MIN: Final = NetDateTime(0)


@functools.lru_cache(maxsize=4096)
def _from_datetime(
    value: datetime, offset: timedelta | None, kind: DateTimeKind | None
) -> NetDateTime:
    """:meth:`NetDateTime.from_datetime`, kept per (datetime, UTC offset, kind): datetimes
    compare equal as instants, and with the offset also equal as wall clocks, which is all
    the conversion reads (``value.fold`` only matters through the offset)."""
    if kind is None and offset is not None and not offset:
        return _utc(value)
    return NetDateTime._convert(value, offset, kind)


def _utc(value: datetime) -> NetDateTime:
    """A UTC datetime (the usual one): one subtraction in C."""
    span = value - _EPOCH_UTC
    ticks = span.days * TICKS_PER_DAY + span.seconds * TICKS_PER_SECOND
    return _made(ticks + span.microseconds * 10, DateTimeKind.UTC, 0)


#: the slots' own setters: a fresh value is filled without ``__setattr__``'s lookup
_SET_TICKS = NetDateTime.ticks.__set__  # type: ignore[attr-defined]
_SET_KIND = NetDateTime.kind.__set__  # type: ignore[attr-defined]
_SET_OFFSET = NetDateTime.offset.__set__  # type: ignore[attr-defined]
_SET_FORMS = NetDateTime._forms.__set__  # type: ignore[attr-defined]


def _made(ticks: int, kind: DateTimeKind, offset: int) -> NetDateTime:
    """A NetDateTime of values known to be valid (what ``__init__`` checks, spared)."""
    made = _new(NetDateTime)
    _SET_TICKS(made, ticks)
    _SET_KIND(made, kind)
    _SET_OFFSET(made, offset)
    _SET_FORMS(made, None)
    return made


def _clock(ticks: int) -> str:
    days, ticks = divmod(ticks, TICKS_PER_DAY)
    minutes, seconds = divmod(ticks // TICKS_PER_SECOND, 60)
    return f"{_date(days)}T{minutes // 60:02d}:{minutes % 60:02d}:{seconds:02d}"


@functools.lru_cache(maxsize=64)
def _zone(minutes: int) -> timezone:
    """The fixed zone ``minutes`` east of UTC (one object per offset)."""
    return timezone(timedelta(minutes=minutes))


@functools.lru_cache(maxsize=4096)
def _date(days: int) -> str:
    """``yyyy-MM-dd`` of a day counted from 0001-01-01 (cached: writers ask for few days)."""
    return date.fromordinal(days + 1).isoformat()


def _offset(minutes: int, separator: str) -> str:
    sign = "-" if minutes < 0 else "+"
    hours, mins = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}{separator}{mins:02d}"


class NetEnum(IntEnum):
    """Base of vendor enums: member name = .NET name (XML, JSV, ServiceStack JSON), value =
    .NET number (Web API JSON)."""

    @classmethod
    def from_wire(cls, value: str | int) -> Self:
        """A member from its number or its name (names matched case-insensitively, as
        JSON.NET and ServiceStack read them)."""
        if isinstance(value, int) and not isinstance(value, bool):
            return cls(value)
        text = str(value).strip()
        if text.lstrip("-").isdigit():
            return cls(int(text))
        member = _enum_names(cls).get(text.lower())
        if member is None:
            raise ValueError(f"{text!r} is not a {cls.__name__} value")
        return member


@functools.cache
def _enum_names(cls: type[NetEnum]) -> dict[str, NetEnum]:
    return {m.name.lower(): m for m in cls}


def camel_case(name: str) -> str:
    """JSON.NET's CamelCasePropertyNamesContractResolver: the leading run of capitals is
    lowered, except the last one when a lower-case letter follows (``URLValue`` ->
    ``urlValue``). Use as ``msgspec.Struct`` ``rename=camel_case``."""
    if not name or not name[0].isupper():
        return name
    chars = list(name)
    for i, char in enumerate(chars):
        if i == 1 and not char.isupper():
            break
        if i > 0 and i + 1 < len(chars) and not chars[i + 1].isupper():
            if chars[i + 1].isspace():
                chars[i] = char.lower()
            break
        chars[i] = char.lower()
    return "".join(chars)


def format_double(value: float, *, infinity: str = "Infinity", nan: str = "NaN") -> str:
    """double.ToString(InvariantCulture) of .NET Core 3.0+: the shortest round-trip digits,
    scientific (``1E+15``, ``1E-05``) from exponent 15 up or -5 down."""
    if math.isnan(value):
        return nan
    if math.isinf(value):
        return infinity if value > 0 else "-" + infinity
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    digits, exponent = _shortest(value)
    sign = "-" if value < 0 else ""
    if exponent >= 15 or exponent < -4:
        head, tail = digits[0], digits[1:]
        body = head + ("." + tail if tail else "")
        return f"{sign}{body}E{'+' if exponent >= 0 else '-'}{abs(exponent):02d}"
    if exponent < 0:
        return f"{sign}0.{'0' * (-exponent - 1)}{digits}"
    whole = digits[: exponent + 1].ljust(exponent + 1, "0")
    rest = digits[exponent + 1 :]
    return f"{sign}{whole}.{rest}" if rest else f"{sign}{whole}"


def _shortest(value: float) -> tuple[str, int]:
    """The shortest round-trip significant digits of ``value`` and its decimal exponent."""
    text = repr(abs(value))
    mantissa, _, exp = text.partition("e")
    whole, _, frac = mantissa.partition(".")
    exponent = int(exp or 0) + len(whole) - 1
    digits = (whole + frac).lstrip("0")
    exponent -= len(whole + frac) - len((whole + frac).lstrip("0"))
    return digits.rstrip("0") or "0", exponent
