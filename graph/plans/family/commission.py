"""The family leader's commission (rules §10): rate × each member's diamonds above the threshold.

Diamonds are what the platform counts; the ledger books money. The plan's `diamond_value`
(money per diamond, default 1.00) turns a commission in diamonds into an amount, rounded down
to the cent. Pure functions first; `close_period` is the thin DB job around them.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

from graph.core.errors import BadInput
from graph.core.money import CENT, from_cents, percent, share, to_cents
from graph.ledger import period_runs
from graph.ledger.entries import Booking, entry_rows, member_deltas
from graph.ledger.entry_ids import EntrySource, register_kind
from graph.ledger.period_close import PeriodRunRecord
from graph.plans.family import periods
from graph.plans.family.plan import FamilyPlan, plan_version
from graph.store.store import Conflicted

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


log = logging.getLogger("refnet.family")

RULE = "family_commission"
RULE_MODULE = "family"  # its runs `family:<period>`, its entries `family:<family>:<period>#n`
register_kind(RULE_MODULE, 1)


def diamonds_text(value: Decimal) -> str:
    """800 → "800", 800.2 → "800.2": diamonds without trailing zeros."""
    return format(value.normalize(), "f")


def commission_diamonds(diamonds: int, plan: FamilyPlan) -> Decimal:
    """Exact commission in diamonds for one member's period: rate × max(0, diamonds − threshold)."""
    return plan.rate * max(0, diamonds - plan.threshold)


def commission_amount(diamonds: int, plan: FamilyPlan) -> Decimal:
    """The commission as money: diamonds of commission × diamond_value, rounded down to the cent."""
    return share(commission_diamonds(diamonds, plan), plan.diamond_value)


def explanation(member_id: str, diamonds: int, plan: FamilyPlan) -> str:
    """`20% of (12000 - 8000) = 800 diamonds from member m1` (× value = amount unless 1:1)."""
    earned = commission_diamonds(diamonds, plan)
    text = f"{percent(plan.rate)} of ({diamonds} - {plan.threshold}) = {diamonds_text(earned)} diamonds"
    if plan.diamond_value != Decimal(1):
        text += f" × {plan.diamond_value} = {commission_amount(diamonds, plan)}"
    return f"{text} from member {member_id}"


def bookings(leader_id: str, diamonds_by_member: dict[str, int], plan: FamilyPlan) -> list[Booking]:
    """One PAID entry to the leader per member whose commission is at least a cent, by member id."""
    result = []
    for member_id in sorted(diamonds_by_member):
        diamonds = diamonds_by_member[member_id]
        amount = commission_amount(diamonds, plan)
        if amount >= CENT:
            result.append(Booking(RULE, "PAID", amount, explanation(member_id, diamonds, plan), leader_id))
    return result


def family_total(diamonds_by_member: dict[str, int], plan: FamilyPlan) -> Decimal:
    return sum((commission_amount(d, plan) for d in diamonds_by_member.values()), Decimal("0.00"))


def check_period(period: str, plan: FamilyPlan, now: int) -> tuple[int, int]:
    """The period's [start, end); BadInput unless it is of the plan's kind and has ended."""
    if not isinstance(period, str) or periods.kind_of(period) is None:
        raise BadInput(f"period: {period!r} is not a period like 2026-W48 or 2026-11")
    if periods.kind_of(period) != plan.period:
        example = "2026-W48" if plan.period == "week" else "2026-11"
        raise BadInput(f"period: the family plan closes {plan.period}s like {example}, got {period!r}")
    start, end = periods.bounds(period)
    if end > now:
        raise BadInput(f"period: {period} has not ended yet; close it once it is over")
    return start, end


def family_period_entries(rn: Refnet, plan: FamilyPlan, family_id: str, period: str, start: int, end: int,
                          now: int) -> tuple[dict | None, list[Booking], list[dict]]:
    """What closing one family's `period` books (reads only): the period view (None when there
    is nothing to close: closed already, or the family did not exist then), bookings, entry rows."""
    view = rn.store.run("family/period_read", {
        "family_id": family_id, "key": f"{family_id}:{period}", "start": start, "end": end,
        "types": sorted(plan.qualifying),
    })[0]
    if view["closed"]:
        return None, [], []
    if view["created_at"] >= end and not view["events"]:
        return None, [], []  # the family did not exist then: leave the period open for a history import
    diamonds = {row["member_id"]: int(row["diamonds"]) for row in view["members"]}
    booked = bookings(view["leader_id"], diamonds, plan)
    rows = entry_rows(booked, source=EntrySource.of(RULE_MODULE, family_id, period), at=now, period=period,
                      plan_version=plan_version(rn))
    return view, booked, rows


def preview_period(rn: Refnet, plan: FamilyPlan, period: str) -> list[dict]:
    """The entry rows `close_period(period)` would book now for every family, booking nothing."""
    start, end = check_period(period, plan, rn.clock())
    now = rn.clock()
    rows: list[dict] = []
    for family in rn.store.run("family/list"):
        rows.extend(family_period_entries(rn, plan, family["id"], period, start, end, now)[2])
    return rows


def close_family_period(rn: Refnet, plan: FamilyPlan, family_id: str, period: str, start: int, end: int,
                        run_id: str | None = None) -> int:
    """Books one family's commission for `period`; returns the entries booked (0 if it ran before).

    A family created after the period ended, without activity in it, is left out (no run), so
    that its history can still be imported and booked by a later re-run."""
    key = f"{family_id}:{period}"

    def attempt() -> int:
        now = rn.clock()
        view, booked, rows = family_period_entries(rn, plan, family_id, period, start, end, now)
        if view is None:
            return 0
        total = sum((b.amount for b in booked), Decimal("0.00"))
        params = {"version": view["version"], "family_id": family_id, "key": key, "period": period, "now": now,
                  "plan_version": plan_version(rn), "run_id": run_id or run_of(period)}
        if not booked:
            if not rn.store.run("family/period_close_empty", params):
                raise Conflicted()
            return 0
        result = rn.store.run("family/period_close", {
            **params, "count": len(rows), "total": to_cents(total), "entries": rows, "members": member_deltas(booked),
            **period_runs.totals(rows),
        })
        if not result or result[0]["entries"] != len(rows):
            raise Conflicted()
        return len(rows)

    return rn.guard(attempt)


def close_period(rn: Refnet, plan: FamilyPlan, period: str) -> PeriodRunRecord:
    """Closes `period` for every family (one statement per family, each idempotent through its
    FamilyPeriodRun), and answers the period's totals: a re-run books nothing and answers the same."""
    start, end = check_period(period, plan, rn.clock())
    run_id = run_of(period)
    period_runs.start(rn, run_id, period)
    for family in rn.store.run("family/list"):
        booked = close_family_period(rn, plan, family["id"], period, start, end, run_id)
        if booked:
            log.info("family %s: closed %s with %d commission entries", family["id"], period, booked)
    run = period_runs.record(period_runs.finish(rn, run_id))
    totals = rn.store.run("family/period_totals", {"period": period})[0]  # every family's run of the period
    return replace(run, entries=int(totals["entries"]), total=from_cents(int(totals["total"])),
                   plan_version=plan_version(rn))


def run_of(period: str) -> str:
    """The plan's period run: `family:<period>` (each family's part is its FamilyPeriodRun)."""
    return f"{RULE_MODULE}:{period}"
