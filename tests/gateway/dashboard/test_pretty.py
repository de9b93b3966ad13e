"""Journal bodies laid out by format for the dashboard; anything else is shown as recorded."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.dashboard.pretty import body, detect, exchange
from gateway.journal import JournalEntry
from gateway.masking import mask_body


@pytest.mark.parametrize(
    ("text", "content_type", "laid_out"),
    [
        (
            '{"a":[1,{"b":"<x>"}],"n":1.50}',
            "application/json; charset=utf-8",
            '{\n  "a": [\n    1,\n    {\n      "b": "<x>"\n    }\n  ],\n  "n": 1.50\n}',
        ),
        (
            '<a:R xmlns:a="urn:x">\n <a:B>t &amp; u</a:B><C/></a:R>',
            "application/xml",
            '<a:R xmlns:a="urn:x">\n  <a:B>t &amp; u</a:B>\n  <C/>\n</a:R>',
        ),
        (
            '<?xml version="1.0" encoding="utf-8"?><R><B>1</B></R>',
            "text/xml",
            '<?xml version="1.0" encoding="utf-8"?>\n<R>\n  <B>1</B>\n</R>',
        ),
        ("{Id:1,Tags:[a,b]}", "text/jsv", "{\n\tId: 1,\n\tTags:\n\t[\n\t\ta,\n\t\tb\n\t]\n}"),
        (
            "grant_type=password&username=a%40b.c&password=***",
            "application/x-www-form-urlencoded",
            "grant_type = password\nusername = a@b.c\npassword = ***",
        ),
    ],
)
def test_each_format_is_laid_out(text: str, content_type: str, laid_out: str) -> None:
    shown = body(text, content_type)
    assert (shown.text, shown.pretty, shown.cut) == (laid_out, True, False)


@pytest.mark.parametrize(
    ("text", "content_type", "kind"),
    [
        ('{"a":1}', "", "json"),
        ("{A:1}", "text/plain", "jsv"),
        ("  <R/>", "", "xml"),
        ("a=1&b=2", "", "form"),
        ("hello world", "", "text"),
        ("", "application/json", "empty"),
        ("{A:1}", "text/jsv; charset=utf-8", "jsv"),
    ],
)
def test_the_format_comes_from_the_content_type_else_the_first_character(
    text: str, content_type: str, kind: str
) -> None:
    assert detect(text, content_type) == kind


@pytest.mark.parametrize(
    ("text", "content_type"),
    [
        ('{"a": 1', "application/json"),
        ("<a><b></a>", "application/xml"),
        ('<!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>', "application/xml"),
        ("<a>" * 1500 + "</a>" * 1500, "application/xml"),
        ("[" * 5000 + "]" * 5000, "application/json"),
        ("{A:1", "text/jsv"),
        ("a=1&&=", "application/x-www-form-urlencoded"),
        ("hello <script>alert(1)</script>", "text/html"),
    ],
)
def test_what_does_not_parse_is_shown_as_recorded(text: str, content_type: str) -> None:
    shown = body(text, content_type)
    assert (shown.text, shown.pretty) == (text, False)


def test_a_cut_body_is_shown_as_recorded_and_says_so() -> None:
    cut = mask_body(b'{"items":[' + b'"x",' * 100 + b'"y"]}', 40)
    shown = body(cut, "application/json")
    assert (shown.text, shown.pretty, shown.cut, shown.format) == (cut, False, True, "json")


def test_an_exchange_lays_out_both_bodies_by_their_own_content_type() -> None:
    entry = JournalEntry(
        time=datetime(2026, 11, 23, tzinfo=UTC),
        request_id="r",
        dialect="bokamera",
        sandbox=None,
        method="PUT",
        path="/customers/1",
        query="",
        status=400,
        duration_ms=1.0,
        request_headers={"content-type": "application/xml"},
        request_body="<R><A>1</A></R>",
        response_headers={"content-type": "text/jsv"},
        response_body="{ResponseStatus:{ErrorCode:NotFound}}",
    )
    shown = exchange(entry)
    assert shown.entry is entry
    assert shown.request.text == "<R>\n  <A>1</A>\n</R>"
    assert shown.response.text == "{\n\tResponseStatus:\n\t{\n\t\tErrorCode: NotFound\n\t}\n}"


@given(
    st.text(max_size=200),
    st.sampled_from(
        ["", "application/json", "text/xml", "text/jsv", "application/x-www-form-urlencoded"]
    ),
)
def test_any_body_is_shown_and_never_raises(text: str, content_type: str) -> None:
    shown = body(text, content_type)
    assert shown.pretty or shown.text == text
