from __future__ import annotations

from urllib.parse import urlencode

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dialects.formats import form
from dialects.formats.errors import DecodeError


class Login(msgspec.Struct):
    emailAddress: str = ""
    password: str = ""
    remember: bool = False


def test_names_bind_case_insensitively_and_unknown_fields_are_ignored() -> None:
    buf = b"EMAILADDRESS=a%40b.example&password=p+w&remember=true&other=1"
    assert form.decode(buf, Login) == Login("a@b.example", "p w", True)


@pytest.mark.parametrize("buf", [b"\xff=1", b"remember=maybe"])
def test_unreadable_forms_are_decode_errors(buf: bytes) -> None:
    with pytest.raises(DecodeError):
        form.decode(buf, Login)


def test_an_empty_form_gives_the_defaults() -> None:
    assert form.decode(b"", Login) == Login()


@given(st.builds(Login, st.text(), st.text(), st.booleans()))
def test_round_trip(login: Login) -> None:
    buf = urlencode(msgspec.to_builtins(login)).encode()
    assert form.decode(buf, Login) == login
