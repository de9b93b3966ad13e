"""The README's examples as a newcomer meets them: the Quick start's bodies are the seeds' own
samples, every shell example answers from a folder with no checkout, and the "Using crmgate in
your tests" module runs, as written, with only the plugin."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gateway.testing import Server
from tests.golden import golden
from tests.helpers import CRMGATE, ROOT

README = ROOT / "README.md"
#: The seeds' request samples the Quick start sends, and what stands for a placeholder there.
QUICK_START_BODIES = {
    "003/setdetails-request.json": {},
    "001/bulk-create-request.json": {"{{token}}": "$TOKEN"},
    "002/contact-connected-links-request.xml": {},
    "004/update-customer-request.jsv": {},
    "000/cus-social-account.json": {},
}


def squashed(text: str) -> str:
    """The text without any whitespace (the seeds' pages indent with no-break spaces)."""
    return "".join(text.split())


def test_the_quick_start_sends_the_seeds_own_samples() -> None:
    """The commands carry their bodies (so they run from any folder); the golden files stay
    the one source of them: only the layout may differ."""
    section = README.read_text().split("## Quick start", 1)[1].split("\n## ", 1)[0]
    assert "fixtures/" not in section
    for name, placeholders in QUICK_START_BODIES.items():
        body = golden(name).decode()
        for placeholder, shell in placeholders.items():
            body = body.replace(placeholder, shell)
        assert squashed(body) in squashed(section), name


@pytest.mark.slow
def test_every_readme_shell_example_answers_from_another_folder(tmp_path: Path) -> None:
    """``.ci/smoke.py`` (which CI runs against the built wheel) on this checkout's install:
    reset and serve from a folder of its own, then every README command that calls the
    gateway, with the answers the README shows."""
    result = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "smoke.py"), str(CRMGATE), str(README)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert 'README: /__admin/requests/count answers {"count":1}' in result.stdout


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
