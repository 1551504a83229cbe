"""`previewPeriod` (issue 8): what `closePeriod` would book, with totals, booking nothing.

Each plan's period close is split into a compute step (reads only) and a book step that writes
exactly what the compute step returned; `graph.ledger.period_close.preview_period` runs the compute
step of the running plan. So a close right after a preview, with nothing changed in between,
books exactly the previewed entries (ids, rules, statuses, amounts, beneficiaries,
explanations; only `at` is the close's own time).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from graph.core.money import from_cents
from graph.ledger.entries import EntryRecord
from graph.service import Refnet

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class RuleTotal:
    rule: str
    status: str
    amount: Decimal
    entries: int


@dataclass(frozen=True)
class MemberTotal:
    member_id: str
    amount: Decimal  # what the member would be credited (PAID and FROZEN)
    entries: int


@dataclass(frozen=True)
class PeriodPreview:
    period: str
    entries: list[EntryRecord]
    by_rule: list[RuleTotal]
    by_member: list[MemberTotal]
    total: Decimal


def summarize(period: str, rows: list[dict[str, Any]]) -> PeriodPreview:
    """Totals per (rule, status) and per beneficiary of entry rows (`graph.ledger.entries.entry_rows`)."""
    entries = [EntryRecord.from_row(row) for row in rows]
    rules: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    members: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        rules[(row["rule"], row["status"])][0] += row["amount"]
        rules[(row["rule"], row["status"])][1] += 1
        if row["beneficiary_id"] is not None and row["status"] in ("PAID", "FROZEN"):
            members[row["beneficiary_id"]][0] += row["amount"]
            members[row["beneficiary_id"]][1] += 1
    return PeriodPreview(
        period,
        entries,
        [RuleTotal(rule, status, from_cents(cents), count) for (rule, status), (cents, count) in sorted(rules.items())],
        [MemberTotal(member, from_cents(cents), count) for member, (cents, count) in sorted(members.items())],
        from_cents(sum(row["amount"] for row in rows)),
    )


def preview_period(rn: Refnet, period: str) -> PeriodPreview:
    from graph.ledger.period_close import preview_period as compute

    return summarize(period, compute(rn, period))
