"""The report: one line per exchange, totals per dialect and per kind of difference; as
text for a terminal or JSON for CI, and the exit status."""

from __future__ import annotations

from collections import Counter

import msgspec

from gateway.diff.model import Outcome


class DialectTotals(msgspec.Struct):
    exchanges: int = 0
    same: int = 0
    differing: int = 0


class Report(msgspec.Struct):
    exchanges: int
    same: int
    differing: int
    dialects: dict[str, DialectTotals]
    #: differences by kind (status, content-type, header, cookie, body, keys, order, ...)
    kinds: dict[str, int]
    outcomes: list[Outcome]


def summarize(outcomes: list[Outcome]) -> Report:
    dialects: dict[str, DialectTotals] = {}
    kinds: Counter[str] = Counter()
    for outcome in outcomes:
        totals = dialects.setdefault(outcome.dialect, DialectTotals())
        totals.exchanges += 1
        if outcome.same:
            totals.same += 1
        else:
            totals.differing += 1
        kinds.update(d.kind for d in outcome.differences)
    differing = sum(1 for o in outcomes if not o.same)
    return Report(
        exchanges=len(outcomes),
        same=len(outcomes) - differing,
        differing=differing,
        dialects=dict(sorted(dialects.items())),
        kinds=dict(kinds.most_common()),
        outcomes=outcomes,
    )


def line(outcome: Outcome) -> str:
    """``same`` or ``DIFFERS`` with what, for one exchange."""
    target = outcome.path + (f"?{outcome.query}" if outcome.query else "")
    head = f"{outcome.dialect:<10} {outcome.method:<6} {target}"
    if outcome.same:
        text = f"same     {head}"
    else:
        what = "; ".join(d.describe() for d in outcome.differences)
        text = f"DIFFERS  {head}  {what}"
    if outcome.notes:
        text += f"  (note: {'; '.join(outcome.notes)})"
    return text


def text(report: Report) -> str:
    lines = [line(o) for o in report.outcomes]
    lines.append("")
    lines.append(f"{report.exchanges} exchanges: {report.same} same, {report.differing} differing")
    for name, totals in report.dialects.items():
        lines.append(
            f"  {name:<10} {totals.exchanges:>5} exchanges  {totals.same:>5} same  "
            f"{totals.differing:>5} differing"
        )
    if report.kinds:
        lines.append(
            "differences by kind: " + ", ".join(f"{k} {n}" for k, n in report.kinds.items())
        )
    return "\n".join(lines)


def to_json(report: Report) -> bytes:
    return msgspec.json.encode(report)


def exit_status(report: Report, allow: int) -> int:
    """0 while at most ``allow`` exchanges differ, else 1."""
    return 0 if report.differing <= allow else 1
