import html
import json
from urllib.parse import quote, quote_plus, unquote_plus

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.masking import mask_body, mask_header, mask_headers, mask_query, mask_text
from gateway.secrets import SECRET_ANCHORS, SECRET_NAMES

WITHHELD = "[{} characters withheld: unreadable, and may hold a secret]"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ('{"password":"a\\"b","user":"u"}', '{"password":"***","user":"u"}'),
        ('{"data": {"token": "ABC"}}', '{"data":{"token":"***"}}'),
        ('{"data": {"tokenish": "ABC"}}', '{"data": {"tokenish": "ABC"}}'),
        (
            '{"accessToken":"x","secretAccessToken":"y"}',
            '{"accessToken":"***","secretAccessToken":"***"}',
        ),
        (
            "<a><AccessToken>x</AccessToken><B>1</B></a>",
            "<a><AccessToken>***</AccessToken><B>1</B></a>",
        ),
        (
            '<d2p1:Password xmlns:d2p1="urn:x" a="1">p</d2p1:Password>',
            '<ns0:Password xmlns:ns0="urn:x" a="1">***</ns0:Password>',
        ),
        ('<d2p1:Password a="1">p</d2p1:Password>', WITHHELD.format(38)),
        (
            "grant_type=password&username=u&password=p%20q",
            "grant_type=password&username=u&password=***",
        ),
        (
            "{UserName:u,Password:p,Nested:{BearerToken:t}}",
            "{UserName:u,Password:***,Nested:{BearerToken:***}}",
        ),
        ("plain text", "plain text"),
    ],
)
def test_secrets_are_masked_by_shape(text: str, masked: str) -> None:
    assert mask_text(text) == masked


def test_bodies_are_cut_after_masking() -> None:
    assert mask_body(b'{"password":"' + b"x" * 50 + b'"}', 20) == '{"password":"***"}'
    assert mask_body(b"y" * 30, 10) == "yyyyyyyyyy... [20 more]"
    assert mask_body(b"\xff", 10) == "\ufffd"


def test_headers_and_queries() -> None:
    headers = [(b"Authorization", b"Bearer x"), (b"Cookie", b"a=b"), (b"Accept", b"*/*")]
    assert mask_headers(headers) == {"authorization": "***", "cookie": "***", "accept": "*/*"}
    assert mask_headers([(b"x-a", b"1"), (b"x-a", b"2")]) == {"x-a": "1, 2"}
    assert (
        mask_query(b"token=abc&api=x&access_token=z")
        == "token=%2A%2A%2A&api=x&access_token=%2A%2A%2A"
    )
    assert mask_query(b"") == ""


def test_every_secret_name_holds_an_anchor() -> None:
    """The masking pre-check looks for anchors only: a name without one would never be masked."""
    assert all(any(a in name for a in SECRET_ANCHORS) for name in SECRET_NAMES)


def test_a_recorded_header_keeps_what_a_replay_needs_and_no_secret() -> None:
    assert mask_header("authorization", "Bearer abc") == "Bearer ***"
    assert mask_header("authorization", "abc") == "***"
    assert mask_header("cookie", "ss-id=a; ss-pid=b;") == "ss-id=***; ss-pid=***"
    assert mask_header("set-cookie", "sid=a=b; Path=/; HttpOnly") == "sid=***; Path=/; HttpOnly"
    assert mask_header("set-cookie", "sid") == "sid=***"
    assert mask_header("x-api-key", "k") == "***"
    assert mask_header("accept", "*/*") == "*/*"


# -- each format's unusual spellings of a secret (issue 17) ---------------------------------

#: A secret value: a marker no spelling of the body can produce by itself, then anything.
SECRETS = st.builds(
    lambda tail: "Zq9" + tail,
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12),
)


@st.composite
def secret_names(draw: st.DrawFn) -> str:
    """A secret name as a vendor may spell it: any case, ``-`` or ``_`` between letters."""
    name = draw(st.sampled_from(sorted(SECRET_NAMES)))
    spelled = ""
    for ch in name:
        spelled += ch.upper() if draw(st.booleans()) else ch
        if draw(st.integers(0, 9)) == 0:
            spelled += draw(st.sampled_from("-_"))
    return spelled


