"""The differential plan in the graph (rules §9): orders that wait for their month, and the
month close that books them.

An order in a differential plan is only recorded (`graph.ledger.orders`, flagged `settle`); its bonuses depend on the
ranks of its month, so `close_period("2026-11")` books them:
1. a `(:PeriodRun {id: 'differential:2026-11'})` is started (guarded); from then on no order
   of that month is recorded, so everything below reads a month that no longer changes;
2. ranks: every partner's group volume (one aggregate query walking the sponsor tree), ranks
   by `graph.differential.qualify`, stored on the partners (`rank`, `rank_period`);
3. per batch of open orders: one query walks each buyer's sponsor upline, the pure rule
   computes the bookings, and one guarded statement marks the batch's orders `closed_in` and
   books their entries (ids `period:<month>:order:<id>#n`, refused if booked before);
4. the run is marked DONE.
A run killed half-way is finished by running it again: steps 1–2 repeat to the same result,
step 3 only sees orders not closed yet. A DONE run is returned unchanged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING

from graph.core import periods
from graph.core.money import from_cents
from graph.core.periods import mark_late, parse_period
from graph.ledger import period_runs
from graph.ledger.entries import Booking, entry_rows, member_deltas
from graph.ledger.entry_ids import EntrySource
from graph.ledger.period_close import PeriodRunRecord
from graph.plans.differential.rules import (
    CUSTOMER,
    DifferentialConfig,
    OrderView,
    Person,
    Rank,
    config_of,
    order_bookings,
    qualify,
)
from graph.store.store import Conflicted, Row, record_from_row

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


log = logging.getLogger("refnet.differential")

MODULE = "differential"
BATCH = 1000


@dataclass(frozen=True)
class DifferentialRun:
    id: str
    plan: str
    period: str
    state: str  # RUNNING / DONE
    orders: int
    entries: int
    total: Decimal  # what the run paid (PAID entries)
    started_at: int
    finished_at: int | None
    plan_version: str | None = None
    booked: Decimal | None = None
    paid: Decimal | None = None
    retained: Decimal | None = None

    def summary(self) -> PeriodRunRecord:
        return PeriodRunRecord(self.period, self.entries, self.total, self.state == "DONE", self.plan, self.orders,
                               self.plan_version, self.booked, self.paid, self.retained)

    @classmethod
    def from_row(cls, row: Row) -> "DifferentialRun":
        """From the one run shape (`cypher/ledger/period_run.fragment`)."""
        def money(name: str) -> Decimal | None:
            return from_cents(row[name]) if row.get(name) is not None else None

        run = record_from_row(cls, row, money=("total",))
        return replace(run, booked=money("booked"), paid=money("paid"), retained=money("retained"))


def check_month(period: str) -> str:
    """A month in the periods' range (graph.core.periods); BadInput otherwise."""
    return parse_period(period, kind=periods.MONTH).name


def run_id(period: str) -> str:
    return f"{MODULE}:{period}"


def order_source(period: str, order_id: str) -> EntrySource:
    """What booked an order of the differential plan: its month's close."""
    return EntrySource.period_step(period, "order", order_id)


# --- the month close -----------------------------------------------------------------------


def get_run(rn: Refnet, period: str) -> DifferentialRun | None:
    run = rn.store.run("differential_run_by_id", {"id": run_id(check_month(period))})[0]["run"]
    return DifferentialRun.from_row(run) if run is not None else None


def month_ranks(rn: Refnet, period: str, config: DifferentialConfig) -> dict[str, Rank]:
    """Each partner's rank in `period` from its group volume; partners without volume are
    left out (they have the rank of volume 0, if the plan has one)."""
    ranks: dict[str, Rank] = {}
    for row in rn.store.run("differential_group_volumes", {"period": period}):
        rank = qualify(from_cents(int(row["volume"])), config.ranks)
        if rank is not None:
            ranks[row["id"]] = rank
    return ranks


def order_view(row: Row, ranks: dict[str, Rank], base: Rank | None) -> OrderView:
    """A row of `differential_order_lines` as the rule's plain data (upline sponsor first)."""

    def person(member_id: str, kind: str) -> Person:
        return Person(member_id, kind, None if kind == CUSTOMER else ranks.get(member_id, base))

    upline = sorted(zip(row["up_depths"], row["up_ids"], row["up_kinds"]), reverse=True)
    return OrderView(
        order_id=row["id"],
        amount=from_cents(row["amount"]),
        buyer=person(row["buyer_id"], row["buyer_kind"]),
        upline=tuple(person(member_id, kind) for _, member_id, kind in upline),
        referrer_id=row["referrer_id"],
    )


