"""Where fixture sets live and how the gateway seeds or resets a store from them."""

from __future__ import annotations

from pathlib import Path

from core.services import Core
from core.services.fixtures import read_fixtures

#: The project's own fixture folder (``fixtures/`` beside the packages).
FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"


def resolve(source: str) -> Path | None:
    """``none`` -> no data; a bare name -> ``fixtures/<name>``; anything else is a path."""
    if source == "none":
        return None
    named = FIXTURES_DIR / source
    if "/" not in source and named.exists():
        return named
    path = Path(source)
    if not path.exists():
        raise FileNotFoundError(f"no fixture set named or at {source!r}")
    return path


def seed(core: Core, source: str) -> int:
    """Load ``source`` into an empty store; a store that holds data is never touched."""
    path = resolve(source)
    if path is None:
        return 0
    return core.fixtures.seed(read_fixtures(path), source=source)


def reset(core: Core, source: str | None = None) -> int:
    """Wipe the store and reload ``source`` (default: the set it was seeded from)."""
    source = source or core.fixtures.source() or "none"
    path = resolve(source)
    data = read_fixtures(path) if path else {}
    return core.fixtures.load(data, source=source, replace=True)
