from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.errors import ValidationFailed
from core.models import Company, User
from core.services import Core
from core.services.fixtures import read_fixtures
from core.store import open_store
from tests.helpers import DEMO

TINY = {
    "companies": [{"id": "00000000-0000-4000-8000-0000000000aa", "code": "T", "name": "Tiny"}],
    "users": [
        {
            "id": "00000000-0000-4000-8000-0000000000bb",
            "company_id": "00000000-0000-4000-8000-0000000000aa",
            "login": "t@tiny.example",
            "role": "admin",
            "password": "plain-in-fixture",
        }
    ],
}


def fresh() -> Core:
    return Core(open_store(":memory:"))


def test_plain_passwords_in_fixtures_are_hashed_on_load() -> None:
    core = fresh()
    assert core.fixtures.load(TINY, source="tiny") == 2
    user = core.store.find(User)[0]
    assert user.password_hash.startswith("scrypt$")
    assert core.auth.login("t@tiny.example", "plain-in-fixture").user_id == user.id
    assert core.fixtures.source() == "tiny"


def test_bad_rows_and_unknown_tables_load_nothing() -> None:
    core = fresh()
    bad = {"companies": [{"id": "nope", "code": "X"}], "planets": [{}]}
    with pytest.raises(ValidationFailed) as err:
        core.fixtures.load(bad, source="bad")
    assert {e.field for e in err.value.errors} == {"planets", "companies[0]"}
    assert core.store.is_empty()


def test_seed_loads_only_into_an_empty_store() -> None:
    core = fresh()
    assert core.fixtures.seed(TINY, source="tiny") == 2
    assert core.fixtures.seed(DEMO, source="demo") == 0
    assert [c.code for c in core.store.find(Company)] == ["T"]


def test_replace_wipes_first() -> None:
    core = fresh()
    core.fixtures.load(DEMO, source="demo")
    core.fixtures.load(TINY, source="tiny", replace=True)
    assert [c.code for c in core.store.find(Company)] == ["T"]


def test_read_fixtures_from_a_file_or_a_folder(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"companies": TINY["companies"]}))
    (tmp_path / "b.json").write_text(json.dumps({"users": TINY["users"]}))
    assert read_fixtures(tmp_path) == TINY
    assert read_fixtures(tmp_path / "a.json") == {"companies": TINY["companies"]}


@pytest.mark.parametrize("content", [None, "{not json", '{"companies": 3}'])
def test_unreadable_fixture_files(tmp_path: Path, content: str | None) -> None:
    if content is not None:
        (tmp_path / "x.json").write_text(content)
    with pytest.raises(ValidationFailed):
        read_fixtures(tmp_path)
