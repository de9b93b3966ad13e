"""Named fixture sets ship inside the package and are found from any working directory."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from core.services.fixtures import read_fixtures
from gateway import fixtures
from tests.helpers import DEMO

ROOT = Path(__file__).resolve().parents[2]
PIP_WHEEL = (sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation")


def test_the_demo_set_is_package_data_found_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    demo = fixtures.resolve("demo")
    assert demo is not None
    assert str(demo).startswith(str(Path(fixtures.__file__).parent))
    assert fixtures.read("demo") == DEMO
    assert DEMO["customers"]


def test_a_name_that_is_not_a_shipped_set_is_a_path(tmp_path: Path) -> None:
    assert fixtures.named_set("../fixture_sets/demo") is None
    assert fixtures.named_set(".") is None
    assert fixtures.named_set("nothing") is None
    with pytest.raises(FileNotFoundError, match="no fixture set named or at 'nothing'"):
        fixtures.resolve("nothing")
    own = tmp_path / "set.json"
    own.write_text('{"companies": []}')
    assert fixtures.resolve(str(own)) == own
    assert read_fixtures(own) == {"companies": []}
    assert fixtures.resolve("none") is None


@pytest.mark.slow
def test_the_wheel_carries_the_demo_set_and_not_the_golden_samples(tmp_path: Path) -> None:
    source = tmp_path / "src"  # setuptools writes build/ and an egg-info beside the sources
    for name in ("core", "gateway", "dialects"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run(
        [*PIP_WHEEL, "-w", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("crmgate-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    demo = sorted(n for n in names if n.startswith("gateway/fixture_sets/demo/"))
    assert [Path(n).name for n in demo] == [
        f.name for f in sorted(fixtures.named_set("demo").iterdir()) if f.name.endswith(".json")
    ]
    assert not [n for n in names if "golden" in n]
