"""Loading data sets into the store: all-or-nothing, validated against the models first."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from importlib.resources.abc import Traversable
from typing import Any

import msgspec

from core.clock import Clock
from core.errors import FieldError, ValidationFailed
from core.models import ALL_MODELS, User
from core.passwords import hash_password
from core.store import Store

FixtureData = dict[str, list[dict[str, Any]]]

_BY_TABLE = {m.__table__: m for m in ALL_MODELS}
_STAMPED = ("created", "updated")


def read_fixtures(path: Traversable) -> FixtureData:
    """Read a fixture file (a JSON object of table -> rows) or a folder of such files.

    ``path`` is a ``Path`` or a package resource (the sets shipped in the wheel).
    """
    if path.is_dir():
        files = sorted((f for f in path.iterdir() if f.name.endswith(".json")), key=_name)
    else:
        files = [path]
    if not files:
        raise ValidationFailed([FieldError(str(path), "required", f"no fixture files in {path}")])
    merged: FixtureData = {}
    for file in files:
        try:
            data = msgspec.json.decode(file.read_bytes(), type=FixtureData)
        except (OSError, msgspec.DecodeError) as exc:
            raise ValidationFailed([FieldError(file.name, "invalid", str(exc))]) from exc
        for table, rows in data.items():
            merged.setdefault(table, []).extend(rows)
    return merged


def _name(file: Traversable) -> str:
    return file.name


class FixtureService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def parse(self, data: FixtureData) -> list[Any]:
        """Validate every row into its model; parents come before children."""
        errors: list[FieldError] = []
        for table in data:
            if table not in _BY_TABLE:
                errors.append(FieldError(table, "unknown", f"unknown fixture table {table!r}"))
        objects: list[Any] = []
        now = msgspec.to_builtins(self.clock())
        for model in ALL_MODELS:
            for i, row in enumerate(data.get(model.__table__, [])):
                row = dict(row)
                if model is User and "password" in row:
                    row["password_hash"] = hash_password(str(row.pop("password")))
                for stamp in _STAMPED:
                    if stamp in model.__struct_fields__:
                        row.setdefault(stamp, now)
                try:
                    objects.append(msgspec.convert(row, model))
                except msgspec.ValidationError as exc:
                    errors.append(FieldError(f"{model.__table__}[{i}]", "invalid", str(exc)))
        if errors:
            raise ValidationFailed(errors)
        return objects

    def load(
        self,
        data: FixtureData,
        *,
        source: str,
        replace: bool = False,
        progress: Callable[[str, int], None] | None = None,
    ) -> int:
        """Insert a data set in one transaction; ``replace`` wipes the store first.

        ``progress`` hears of each table as it is written (long loads show they move).
        """
        objects = self.parse(data)
        with self.store.write():
            if replace:
                self.store.wipe()
            for model, rows in itertools.groupby(objects, key=type):
                batch = list(rows)
                self.store.insert_many(batch)
                if progress:
                    progress(model.__table__, len(batch))
            self.store.set_meta("fixtures", source)
        return len(objects)

    def seed(self, data: FixtureData, *, source: str) -> int:
        """Load ``data`` only if the store holds no data yet (safe when workers race)."""
        with self.store.write():
            if not self.store.is_empty():
                return 0
            return self.load(data, source=source)

    def source(self) -> str | None:
        """What the store was last loaded from (``crmgate reset`` reloads it)."""
        return self.store.get_meta("fixtures")
