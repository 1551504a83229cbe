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
from typing import TYPE_CHECKING, Any

from graph.core.money import from_cents
from graph.core.plugin import plugins
from graph.ledger.entries import EntryRecord
from graph.ledger.entry_ids import PERIOD, TRAILING, EntrySource
from graph.ledger.history import History, consistent
from graph.ledger.history import run_rules as archived_run_rules
from graph.ledger.period_runs import totals

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
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
    """What a close would book, with the totals its run will carry (`graph.ledger.period_runs`):
    `booked` (all entries), `paid` (PAID), `retained` (RETAINED) and `total`, the plan's
    headline (`PlanModule.run_total`: booked, or paid on the differential plan)."""

    period: str
    entries: list[EntryRecord]
    by_rule: list[RuleTotal]
    by_member: list[MemberTotal]
    total: Decimal
    booked: Decimal = ZERO
    paid: Decimal = ZERO
    retained: Decimal = ZERO


def summarize(period: str, rows: list[dict[str, Any]], headline: str = "booked") -> PeriodPreview:
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
    named = totals(rows)
    return PeriodPreview(
        period,
        entries,
        rule_totals({key: (cents, count) for key, (cents, count) in rules.items()}),
        [MemberTotal(member, from_cents(cents), count) for member, (cents, count) in sorted(members.items())],
        from_cents(named[headline]),
        from_cents(named["booked"]),
        from_cents(named["paid"]),
        from_cents(named["retained"]),
    )


def rule_totals(sums: dict[tuple[str, str], tuple[int, int]]) -> list[RuleTotal]:
    """(rule, status) → (cents, entries) as totals in (rule, status) order."""
    return [RuleTotal(rule, status, from_cents(cents), count) for (rule, status), (cents, count) in sorted(sums.items())]


def headline(rn: Refnet) -> str:
    """The named total a run of the running plan reports as `total`."""
    for module in plugins(rn):
        if module.period_kind(rn) is not None:
            return module.run_total
    return "booked"


def preview_period(rn: Refnet, period: str) -> PeriodPreview:
    from graph.ledger.period_close import preview_period as compute

    return summarize(period, compute(rn, period), headline(rn))


def run_prefixes(period: str) -> list[str]:
    """Id prefixes of the entries a close of `period` books (`graph.ledger.entry_ids`): the
    period's close sources, and the kinds a plan registers for its own closes (the family's)."""
    return [f"{EntrySource.of(PERIOD, period)}:", *(f"{kind}:" for kind in sorted(TRAILING))]


def run_rules(rn: Refnet, period: str) -> list[RuleTotal]:
    """What the close of `period` booked, by rule and status, read from the ledger: the same
    totals as its preview (`PeriodPreview.by_rule`)."""
    def read(h: History) -> list[dict[str, Any]]:
        return [*rn.store.run("period_run_rules", {"period": period, "prefixes": run_prefixes(period),
                                                   "archived": h.removing}),
                *archived_run_rules(h, period, run_prefixes(period))]

    rows = consistent(rn, read)
    sums: dict[tuple[str, str], tuple[int, int]] = {}
    for row in rows:
        cents, count = sums.get((row["rule"], row["status"]), (0, 0))
        sums[(row["rule"], row["status"])] = (cents + int(row["cents"]), count + int(row["entries"]))
    return rule_totals(sums)
