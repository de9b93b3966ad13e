"""Where fixture sets live and how the gateway seeds or resets a store from them."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

from core.services import Core
from core.services.fixtures import FixtureData, read_fixtures

#: The named sets shipped in the package (``gateway/fixture_sets/<name>/``).
FIXTURE_SETS: Traversable = files("gateway.fixture_sets")


def named_set(name: str) -> Traversable | None:
    """The shipped set called ``name`` (a folder of JSON files), if there is one."""
    if not name or name.startswith(".") or "/" in name or "\\" in name:
        return None
    found = FIXTURE_SETS / name
    return found if found.is_dir() else None


def resolve(source: str) -> Traversable | None:
    """``none`` -> no data; a shipped set's name (``demo``) -> that set; else a path."""
    if source == "none":
        return None
    if (named := named_set(source)) is not None:
        return named
    path = Path(source)
    if not path.exists():
        raise FileNotFoundError(f"no fixture set named or at {source!r}")
    return path


def named_sets() -> list[str]:
    """The sets callers over the network may name: ``none`` and the sets the package ships."""
    sets = (
        p.name
        for p in FIXTURE_SETS.iterdir()
        if p.is_dir() and any(f.name.endswith(".json") for f in p.iterdir())
    )
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
