"""Whole answers: grammar, JSV layout, XML declaration, unreadable bodies, each rule once."""

from __future__ import annotations

import pytest

from gateway.diff.bodies import Unreadable, grammar, parse
from gateway.diff.compare import compare, jsv_layout, xml_declaration
from gateway.diff.model import Answer, Difference, answer

JSON = ("content-type", "application/json; charset=utf-8")


def body(content: bytes, *headers: tuple[str, str], status: int = 200) -> Answer:
    return answer(status, list(headers), content)


@pytest.mark.parametrize(
    ("content_type", "content", "expected"),
    [
        ("application/json", b"{}", "json"),
        ("application/problem+json", b"{}", "json"),
        ("text/xml", b"<a/>", "xml"),
        ("text/jsv", b"{}", "jsv"),
        ("text/html", b"<html/>", "html"),
        ("text/plain", b"hi", "text"),
        (None, b"[1]", "json"),
        (None, b"<a/>", "xml"),
        (None, b"hi", "text"),
        ("application/json", b"  ", "empty"),
    ],
)
def test_grammar(content_type: str | None, content: bytes, expected: str) -> None:
    headers = [("content-type", content_type)] if content_type else []
    assert grammar(answer(200, headers, content)) == expected


def test_parse_refuses_what_its_grammar_does_not_read() -> None:
    assert parse("jsv", b"{A:1,B:[x]}") == {"A": "1", "B": ["x"]}
    with pytest.raises(Unreadable):
        parse("json", b"{")
    with pytest.raises(Unreadable):
        parse("xml", b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>')


def test_jsv_layout() -> None:
    assert jsv_layout(b"{A:1}", b"{A:2}\n") == []
    assert jsv_layout(b"{\n\tA: 1\n}", b"{A:1}") == [
        Difference("body", "JSV layout", "indented", "compact")
    ]


def test_xml_declaration() -> None:
    assert xml_declaration(b"<a/>", b" <a/>") == []
    assert xml_declaration(b'<?xml version="1.0"?><a/>', b"<a/>") == [
        Difference("body", "XML declaration", "declared", "none")
    ]


def test_same_shape_other_data_is_the_same() -> None:
    vendor = body(b'{"id":1,"name":"John","errors":[]}', JSON)
    assert compare(vendor, body(b'{"id":2,"name":"Jane Roe","errors":[]}', JSON)) == []


def test_every_rule_reports_once() -> None:
    vendor = body(b'{"a":1,"errors":[]}', JSON, status=200)
    own = body(b'{"a":"x y","errors":["down"]}', ("content-type", "application/json"), status=503)
    assert compare(vendor, own) == [
        Difference("status", "status", "200", "503"),
        Difference("content-type", "charset", "utf-8", "-"),
        Difference("kind", "$.a", "number", "string"),
        Difference("envelope", "errors", "none", "listed"),
    ]


def test_bodies_of_other_grammars() -> None:
    assert compare(body(b"{}", JSON), body(b"<a/>", ("content-type", "application/xml"))) == [
        Difference("content-type", "media type", "application/json", "application/xml"),
        Difference("content-type", "charset", "utf-8", "-"),
        Difference("body", "grammar", "json", "xml"),
    ]
    html = ("content-type", "text/html")
    assert compare(body(b"<p>a</p>", html), body(b"<div>b</div>", html)) == []


def test_unreadable_bodies() -> None:
    assert compare(body(b"{", JSON), body(b"{", JSON)) == []
    assert compare(body(b"{}", JSON), body(b"{", JSON)) == [
        Difference("body", "json", "ok", "unreadable json")
    ]


def test_xml_and_jsv_bodies() -> None:
    xml = ("content-type", "application/xml")
    assert compare(body(b"<a><b>1</b></a>", xml), body(b"<a><c>1</c></a>", xml)) == [
        Difference("keys", "/a", "b", "missing"),
        Difference("keys", "/a", "absent", "c"),
    ]
    jsv = ("content-type", "text/jsv")
    assert compare(body(b"{A:1,B:x}", jsv), body(b"{B:x,A:2}", jsv)) == [
        Difference("order", "$", "A, B", "B, A")
    ]
