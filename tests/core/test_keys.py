from __future__ import annotations

from core.services import Core


def test_a_secret_is_made_once_and_kept(core: Core) -> None:
    first = core.keys.secret("jwt")
    assert len(first) >= 32
    assert core.keys.secret("jwt") == first
    assert core.keys.secret("other") != first
