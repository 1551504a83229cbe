"""The differential plan in the graph (rules §9): orders that wait for their month, and the
month close that books them.

An order in a differential plan is only recorded (`graph.ledger.orders`, flagged `settle`); its bonuses depend on the
ranks of its month, so `close_period("2026-11")` books them (issue 18: from one snapshot, in
large batches):
1. a `(:PeriodRun {id: 'differential:2026-11'})` is started (guarded); from then on no order
   of that month is recorded, so everything below reads a month that no longer changes;
2. one snapshot is read (the graph version, every member's sponsor and kind, the month's
   orders and the late ones this close books) and `graph.plans.differential.month` computes
   in memory the ranks and every open order's bookings; the ranks are stored on the partners
   (`rank`, `rank_period`) and in their rank history;
3. without an archive (`rn.archive` is None): the bookings are written in batches of `batch`
   orders, each one guarded statement that marks its orders `closed_in` and books their
   entries (ids `period:<month>:order:<id>#n`); if anything else wrote to the graph in
   between, the batch is refused and the snapshot is read again (orders closed meanwhile are
   no longer open in it);
   with an archive (issue 18, fourth round): no Entry node is created. The entries are written
   to the period's close file (`graph.ledger.close_file`: checked, fsynced), then one
   statement guarded by the snapshot's version records the file on the run (sha256, rows,
   totals) and marks every open order `closed_in` — from then on a refund reverses the file's
   entries and every read sees them (`graph.ledger.history`). The member counters follow in
   batches of `member_batch` members read back from the recorded file, each booked once
   (guarded by the run's count of booked batches); the period's move to the archive folds the
   file into its entries.parquet;
4. the run is marked DONE.
A run killed half-way is finished by running it again: it reads the orders not closed yet and
the same volumes and ranks, or (with an archive, once the file is recorded) books the counter
batches still missing from the same file. A DONE run is returned unchanged.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.core import periods
from graph.core.errors import Unavailable
from graph.core.money import from_cents
from graph.core.periods import late_note, mark_late, parse_period
from graph.ledger import bulk_entries, close_file, history, period_runs
from graph.ledger.bulk_entries import CloseColumns, CloseEntries
from graph.ledger.entries import Booking, entry_rows
from graph.ledger.entry_ids import EntrySource
from graph.ledger.period_close import PeriodRunRecord
from graph.ledger.prepared import Ahead, collector_paused
from graph.plans.differential.month import MonthOrder, MonthPlan, MonthSnapshot, month_bookings, plan_month
from graph.plans.differential.rules import config_of
from graph.store.store import Conflicted, Row, bulk_job, record_from_row

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


log = logging.getLogger("refnet.differential")

MODULE = "differential"
BATCH = 10_000  # orders per booking statement (~32,000 entries in the bench)
MEMBER_BATCH = 20_000  # members per counter statement of a close written to the archive


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
    close_sha256: str | None = None  # the close file recorded (a close written to the archive)
    close_batch: int | None = None  # members per counter batch of the close file
    close_batches: int | None = None  # counter batches booked

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


def read_snapshot(rn: Refnet, period: str) -> MonthSnapshot:
    """What the close of `period` computes from (step 2 of the module docstring), read in a
    few statements; the version read first guards every batch booked from it."""
    version = rn.store.run("meta_version")[0]["version"]
    members = rn.store.run("differential_close_members")[0]
    sponsor_of: dict[str, str | None] = {}
    kind_of: dict[str, str | None] = {}
    for member_id, kind_sponsor in zip(members["ids"], members["kinds_sponsors"], strict=True):
        kind, sponsor = kind_sponsor.split(" ", 1)
        sponsor_of[member_id], kind_of[member_id] = sponsor or None, kind or None
    orders = []
    for part in rn.store.run("differential_close_orders", {"period": period}):
        referrer_of = dict(zip(part["referred_ids"], part["referrer_ids"], strict=True))
        closed, deferred = set(part["closed_ids"]), set(part["deferred_ids"])
        months = part["periods"] or [period] * len(part["ids"])
        for order_id, facts, month in zip(part["ids"], part["facts"], months, strict=True):
            cents, at, buyer_id = facts.split(" ", 2)
            settles_here = order_id not in deferred
            orders.append(MonthOrder(
                id=order_id, buyer_id=buyer_id, cents=int(cents), period=month,
                referrer_id=referrer_of.get(order_id) or None, at=int(at),
                open=order_id not in closed and settles_here, counts=month == period and settles_here,
            ))
    snapshot = MonthSnapshot(period, version, sponsor_of, kind_of, orders)
    for month in snapshot.late_months():
        snapshot.earlier_ranks[month] = closed_ranks(rn, month)
    return snapshot


def closed_ranks(rn: Refnet, month: str) -> dict[str, str]:
    """The ranks a closed month gave partners, from its rank history in the graph or, once the
    month moved, in the archive."""
    def read(h: history.History) -> dict[str, str]:
        rows = [*history.period_ranks(h, month), *rn.store.run("differential_month_ranks", {"period": month})]
        return {row["id"]: row["rank"] for row in rows}

    return history.consistent(rn, read)


def entries_of(rn: Refnet, period: str, booked: list[tuple[MonthOrder, list[Booking]]]) -> list[dict]:
    """The entry rows of computed orders; a late order's name the month it belongs to (docs/periods.md)."""
    plan_version = rn.plan.version
    rows: list[dict] = []
    for order, bookings in booked:
        rows.extend(mark_late(entry_rows(bookings, source=order_source(period, order.id), at=order.at,
                                         order_id=order.id, period=period, plan_version=plan_version),
                              order.period, period))
    return rows


