"""The report: a line per exchange, totals per dialect and kind, JSON, exit status."""

from __future__ import annotations

import json

from gateway.diff.model import Difference, Outcome
from gateway.diff.report import exit_status, line, summarize, text, to_json


def outcome(dialect: str, *differences: Difference, notes: list[str] | None = None) -> Outcome:
    return Outcome(
        dialect=dialect,
        method="GET",
        path="/x",
        query="a=1",
        vendor_status=200,
        crmgate_status=200,
        differences=list(differences),
        notes=notes or [],
    )


STATUS = Difference("status", "status", "503", "200")
KEYS = Difference("keys", "$", "b", "missing")


def test_line() -> None:
    assert line(outcome("pf")) == "same     pf         GET    /x?a=1"
    assert line(outcome("pf", STATUS, KEYS, notes=["n"])) == (
        "DIFFERS  pf         GET    /x?a=1  status status: 503 vs 200; keys $: b vs missing"
        "  (note: n)"
    )


def test_totals_per_dialect_and_kind() -> None:
    report = summarize([outcome("pf"), outcome("pf", STATUS, KEYS), outcome("webapi", STATUS)])
    assert (report.exchanges, report.same, report.differing) == (3, 1, 2)
    assert report.kinds == {"status": 2, "keys": 1}
    assert text(report).splitlines()[-4:] == [
        "3 exchanges: 1 same, 2 differing",
        "  pf             2 exchanges      1 same      1 differing",
        "  webapi         1 exchanges      0 same      1 differing",
        "differences by kind: status 2, keys 1",
    ]
    assert json.loads(to_json(report))["dialects"]["webapi"] == {
        "exchanges": 1,
        "same": 0,
        "differing": 1,
    }


def test_exit_status() -> None:
    report = summarize([outcome("pf", STATUS), outcome("pf")])
    assert exit_status(report, 0) == 1
    assert exit_status(report, 1) == 0
    assert exit_status(summarize([]), 0) == 0
    assert text(summarize([])).endswith("0 exchanges: 0 same, 0 differing")