def json_string(text: str, draw: st.DrawFn) -> str:
    """``text`` as a JSON string with any of its characters written as ``\\uXXXX``."""
    out = []
    for ch in text:
        if ch in '"\\' or ch < " " or draw(st.booleans()):
            out.extend(f"\\u{unit:04x}" for unit in _utf16(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _utf16(ch: str) -> list[int]:
    data = ch.encode("utf-16-be")
    return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]


def assert_hidden(secret: str, masked: str) -> None:
    assert secret not in masked
    assert secret not in html.unescape(masked)
    assert secret not in unquote_plus(masked)
    assert "Zq9" not in masked


@given(st.data(), secret_names(), SECRETS)
def test_json_members_are_masked_however_spelled(
    data: st.DataObject, name: str, secret: str
) -> None:
    draw = data.draw
    member = f"{json_string(name, draw)} : {json_string(secret, draw)}"
    other = '"note": "Zq9 is not here"' if draw(st.booleans()) else '"n": 1'
    body = draw(
        st.sampled_from(
            [
                f"{{{member}}}",
                f'{{"a": [{{{member}, {other.replace("Zq9", "q")}}}]}}',
                f'[{{"x": {{{member}}}}}]',
                f'{{"password": "first", {member}}}',
                f"{{{member}, {json_string(name.lower(), draw)}: 1}}",
            ]
        )
    )
    masked = mask_text(body)
    assert_hidden(secret, masked)
    json.loads(masked)  # still JSON


@given(st.data(), secret_names(), SECRETS)
def test_xml_elements_and_attributes_are_masked_however_spelled(
    data: st.DataObject, name: str, secret: str
) -> None:
    draw = data.draw
    if not name.replace("-", "").replace("_", "").isalnum() or name[0] in "-_":
        name = name.strip("-_") or "Password"
    xml_safe = "".join(ch for ch in secret if ch.isprintable()) or "Zq9"
    if not xml_safe.startswith("Zq9"):
        xml_safe = "Zq9" + xml_safe
    spelled = draw(
        st.sampled_from(
            [
                f"<![CDATA[{xml_safe.replace(']]>', '')}]]>",
                "".join(
                    f"&#{ord(c)};" if draw(st.booleans()) else html.escape(c) for c in xml_safe
                ),
                html.escape(xml_safe),
            ]
        )
    )
    body = draw(
        st.sampled_from(
            [
                f"<A><{name}>{spelled}</{name}><B>1</B></A>",
                f'<A xmlns="http://schemas.datacontract.org/2004/07/X" '
                f'xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><{name}>{spelled}</{name}></A>',
                f'<d:A xmlns:d="urn:d"><d:{name}>{spelled}</d:{name}></d:A>',
                f'<A {name}="{html.escape(xml_safe)}"/>',
                f"<A><{name}><Inner>{spelled}</Inner></{name}></A>",
            ]
        )
    )
    secret = xml_safe.replace("]]>", "") if "CDATA" in spelled else xml_safe
    assert_hidden(secret, mask_text(body))


@given(st.data(), secret_names(), SECRETS)
def test_jsv_members_are_masked_however_spelled(
    data: st.DataObject, name: str, secret: str
) -> None:
    draw = data.draw
    secret = secret.strip() or "Zq9"
    key = draw(st.sampled_from([name, f'"{name}"', f" {name} "]))
    value = draw(st.sampled_from([f'"{secret.replace(chr(34), chr(34) * 2)}"', secret]))
    if value == secret and (set(secret) & set(',:{}[]"\r\n')):
        value = f'"{secret.replace(chr(34), chr(34) * 2)}"'
    body = draw(
        st.sampled_from(
            [
                f"{{{key}:{value}}}",
                f"{{UserName:u,{key}:{value},Nested:{{A:1}}}}",
                f"[{{{key}:{value}}}]",
                f"{{Outer:{{{key}: {value}}}}}",
            ]
        )
    )
    assert_hidden(secret, mask_text(body))


@given(st.data(), secret_names(), SECRETS)
def test_form_fields_are_masked_however_spelled(
    data: st.DataObject, name: str, secret: str
) -> None:
    draw = data.draw
    key = "".join(f"%{ord(c):02X}" if draw(st.booleans()) else c for c in name)
    key = draw(st.sampled_from([key, f"dto.{key}", f"a%5B{key}%5D", f"{key}[]"]))
    value = quote_plus(secret) if draw(st.booleans()) else quote(secret, safe="")
    noise = draw(st.sampled_from(["", "&x={y}", "&x=<y>", "&note=%7B%3C"]))
    tail = draw(st.sampled_from(["", "\n", "\r\n"]))
    body = f"grant_type=password&username=u{noise}&{key}={value}{tail}"
    masked = mask_text(body)
    assert_hidden(secret, masked)
    assert "username=u" in masked


@given(st.text(max_size=60))
def test_any_text_with_a_secret_value_after_a_secret_name_keeps_it_hidden(text: str) -> None:
    """Whatever the body, once masked it never shows the value of a ``password`` member."""
    body = '{"password": "Zq9' + text.replace('"', "").replace("\\", "") + '"}'
    assert "Zq9" not in mask_text(body)


@pytest.mark.parametrize(
    "body",
    [
        '{Password:"demo-jane"}',
        "<Login><Password><![CDATA[demo-jane]]></Password></Login>",
        "<X><AccessToken><![CDATA[demo-jane]]></AccessToken></X>",
        "UserName=jane&Password=demo-jane&Note={x}",
        "UserName=jane&Password=demo-jane&Note=<x>",
        "UserName=jane&Password=demo-jane\n",
        '{"Pass\\u0077ord": "demo-jane"}',
        '{"P\\u0061ssword": "demo-jane"}',
        '{"password": "x", "password": "demo-jane"}',
        '{"passcode": 123456}',
        '{"password": "demo-jane"',
        "my password is demo-jane",
    ],
)
def test_the_holes_issue_17_found_are_closed(body: str) -> None:
    assert "demo-jane" not in mask_text(body)
    assert "123456" not in mask_text(body)