def close_period(
    rn: Refnet,
    period: str,
    batch: int = BATCH,
    after_batch: Callable[[int], None] | None = None,
) -> DifferentialRun:
    """Closes a month of the differential plan (module docstring); idempotent.
    `after_batch(n)` is called after each booked batch (tests use it to kill a run)."""
    check_month(period)
    plan = rn.plan
    config = config_of(plan)
    key = run_id(period)

    def start() -> DifferentialRun:
        row = rn.store.run("differential_run_by_id", {"id": key})[0]
        if row["run"] is not None:
            return DifferentialRun.from_row(row["run"])
        if not rn.store.run("differential_run_start", {
            "version": row["version"], "id": key, "plan": plan.name, "plan_version": plan.version,
            "period": period, "now": rn.clock(),
        }):
            raise Conflicted()
        return DifferentialRun.from_row(rn.store.run("differential_run_by_id", {"id": key})[0]["run"])

    started = rn.guard(start)
    if started.state == "DONE":
        return started
    log.info("closing %s of plan %s", period, plan.name)

    ranks = month_ranks(rn, period, config)
    base = qualify(Decimal("0.00"), config.ranks)
    rn.store.run("differential_set_ranks", {
        "period": period, "base": base.name if base is not None else None,
        "ranks": [{"id": member_id, "rank": rank.name} for member_id, rank in ranks.items() if rank != base],
    })

    ids = open_orders(rn, period)
    for number, start_at in enumerate(range(0, len(ids), batch)):
        chunk = ids[start_at:start_at + batch]
        rn.guard(lambda: _book_batch(rn, period, key, chunk, config, ranks, base))
        log.info("closing %s: %d of %d orders booked", period, min(start_at + batch, len(ids)), len(ids))
        if after_batch is not None:
            after_batch(number)

    period_runs.finish(rn, key)
    run = get_run(rn, period)
    assert run is not None
    log.info("closed %s: %d orders, %d entries, %s paid", period, run.orders, run.entries, run.total)
    return run


def _book_batch(rn: Refnet, period: str, key: str, ids: list[str], config: DifferentialConfig,
                ranks: dict[str, Rank], base: Rank | None) -> int:
    """Books the still open orders among `ids` with one guarded statement; returns entries."""
    rows = rn.store.run("differential_order_lines", {"ids": ids})
    if not rows:
        return 0  # all closed already (a previous run got this far)
    version = rows[0]["version"]
    bookings, entries = batch_entries(rn, period, rows, config, ranks, base)
    orders = [row["id"] for row in rows]
    result = rn.store.run("differential_book", {
        "version": version, "run_id": key, "period": period, "orders": orders,
        "members": member_deltas(bookings), "entries": entries, **period_runs.totals(entries),
    })
    if not result or result[0]["entries"] != len(entries):
        raise Conflicted()
    booked = len(entries)
    return booked


def open_orders(rn: Refnet, period: str) -> list[str]:
    """Ids of the orders the close of `period` books, in id order: its own and late ones."""
    return sorted({row["id"] for row in rn.store.run("differential_open_orders", {"period": period})})


def closed_month_ranks(rn: Refnet, month: str, config: DifferentialConfig) -> dict[str, Rank]:
    """The ranks closed month `month` gave (its rank history): a late order of that month earns
    by them, since the closed month's volumes and ranks stay as they were closed."""
    by_name = {rank.name: rank for rank in config.ranks}
    return {row["id"]: by_name[row["rank"]] for row in rn.store.run("differential_month_ranks", {"period": month})
            if row["rank"] in by_name}


def batch_entries(rn: Refnet, period: str, rows: list[Row], config: DifferentialConfig, ranks: dict[str, Rank],
                  base: Rank | None) -> tuple[list[Booking], list[dict]]:
    """The bookings and entry rows of a batch of open orders (rows of `differential_order_lines`).
    A late order of an earlier, closed month is booked here by that month's ranks, its entries
    naming the month it belongs to (docs/periods.md)."""
    plan_version = rn.plan.version
    entries: list[dict] = []
    bookings: list[Booking] = []
    earlier: dict[str, dict[str, Rank]] = {}
    for row in rows:
        month = row["period"] or period
        if month != period and month not in earlier:
            earlier[month] = closed_month_ranks(rn, month, config)
        of_order = order_bookings(order_view(row, earlier.get(month, ranks), base), config, month)
        bookings.extend(of_order)
        entries.extend(mark_late(entry_rows(of_order, source=order_source(period, row["id"]), at=row["at"],
                                            order_id=row["id"], period=period, plan_version=plan_version),
                                 month, period))
    return bookings, entries


def preview_period(rn: Refnet, period: str) -> list[dict]:
    """The entry rows `close_period(period)` would book now, booking nothing (issue 8): the
    same ranks and the same rule over the month's open orders, read as they stand."""
    check_month(period)
    run = get_run(rn, period)
    if run is not None and run.state == "DONE":
        return []
    config = config_of(rn.plan)
    ranks = month_ranks(rn, period, config)
    base = qualify(Decimal("0.00"), config.ranks)
    ids = open_orders(rn, period)
    entries: list[dict] = []
    for start_at in range(0, len(ids), BATCH):
        rows = rn.store.run("differential_order_lines", {"ids": ids[start_at:start_at + BATCH]})
        entries.extend(batch_entries(rn, period, rows, config, ranks, base)[1])
    return entries
