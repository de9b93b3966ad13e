"""The dialect registry: built-in dialects are listed here, third-party ones are found through
the ``crmgate.dialects`` entry point group; both register the same way.
"""

from __future__ import annotations

import importlib
from importlib.metadata import entry_points

from dialects.base import Dialect

ENTRY_POINT_GROUP = "crmgate.dialects"

#: One line per built-in dialect: a module that exposes ``dialect``.
BUILTIN: tuple[str, ...] = (
    "dialects.iservice",
    "dialects.crmcom",
    "dialects.webapi",
    "dialects.servicestack.pf",
    "dialects.servicestack.bokamera",
)


class RegistryError(Exception):
    pass


def register(found: dict[str, Dialect], dialect: object, origin: str) -> None:
    if not isinstance(dialect, Dialect):
        raise RegistryError(f"{origin} does not provide a Dialect")
    if dialect.name in found:
        raise RegistryError(f"two dialects are named {dialect.name!r} ({origin})")
    found[dialect.name] = dialect


def load_dialects() -> list[Dialect]:
    """Every registered dialect, built-ins first."""
    found: dict[str, Dialect] = {}
    for module in BUILTIN:
        register(found, importlib.import_module(module).dialect, module)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        register(found, ep.load(), f"entry point {ep.name}")
    return list(found.values())
