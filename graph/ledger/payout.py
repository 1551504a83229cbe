"""`payoutReport(from, to)` (issue 8): what a plan really pays out of the revenue it takes.

One query groups the entries booked between `from` and `to` (by their `at`) by rule, status
and whether they are revenue (an order's allocation and its refunds' reversals: a rule's share
of the revenue); another sums the orders and refunds dated in the range: the report's revenue
is what was sold net of refunds, on every plan (issue 14). The rest is pure aggregation here. `paid` counts PAID entries of
every rule that pays members (linkage rewards, pool dividends, levels, points sales, family
commission, …); withdrawals are not payouts (they move money out of balances already paid)
and are left out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING, Any

from graph.core.errors import BadInput
from graph.core.money import from_cents
from graph.ledger.entry_ids import revenue_prefixes
from graph.ledger.history import History, consistent, payout_rows, sales

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


EXCLUDED_RULES = frozenset({"withdrawal"})
STATUS_FIELDS = {"PAID": "paid", "FROZEN": "frozen", "BURNED": "burned", "POOLED": "pooled",
                 "RETAINED": "retained", "COST": "cost"}
RATIO = Decimal("0.0001")


@dataclass(frozen=True)
class PayoutLine:
    rule: str  # "total" for the whole report
    revenue: Decimal  # the part of the revenue the allocation gave this rule (net of refunds)
    paid: Decimal
    frozen: Decimal
    burned: Decimal
    pooled: Decimal
    retained: Decimal
    cost: Decimal
    ratio: Decimal | None  # paid ÷ the report's whole revenue, 4 places rounded down; None without revenue


@dataclass(frozen=True)
class PayoutReport:
    from_ms: int
    to_ms: int
    revenue: Decimal
    total: PayoutLine
    rules: list[PayoutLine]


def ratio(paid: int, revenue: int) -> Decimal | None:
    if revenue <= 0:
        return None
    return (Decimal(paid) / Decimal(revenue)).quantize(RATIO, rounding=ROUND_DOWN)


def aggregate(rows: list[dict[str, Any]], from_ms: int, to_ms: int, sold: int | None = None,
              refunded: int = 0) -> PayoutReport:
    """The report from the grouped rows of `payout_rows` (pure). The revenue is what was sold
    in the range net of its refunds (`sold` − `refunded`, cents) on every plan, also where an
    order's money is booked later (differential) or not at all; without `sold`, the revenue
    entries' sum."""
    sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        if row["rule"] in EXCLUDED_RULES:
            continue
        cents = int(row["cents"])  # FalkorDB's sum() answers a float
        line = sums[row["rule"]]
        if row["revenue"]:
            line["revenue"] += cents
        line[STATUS_FIELDS[row["status"]]] += cents
    revenue = sum(line["revenue"] for line in sums.values()) if sold is None else int(sold) - int(refunded)

    def make(rule: str, line: dict[str, int]) -> PayoutLine:
        amounts = {name: from_cents(line[name]) for name in
                   ("revenue", "paid", "frozen", "burned", "pooled", "retained", "cost")}
        return PayoutLine(rule, **amounts, ratio=ratio(line["paid"], revenue))

    total: dict[str, int] = defaultdict(int)
    for line in sums.values():
        for name, cents in line.items():
            total[name] += cents
    total["revenue"] = revenue
    return PayoutReport(from_ms, to_ms, from_cents(revenue), make("total", total),
                        [make(rule, sums[rule]) for rule in sorted(sums)])


def payout_report(rn: Refnet, from_ms: int, to_ms: int) -> PayoutReport:
    if to_ms <= from_ms:
        raise BadInput("to: must be after from")

    def read(h: History) -> tuple[list[dict[str, Any]], int, int]:
        hot = rn.store.run("payout_sales", {"from": from_ms, "to": to_ms, "archived": h.removing})[0]
        sold, refunded = sales(h, from_ms, to_ms)
        return ([*rn.store.run("payout_rows", {"from": from_ms, "to": to_ms, "revenue": revenue_prefixes(),
                                               "archived": h.removing}),
                 *payout_rows(h, from_ms, to_ms, revenue_prefixes())],
                int(hot["sold"]) + sold, int(hot["refunded"]) + refunded)

    rows, sold, refunded = consistent(rn, read)
    return aggregate(rows, from_ms, to_ms, sold, refunded)
