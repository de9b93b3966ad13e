"""The README's "Using crmgate in your tests" module runs, as written, with only the plugin."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gateway.testing import Server

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_test_module() -> str:
    section = README.read_text().split("## Using crmgate in your tests", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.mark.slow
def test_the_readme_pytest_example_passes(crmgate_server: Server, tmp_path: Path) -> None:
    """Run as a user would: a folder of its own, the plugin from the installed entry point,
    attached to this session's server through ``CRMGATE_URL``."""
    module = tmp_path / "test_readme_example.py"
    module.write_text(readme_test_module())
    env = os.environ | {
        "CRMGATE_URL": crmgate_server.base_url,
        "CRMGATE_ADMIN_TOKEN": crmgate_server.admin_token or "",
    }
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(module)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