def order_entries(rn: Refnet, period: str, booked: list[tuple[MonthOrder, list[Booking]]],
                  into: type[CloseEntries] = CloseEntries) -> CloseEntries:
    """Computed orders as the booking statement takes them (`graph.ledger.bulk_entries`; as
    columns for the close file with `into=CloseColumns`); a late order's entries name the month
    it belongs to (docs/periods.md)."""
    batch = into(entry_prefix(period), period, rn.plan.version)
    for order, bookings in booked:
        batch.add(order.id, order.at, bookings, late_note(order.period, period) if order.period != period else "")
    return batch


def entry_prefix(period: str) -> str:
    """What every entry id of the close's orders starts with (`period:<month>:order:`)."""
    return bulk_entries.entry_prefix(order_source(period, "-"))


def booking_rows(rn: Refnet, period: str, booked: list[tuple[MonthOrder, list[Booking]]]) -> list[dict]:
    """`entries_of`'s rows without the keys that have no value, built directly (a million per
    close): the ledger writer reads a missing key as null, and a batch is sent as Cypher text."""
    return order_entries(rn, period, booked).rows


@dataclass(frozen=True)
class _Batch:
    """One booking statement, prepared from the snapshot: the k-th is guarded by the
    snapshot's version + k (each booked batch moves it by one)."""

    orders: int
    entries: int
    statement: Any


class _Close:
    """One close of a month in this process: the batches left to book from its snapshot. A
    thread prepares the next batches (the rule, the entry rows, the statement's text) while the
    database books the current one; it only computes, the booking statement alone writes."""

    def __init__(self, rn: Refnet, period: str, batch: int) -> None:
        self.rn, self.period, self.batch = rn, period, batch
        self.config = config_of(rn.plan)
        self.ranks_written: dict[str, str] | None = None
        self.batches: Ahead[_Batch] | None = None

    def load(self) -> Ahead[_Batch]:
        month = plan_month(read_snapshot(self.rn, self.period), self.config)
        self.batches = Ahead(self._prepare(month), name=f"close {self.period}")  # prepares while the ranks are stored
        self.store_ranks(month)
        return self.batches

    def store_ranks(self, month: MonthPlan) -> None:
        """The month's ranks on the partners and in their rank history (unless stored already)."""
        ranks = {member_id: rank.name for member_id, rank in month.ranks.items() if rank != month.base}
        if ranks != self.ranks_written:
            self.rn.store.run("differential_set_ranks", {
                "period": self.period, "base": month.base.name if month.base is not None else None,
                "ranks": [{"id": member_id, "rank": name} for member_id, name in ranks.items()],
            })
            self.ranks_written = ranks

    def _prepare(self, month: MonthPlan) -> Iterator[_Batch]:
        orders = month.booking_order()
        for number, start_at in enumerate(range(0, len(orders), self.batch)):
            booked = month.bookings(orders[start_at:start_at + self.batch])
            entries = order_entries(self.rn, self.period, booked)
            yield _Batch(len(booked), entries.count, self.rn.store.prepare("differential_book", {
                "version": month.snapshot.version + number, "run_id": run_id(self.period),
                "period": self.period, **entries.params(),
            }))

    def stop(self) -> None:
        if self.batches is not None:
            self.batches.stop()
            self.batches = None

    def book_next(self) -> int | None:
        """Books the next batch with one guarded statement (run under the write guard): its
        number of orders, None when nothing is left; Conflicted (read again) when the graph
        changed since the snapshot."""
        batches = self.batches if self.batches is not None else self.load()
        batch = batches.take()
        if batch is None:
            self.batches = None
            return None
        result = self.rn.store.run_prepared(batch.statement)
        if not result or result[0]["entries"] != batch.entries:
            self.stop()
            raise Conflicted()
        return batch.orders


