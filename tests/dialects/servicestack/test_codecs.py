"""The ServiceStack codecs' choices kept per request shape: the same answers as computed afresh,
answers whose raw headers are Starlette's own, and shared answers encoded once per format."""

from __future__ import annotations

import gc

import msgspec
from hypothesis import given
from hypothesis import strategies as st
from starlette.requests import Request
from starlette.responses import Response

from dialects.servicestack import codecs
from dialects.servicestack.negotiation import NONE, Plugins

PATHS = st.one_of(
    st.sampled_from(
        [
            "/",
            "/a",
            "/xml",
            "/json/reply/Hello",
            "/jsv/reply/Hello",
            "/csv/x",
            "/html/x",
            "/api/contacts/1/links",
            "/api/contacts/1/links.xml",
            "/api/contacts/1/links.json",
            "/api/contacts/1/links.JSON",
            "/api/contacts/1/links.csv",
            "/api/contacts/1/links.html",
            "/a.b/c",
        ]
    ),
    st.text("/.abcjsonxmlv", max_size=14),
)
QUERIES = st.sampled_from(
    [
        b"",
        b"format=xml",
        b"format=jsv.x",
        b"format=nope",
        b"callback=fn",
        b"jsconfig=TextCase:CamelCase",
        b"jsconfig=eccn:false",
        b"format=csv&jsconfig=tc:cc",
    ]
)
MEDIA = st.sampled_from(
    [
        None,
        b"application/json",
        b"application/xml",
        b"text/jsv",
        b"*/*",
        b"text/csv",
        b"text/html",
        b"application/x-www-form-urlencoded",
        b"application/xml, application/json",
    ]
)
PLUGINS = st.sampled_from([NONE, Plugins(html=True), Plugins(csv=True), Plugins(True, True)])


def request(query: bytes, accept: bytes | None, content_type: bytes | None) -> Request:
    headers = [(b"accept", accept)] if accept is not None else []
    headers += [(b"content-type", content_type)] if content_type is not None else []
    scope = {"type": "http", "method": "GET", "path": "/", "query_string": query}
    return Request(scope | {"headers": headers})


@given(st.lists(st.tuples(PATHS, QUERIES, MEDIA, MEDIA, st.booleans(), PLUGINS), max_size=12))
def test_remembered_decisions_are_the_decisions(
    asked: list[tuple[str, bytes, bytes | None, bytes | None, bool, Plugins]],
) -> None:
    """Whatever came before, a remembered decision is what ``negotiate`` decides now."""
    decisions = codecs.Decisions(size=4)
    for path, query, accept, content_type, camel, plugins in asked:
        req = request(query, accept, content_type)
        expected = codecs.negotiate(req, path, camel, plugins)
        assert decisions.negotiate(req, path, camel, plugins, accept, content_type) == expected


HEADER_NAMES = st.sampled_from(["X-AutoBatch-Completed", "Content-Disposition", "content-type"])


@given(
    st.binary(max_size=40),
    st.sampled_from([101, 200, 201, 204, 304, 400, 500]),
    st.sampled_from(["json", "json:cc", "xml", "jsv", "jsv:text", "csv", "html"]),
    st.dictionaries(HEADER_NAMES | st.just("Content-Length"), st.text("abc12", max_size=5)),
)
def test_an_answer_has_the_headers_starlette_would_give_it(
    body: bytes, status: int, fmt: str, extra: dict[str, str]
) -> None:
    headers = {"content-type": codecs.content_type(fmt), **extra}
    given_all = codecs.Answer(body, status, headers)
    assert given_all.raw_headers == Response(body, status, headers).raw_headers
    only_type = codecs.Answer(body, status, None, codecs.content_type(fmt).encode())
    plain = Response(body, status, {"content-type": codecs.content_type(fmt)})
    assert only_type.raw_headers == plain.raw_headers
    assert (only_type.body, only_type.status_code) == (plain.body, plain.status_code)


class Counted(msgspec.Struct, weakref=True):
    """A weakly referable answer."""

    Name: str


class CountingCodec:
    """A codec that counts its encodes."""

    def __init__(self) -> None:
        self.encoded = 0

    def encode(self, obj: object) -> bytes:
        self.encoded += 1
        return msgspec.json.encode(obj)

    def decode(self, buf: bytes, type_: type) -> object:
        return msgspec.json.decode(buf, type=type_)


def test_a_shared_answer_is_encoded_once_per_format_while_it_lives() -> None:
    json_codec, xml_codec = CountingCodec(), CountingCodec()
    once = codecs.EncodedOnce({"json": json_codec, "xml": xml_codec})
    answer = Counted("a")
    assert once.encode(answer, "json") == once.encode(answer, "json") == b'{"Name":"a"}'
    assert once.encode(answer, "xml") == b'{"Name":"a"}'
    assert (json_codec.encoded, xml_codec.encoded) == (1, 1)
    other = Counted("b")
    assert once.encode(other, "json") == b'{"Name":"b"}'
    assert json_codec.encoded == 2
    del answer, other
    gc.collect()
    assert once._bodies == {}  # forgotten with their objects: no id is taken for another's


def test_an_answer_not_weakly_referable_is_encoded_every_time() -> None:
    codec = CountingCodec()
    once = codecs.EncodedOnce({"json": codec})
    batch = [Counted("a"), Counted("b")]
    expected = b'[{"Name":"a"},{"Name":"b"}]'
    assert once.encode(batch, "json") == once.encode(batch, "json") == expected
    assert codec.encoded == 4
    assert once._bodies == {}
