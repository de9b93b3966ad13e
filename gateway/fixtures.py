"""Where fixture sets live and how the gateway seeds or resets a store from them."""

from __future__ import annotations

from pathlib import Path

from core.services import Core
from core.services.fixtures import FixtureData, read_fixtures

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


def named_sets() -> list[str]:
    """The sets callers over the network may name: ``none`` and the folders of ``fixtures/``."""
    sets = (p.name for p in FIXTURES_DIR.iterdir() if p.is_dir() and any(p.glob("*.json")))
    return ["none", *sorted(sets)]


def read_named(name: str, *, configured: str | None = None) -> FixtureData:
    """The rows of a named set, or of ``configured`` (the set the operator gave on the command
    line, which may be a path); any other path is refused, so a caller of the admin API never
    makes the server read a file of its choosing."""
    if name != configured and name not in named_sets():
        raise FileNotFoundError(f"no fixture set named {name!r} (known: {', '.join(named_sets())})")
    return read(name)


def read(source: str) -> FixtureData:
    """The rows of a named or located fixture set (none for ``none``)."""
    path = resolve(source)
    return read_fixtures(path) if path else {}


def seed(core: Core, source: str) -> int:
    """Load ``source`` into an empty store; a store that holds data is never touched."""
    data = read(source)
    return core.fixtures.seed(data, source=source) if data else 0


def reset(core: Core, source: str | None = None) -> int:
    """Wipe the store and reload ``source`` (default: the set it was seeded from)."""
    source = source or core.fixtures.source() or "none"
    return core.fixtures.load(read(source), source=source, replace=True)
