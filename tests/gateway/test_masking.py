import pytest

from gateway.masking import mask_body, mask_header, mask_headers, mask_query, mask_text
from gateway.secrets import SECRET_ANCHORS, SECRET_NAMES


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ('{"password":"a\\"b","user":"u"}', '{"password":"***","user":"u"}'),
        ('{"data": {"token": "ABC"}}', '{"data": {"token": "***"}}'),
        (
            '{"accessToken":"x","secretAccessToken":"y"}',
            '{"accessToken":"***","secretAccessToken":"***"}',
        ),
        (
            "<a><AccessToken>x</AccessToken><B>1</B></a>",
            "<a><AccessToken>***</AccessToken><B>1</B></a>",
        ),
        ('<d2p1:Password a="1">p</d2p1:Password>', '<d2p1:Password a="1">***</d2p1:Password>'),
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
