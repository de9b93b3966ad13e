"""Golden wire samples taken verbatim from the seeds (``fixtures/golden/<seed>/``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "golden"


def golden(name: str) -> bytes:
    """The bytes of a golden file, exactly as the seed shows them."""
    return (GOLDEN / name).read_bytes()


def json_in_order(buf: bytes) -> Any:
    """Parse JSON keeping key order significant (objects become lists of pairs).

    Documentation pages render indentation as no-break spaces; they are layout, not data.
    """
    text = buf.decode("utf-8").replace("\xa0", " ")
    return json.loads(text, object_pairs_hook=list)
