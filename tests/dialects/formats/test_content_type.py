from __future__ import annotations

import pytest

from dialects.formats.content_type import UnsupportedMediaType, media_type_of, request_format

SS = ("json", "xml", "jsv", "csv")


def test_request_format_from_content_type() -> None:
    assert request_format("application/json; charset=utf-8", SS) == "json"
    assert request_format("Text/JSV", SS) == "jsv"
    assert request_format("application/jsv", SS) == "jsv"
    assert request_format("application/x-www-form-urlencoded", ("json", "form")) == "form"
    with pytest.raises(UnsupportedMediaType) as err:
        request_format("text/plain", SS)
    assert err.value.media_type == "text/plain"
    with pytest.raises(UnsupportedMediaType, match="none"):
        request_format(None, SS)
    assert media_type_of(None) == ""
    assert media_type_of(" Application/XML ; charset=utf-8") == "application/xml"