def close_period(
    rn: Refnet,
    period: str,
    batch: int = BATCH,
    after_batch: Callable[[int], None] | None = None,
    step: Callable[[str], None] | None = None,
    member_batch: int = MEMBER_BATCH,
) -> DifferentialRun:
    """Closes a month of the differential plan (module docstring); idempotent.
    `after_batch(n)` is called after each booked batch, `step(name)` after the close file is
    written ("file") and recorded ("record") (tests use them to kill a run)."""
    check_month(period)
    plan = rn.plan
    config_of(plan)  # a plan without the differential module is refused before anything starts
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

    if rn.archive is not None or started.close_sha256 is not None:
        with bulk_job(rn.store), collector_paused():
            _close_to_archive(rn, period, member_batch, after_batch or (lambda number: None),
                              step or (lambda name: None))
        return _finish(rn, period)
    work = _Close(rn, period, batch)
    with bulk_job(rn.store), collector_paused():
        try:
            number = 0
            while (booked := rn.guard(work.book_next)) is not None:
                log.info("closing %s: %d orders booked in batch %d", period, booked, number + 1)
                if after_batch is not None:
                    after_batch(number)
                number += 1
        finally:
            work.stop()
    return _finish(rn, period)


def _finish(rn: Refnet, period: str) -> DifferentialRun:
    period_runs.finish(rn, run_id(period))
    run = get_run(rn, period)
    assert run is not None
    log.info("closed %s: %d orders, %d entries, %s paid", period, run.orders, run.entries, run.total)
    return run


# --- the close written to the archive (issue 18) ------------------------------------------


def _close_to_archive(rn: Refnet, period: str, member_batch: int, after_batch: Callable[[int], None],
                      step: Callable[[str], None]) -> None:
    """Steps 2-3 of the module docstring with an archive: the entries go to the period's close
    file (`graph.ledger.close_file`), recorded on the run with the orders' marks; then the
    member counters, in batches read back from the recorded file."""
    root = rn.archive
    if root is None:
        raise Unavailable(f"close {period}: its entries were written to the archive, and no archive location is "
                          "configured for this engine")
    if close_file.recorded(rn, run_id(period)) is None:
        rn.guard(lambda: _write_and_record(rn, root, period, member_batch, step))
    close_file.book_counters(rn, root, period, run_id(period), after_batch)


def _write_and_record(rn: Refnet, root: Path, period: str, member_batch: int, step: Callable[[str], None]) -> None:
    """Reads the snapshot, computes the month, stores its ranks, writes the close file and
    records it with the run's totals and the orders' marks in one statement guarded by the
    snapshot's version (Conflicted: something wrote since, read again). Under the archive's
    lock: a close of another process records its file first, and this one then keeps it."""
    with close_file.locked(root):
        if close_file.recorded(rn, run_id(period)) is not None:
            return
        started = time.perf_counter()
        month = plan_month(read_snapshot(rn, period), config_of(rn.plan))
        _Close(rn, period, BATCH).store_ranks(month)
        planned = time.perf_counter()
        orders = month.open_orders  # in id order: the file is sorted anyway, no batch to keep local
        entries = order_entries(rn, period, month.bookings(orders), into=CloseColumns)
        computed = time.perf_counter()
        written = close_file.write(root, period, entries)
        step("file")
        wrote = time.perf_counter()
        close_file.record_file(rn, "differential_close_record", {
            "version": month.snapshot.version, "run_id": run_id(period), "period": period, "batch": member_batch,
            "orders": len(orders)}, written, entries, period, len(orders))
        log.info("closing %s: %d entries of %d orders written to %s (snapshot and ranks %.1f s, entries %.1f s, "
                 "file %.1f s, record %.1f s)", period, written.rows, len(orders), history.close_file(root, period),
                 planned - started, computed - planned, wrote - computed, time.perf_counter() - wrote)
        step("record")


def preview_period(rn: Refnet, period: str) -> list[dict]:
    """The entry rows `close_period(period)` would book now, booking nothing (issue 8): the
    same ranks and the same rule over the month's open orders, read as they stand."""
    check_month(period)
    run = get_run(rn, period)
    if run is not None and run.state == "DONE":
        return []
    return entries_of(rn, period, month_bookings(read_snapshot(rn, period), config_of(rn.plan)))
