"""decode(encode(x)) == x for every codec, and arbitrary bytes only ever raise DecodeError."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialects.formats import form, json
from dialects.formats.codec import Codec
from dialects.formats.datacontract import DataContractXml
from dialects.formats.errors import DecodeError
from dialects.formats.jsv import Jsv
from tests.dialects.formats.dtos import Dto, dtos


@dataclass(frozen=True)
class ModuleCodec:
    """A codec module's ``encode``/``decode`` functions (plain JSON, forms) as a codec."""

    media_type: str
    encode: Callable[[Any], bytes]
    decode: Callable[[bytes, type[Any]], Any]


CODECS: dict[str, Codec] = {
    "plain-json": ModuleCodec(json.MEDIA_TYPE, json.encode, json.decode),
    "webapi-json": json.WebApiJson(),
    "servicestack-json": json.ServiceStackJson(),
    "servicestack-json-dashed": json.ServiceStackJson("D", ("uuid", "datetime")),
    "jsv": Jsv(),
    "jsv-dashed": Jsv("D", ("uuid", "datetime")),
    "xml": DataContractXml(),
    "form": ModuleCodec(form.MEDIA_TYPE, form.encode, form.decode),
}


#: Each codec and the values it keeps exactly (tests/dialects/formats/dtos.py): ServiceStack JSON
#: writes whole milliseconds, JSV keeps UTC and local dates off midnight, XML 1.0 carries no C0
#: controls, form keys are plain names.
ROUND_TRIPS: dict[str, dict[str, bool]] = {
    "plain-json": {},
    "webapi-json": {},
    "servicestack-json": {"ms": True},
    "jsv": {"jsv": True},
    "xml": {"xml": True},
    "form": {"form": True},
}


@pytest.mark.parametrize("name", sorted(ROUND_TRIPS))
@given(data=st.data())
def test_decode_gives_back_what_encode_wrote(name: str, data: st.DataObject) -> None:
    dto = data.draw(dtos(**ROUND_TRIPS[name]))
    codec = CODECS[name]
    assert codec.decode(codec.encode(dto), Dto) == dto


@given(dtos(jsv=True))
def test_jsv_pretty_printed(dto: Dto) -> None:
    codec = Jsv()
    buf = codec.encode_pretty(dto, newline="\r\n")
    if b":" not in buf.replace(b": ", b""):
        assert codec.decode(buf, Dto) == dto


@pytest.mark.parametrize("name", sorted(CODECS))
@given(buf=st.binary(max_size=64) | st.text(max_size=64).map(str.encode))
def test_arbitrary_bytes_only_ever_raise_decode_error(name: str, buf: bytes) -> None:
    with contextlib.suppress(DecodeError):
        CODECS[name].decode(buf, Dto)
