from __future__ import annotations

from importlib.metadata import EntryPoint

import pytest

from dialects.base import Dialect
from dialects.iservice import dialect as iservice
from gateway import registry


def test_builtin_dialects_satisfy_the_protocol() -> None:
    dialects = registry.load_dialects()
    names = [d.name for d in dialects]
    assert names[0] == "iservice"
    assert len(set(names)) == len(names) == len(registry.BUILTIN)
    assert all(isinstance(d, Dialect) for d in dialects)


def test_third_party_dialects_register_through_entry_points(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class Plugin:
        name = "plugin"
        prefix = "/plugin"
        hosts = ()

        def routes(self):
            return []

        def error_response(self, exc, request):
            raise NotImplementedError

        def describe(self):
            return []

    ep = EntryPoint(name="plugin", value="x:y", group=registry.ENTRY_POINT_GROUP)
    monkeypatch.setattr(EntryPoint, "load", lambda self: Plugin())
    monkeypatch.setattr(registry, "entry_points", lambda group: [ep])
    assert [d.name for d in registry.load_dialects()][-1] == "plugin"


def test_bad_registrations_are_refused() -> None:
    found: dict = {}
    registry.register(found, iservice, "first")
    with pytest.raises(registry.RegistryError, match="two dialects"):
        registry.register(found, iservice, "second")
    with pytest.raises(registry.RegistryError, match="does not provide"):
        registry.register(found, object(), "junk")
