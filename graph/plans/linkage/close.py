"""The month close of the linkage plan (`closePeriod("2026-11")`): rules §6 dividend pool by
identity, §8 shareholder dividend, §7 level differential. Pure rules in `graph.pools`.

A run node `(:PeriodRun {id: 'linkage:<period>'})` records progress. Steps, each one guarded
statement that books its entries, moves its pools and marks what it consumed:
1. `pools`: the dividend and shareholder shares of every order of the period (or earlier)
   not yet split — one statement, marked on the run and on the orders (`pools_closed`); its
   read of the orders' POOLED entries also gives the level step its open orders (`OpenLevels`),
   used when nothing wrote in between;
2. level batches (issue 18): one snapshot (every member's sponsor and downline sales, the
   orders whose level share is still open) is read and every order's level share paid up its
   buyer's sponsor upline in memory (`LevelPlan`); the result is booked in batches of
   `LEVEL_BATCH` orders, each one statement guarded by the snapshot's version (+ one per
   batch booked; when anything else wrote in between, the snapshot is read again) that marks
   its orders `level_closed`;
   with an archive (issue 18, fourth round: `_level_to_archive`) no level Entry node is
   created: the entries go to the period's close file (`graph.ledger.close_file`), recorded
   on the run with the level pool and the orders' marks in one statement guarded by the
   snapshot's version, then the member counters are booked in batches read back from it;
3. finish: the run is marked done. Re-running a done run returns it unchanged; re-running a
   run killed half-way does the steps still missing. Entry ids are deterministic
   (`period:<period>:dividend#n`, `period:<period>:level:<order>#n`) and unique, so nothing is
   booked twice.

decided: an order recorded late for an already closed month is split by the next close (every
close takes the orders of its period *or earlier* not yet split), so no pool share is lost.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.core.errors import Unavailable
from graph.core.money import from_cents, to_cents
from graph.core.periods import MONTH, late_note, parse_period
from graph.ledger import bulk_entries, close_file, history, period_runs
from graph.ledger.bulk_entries import CloseColumns, CloseEntries
from graph.ledger.close_order import by_buyer_place
from graph.ledger.entries import Booking, entry_rows, member_deltas
from graph.ledger.entry_ids import EntrySource
from graph.ledger.period_close import PeriodRunRecord, closed_periods
from graph.ledger.prepared import Ahead, collector_paused
from graph.network import rank_history
from graph.network.upline import DifferentialStep
from graph.plans.linkage.pools import (
    IDENTITIES,
    DividendSplit,
    Level,
    LevelConfig,
    LevelPay,
    dividend_config_of,
    level_config_of,
    level_of,
    level_pays,
    split_dividend,
    split_shareholder,
)
from graph.store.store import Conflicted, bulk_job

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


log = logging.getLogger("refnet.linkage_close")

MODULE = "linkage"  # its runs are `linkage:<month>`
LEVEL_BATCH = 10_000  # orders per booking statement of the level step
MEMBER_BATCH = 20_000  # members per counter statement of a level step written to the archive
ZERO = Decimal("0.00")


def check_period(period: str) -> str:
    """A month in the periods' range (graph.core.periods); BadInput otherwise."""
    return parse_period(period, kind=MONTH).name


def _record(row: dict) -> PeriodRunRecord:
    """The run as `closePeriod` answers it; its `plan` and `orders` stay unset as before (the
    API documents them for the differential plan), the node has them like every run."""
    return replace(period_runs.record(row), plan=None, orders=None)


def close_period(rn: Refnet, period: str, step: Callable[[str], None] | None = None,
                 after_batch: Callable[[int], None] | None = None, member_batch: int = MEMBER_BATCH) -> PeriodRunRecord:
    """Closes month `period` of the linkage plan; idempotent and finishes a killed run. With an
    archive, `step(name)` is called after the level step's close file is written ("file") and
    recorded ("record"), `after_batch(k)` after each counter batch (tests kill a run there)."""
    check_period(period)
    plan = rn.plan
    run_id = f"{MODULE}:{period}"
    run = period_runs.start(rn, run_id, period)
    if run["state"] == period_runs.DONE:
        return _record(run)
    at = run["started_at"]
    with collector_paused():
        started = time.perf_counter()
        record_standing(rn, period)
        stood = time.perf_counter()
        opened = rn.guard(lambda: _close_pools(rn, run_id, period, at)) if "pools" not in run["steps"] else None
        log.info("closing %s: rank history %.1f s, pools %.1f s", period, stood - started, time.perf_counter() - stood)
        if plan is not None and plan.has("level") and (rn.archive is not None
                                                        or close_file.recorded(rn, run_id) is not None):
            with bulk_job(rn.store):
                _level_to_archive(rn, run_id, period, at, member_batch, step or (lambda name: None),
                                  after_batch or (lambda number: None), opened)
        elif plan is not None and plan.has("level"):
            work = _LevelClose(rn, run_id, period, at, opened)
            batches = 0
            with bulk_job(rn.store):
                try:
                    while rn.guard(lambda: _close_level_batch(work)):
                        batches += 1
                        log.info("closing %s: level differential, %d batches of up to %d orders booked", period,
                                 batches, LEVEL_BATCH)
                finally:
                    work.stop()
    record = _record(period_runs.finish(rn, run_id))
    log.info("closed %s: %d entries, %s", period, record.entries, record.total)
    return record


def record_standing(rn: Refnet, period: str) -> int:
    """The month's rank history (graph.network.rank_history): each member's level (v1–v7, by
    its downline sales) and identity as the close reads them; kept as first recorded."""
    plan = rn.plan
    config = level_config_of(plan) if plan is not None and plan.has("level") else None
    members = []
    for row in rn.store.run("level_standing"):
        level = level_of(from_cents(int(row["team_sales"])), config) if config is not None else None
        if level is None and row["identity"] is None:
            continue
        name = level.name if level is not None else None
        members.append({"id": row["id"], "rank": name, "level": name, "identity": row["identity"]})
    return rank_history.record(rn, period, members)


def _book(rn: Refnet, version: int, run_id: str, period: str, step: str | None, bookings: list[Booking],
          entries: list[dict], pools: list[dict], pool_orders: int = 0, level_orders: Sequence[str] = ()) -> None:
    """`pool_orders`: how many orders' pools the step splits (all those open for `period` or
    earlier at `version`, marked by the statement itself rather than sent back by id)."""
    rows = rn.store.run("period_close_book", {
        "version": version, "run_id": run_id, "period": period, "step": step,
        "entry_count": len(entries), "total": sum(row["amount"] for row in entries), **period_runs.totals(entries),
        "pool_orders": pool_orders, "level_orders": list(level_orders), "pools": pools,
        "members": [{"id": d["id"], "paid": d["paid"]} for d in member_deltas(bookings)],
        "entries": entries,
    })
    if not rows or rows[0]["entries"] != len(entries):
        raise Conflicted()
    if rows[0]["pools_marked"] != pool_orders:  # the version guard makes them the orders read
        raise RuntimeError(f"close {period}: {rows[0]['pools_marked']} orders' pools split, {pool_orders} read")


def _version(rn: Refnet) -> int:
    return rn.store.run("meta_version")[0]["version"]


@dataclass
class Step:
    """The bookings of one close step, computed and not yet written (`preview_period` shows them)."""

    bookings: list[Booking] = field(default_factory=list)
    entries: list[dict] = field(default_factory=list)
    pools: list[dict] = field(default_factory=list)
    orders: int = 0  # how many orders' pools the step splits
    level_orders: list[str] = field(default_factory=list)  # the orders whose level pool it pays
    open_levels: list[dict] | None = None  # the orders whose level pool is open, read with the pools (`LevelSnapshot`)


@dataclass(frozen=True)
class OpenLevels:
    """The orders the level step pays, read by the pools step at the version its booking left
    (`version`): the level step computes from them when nothing else wrote since."""

    version: int
    orders: list[dict]


def _close_pools(rn: Refnet, run_id: str, period: str, at: int) -> OpenLevels | None:
    """Step 1: the dividend pool by identity (§6) and the shareholder pool by shares (§8).
    Returns the open level orders it read on the way (`compute_pools(with_levels=True)`)."""
    version = _version(rn)
    run = period_runs.get(rn, run_id)
    if run is None or "pools" in run["steps"]:
        return None
    started = time.perf_counter()
    plan = rn.plan
    step = compute_pools(rn, period, at, with_levels=plan is not None and plan.has("level"))
    read = time.perf_counter()
    _book(rn, version, run_id, period, "pools", step.bookings, step.entries, step.pools, pool_orders=step.orders)
    log.info("closing %s: pools of %d orders split (read %.1f s, booked %.1f s)", period, step.orders, read - started,
             time.perf_counter() - read)
    return OpenLevels(version + 1, step.open_levels) if step.open_levels is not None else None


def compute_pools(rn: Refnet, period: str, at: int, with_levels: bool = False) -> Step:
    """What step 1 books for `period`, from the graph as it stands (reads only); `with_levels`:
    with the orders whose level pool is open (`Step.open_levels`), read in the same visit."""
    plan = rn.plan
    accrued: dict[str, int] = defaultdict(int)
    open_levels = None
    read = None
    if with_levels:  # one visit of the orders' entries for both steps, when it saw every open pool
        both = rn.store.run("linkage_close_open_orders", {"period": period})[0]
        if both["pool_orders"] == rn.store.run("linkage_pool_orders_count", {"period": period})[0]["orders"]:
            read = {"orders": both["pool_orders"], "dividend": both["dividend"], "shareholder": both["shareholder"]}
            open_levels = level_orders(both)
    if read is None:
        read = rn.store.run("period_pool_orders", {"period": period})[0]
    order_count = int(read["orders"])
    for pool in ("dividend", "shareholder"):
        accrued[pool] += read[pool]
    pools: list[dict] = []
    plan_version = plan.version if plan is not None else None

    dividend_bookings: list[Booking] = []
    if plan is not None and plan.has("dividend_pool"):
        state = rn.store.run("pool_state", {"name": "dividend"})[0]
        carry_in = {name: from_cents(amount) for name, amount in zip(state["carry_names"], state["carry_amounts"])}
        holders: dict[str, list[str]] = defaultdict(list)
        for row in rn.store.run("identity_holders", {"identities": list(IDENTITIES)}):
            holders[row["identity"]].append(row["id"])
        split: DividendSplit = split_dividend(from_cents(accrued["dividend"]), carry_in, holders,
                                              dividend_config_of(plan), period)
        dividend_bookings = split.bookings
        names = sorted(split.carry_out)
        pools.append({"name": "dividend", "balance": -sum(to_cents(b.amount) for b in split.bookings),
                      "set": {"carry_names": names, "carry_amounts": [to_cents(split.carry_out[n]) for n in names]}})
    shareholder_bookings: list[Booking] = []
    if plan is not None and plan.has("shareholder"):
        shares = {row["id"]: Decimal(row["shares_milli"]) / 1000 for row in rn.store.run("shareholders")}
        shareholder_bookings = split_shareholder(from_cents(accrued["shareholder"]), shares, period)
        pools.append({"name": "shareholder", "balance": -accrued["shareholder"], "set": {}})
    entries = (entry_rows(dividend_bookings, EntrySource.period_step(period, "dividend"), at, period=period,
                          plan_version=plan_version)
               + entry_rows(shareholder_bookings, EntrySource.period_step(period, "shareholder"), at, period=period,
                            plan_version=plan_version))
    bookings = dividend_bookings + shareholder_bookings
    return Step(bookings, entries, pools, order_count, open_levels=open_levels)


@dataclass
class LevelSnapshot:
    """What the level step computes from (read at graph version `version`): every member's
    sponsor and all-time downline sales, and the orders whose level pool is still open."""

    version: int
    sponsor_of: dict[str, str | None]
    team_sales: dict[str, int]  # cents
    orders: list[dict]  # {id, buyer_id, period, amount, level}: cents; by id


def read_level_snapshot(rn: Refnet, period: str, read: OpenLevels | None = None) -> LevelSnapshot:
    """One snapshot for the whole level step, in three reads (the version first: it guards
    every batch booked from it); the orders as the pools step `read` them when nothing wrote
    since."""
    version = _version(rn)
    members = rn.store.run("linkage_close_members")[0]
    sponsor_of: dict[str, str | None] = {}
    team_sales: dict[str, int] = {}
    for member_id, sales_sponsor in zip(members["ids"], members["sales_sponsors"], strict=True):
        sales, sponsor = sales_sponsor.split(" ", 1)
        sponsor_of[member_id], team_sales[member_id] = sponsor or None, int(sales)
    if read is not None and read.version == version:
        orders = read.orders
    else:
        orders = level_orders(rn.store.run("linkage_close_level_orders", {"period": period})[0])
    return LevelSnapshot(version, sponsor_of, team_sales, orders)


def level_orders(part: dict) -> list[dict]:
    """The open orders of a read's aligned `ids` and `facts` (linkage_close_level_orders), by id."""
    orders = []
    for order_id, facts in zip(part["ids"], part["facts"], strict=True):
        amount, level, month, buyer_id = facts.split(" ", 3)
        orders.append({"id": order_id, "buyer_id": buyer_id, "period": month, "amount": int(amount),
                       "level": int(level)})
    orders.sort(key=lambda order: order["id"])
    return orders


class LevelPlan:
    """The level step computed in memory from one snapshot by the pure rule
    (`pools.level_pays`): each buyer's sponsor upline, as the walk takes it (members with a
    level, nearest first, the buyer left out), is worked out once from its sponsor's and shared
    with it when the sponsor has no level; what an order is paid is worked out once per upline,
    amount and level share, then named for each order."""

    def __init__(self, snapshot: LevelSnapshot, config: LevelConfig, period: str, at: int,
                 plan_version: str | None, closed: set[str]) -> None:
        self.snapshot, self.config, self.period, self.at = snapshot, config, period, at
        self.plan_version, self.closed = plan_version, closed
        self.uplines: dict[str, tuple[DifferentialStep, ...]] = {}
        self.levels: dict[str, Level | None] = {}
        self.distinct: dict[tuple[str, ...], tuple[DifferentialStep, ...]] = {}
        self.worked: dict[tuple[int, int, int], tuple[LevelPay, ...]] = {}  # by (id of the upline, amount, share)

    def level(self, member_id: str) -> Level | None:
        if member_id not in self.levels:
            self.levels[member_id] = level_of(from_cents(self.snapshot.team_sales.get(member_id, 0)), self.config)
        return self.levels[member_id]

    def upline(self, member_id: str) -> tuple[DifferentialStep, ...]:
        """The members above `member_id` in its sponsor line who may earn from its orders,
        nearest first (`walked`)."""
        found = self.uplines.get(member_id)
        if found is not None:
            return found
        line = []
        cursor = member_id
        while cursor not in self.uplines:  # up to the first member already worked out (or the root)
            sponsor_id = self.snapshot.sponsor_of.get(cursor)
            if sponsor_id is None:
                self.uplines[cursor] = ()
                break
            line.append(cursor)
            cursor = sponsor_id
        above = self.uplines[cursor]
        for below in reversed(line):
            sponsor_id = self.snapshot.sponsor_of[below]
            assert sponsor_id is not None
            level = self.level(sponsor_id)
            if level is not None:
                above = self._interned((DifferentialStep(sponsor_id, level.rate, level.name), *walked(above, level.rate)))
            self.uplines[below] = above
        return self.uplines[member_id]

    def _interned(self, upline: tuple[DifferentialStep, ...]) -> tuple[DifferentialStep, ...]:
        """One tuple per distinct upline, so that orders up equal uplines share their pays."""
        return self.distinct.setdefault(tuple(step.member_id for step in upline), upline)

    def pays(self, order: dict) -> tuple[LevelPay, ...]:
        """One order's level bookings before they name it (none when its level share is 0)."""
        share = order["level"]
        if share <= 0:
            return ()
        upline = self.upline(order["buyer_id"])
        key = (id(upline), order["amount"], share)  # the upline stays in self.uplines: its id is not reused
        pays = self.worked.get(key)
        if pays is None:
            pays = self.worked[key] = level_pays(from_cents(order["amount"]), from_cents(share), upline, self.config)
        return pays

    def bookings(self, order: dict) -> list[Booking]:
        """One order's level bookings."""
        order_id = order["id"]
        return [pay.booking(order_id) for pay in self.pays(order)]

    def note(self, order: dict) -> str:
        """A late order's explanation tail (docs/periods.md)."""
        late = order["period"] != self.period and order["period"] in self.closed
        return late_note(order["period"], self.period) if late else ""

    def entries(self, orders: Sequence[dict], into: type[CloseEntries] = CloseEntries) -> CloseEntries:
        """The orders' level entries (as columns for the close file with `into=CloseColumns`);
        as before issue 18 they name no order (`order_id` null, no `FOR_ORDER`): reads by order
        do not list them, a refund finds them by their source (`period:<month>:level:<order>`)."""
        batch = into(level_prefix(self.period), self.period, self.plan_version)
        for order in orders:
            batch.add_named(order["id"], self.at, self.pays(order), self.note(order), linked=False)
        return batch


def walked(upline: tuple[DifferentialStep, ...], rate: Decimal) -> tuple[DifferentialStep, ...]:
    """What of `upline` (as `LevelPlan.upline` keeps it: the members a walk from its start may
    pay, each above the highest rate before it, or the first at that rate after one) a walk may
    pay once `rate` is paid below it: the first member at `rate` before any higher one (its
    peer), then everything from the first member above `rate` on; the others earn nothing
    (`graph.network.upline.differential_walk`)."""
    peer: tuple[DifferentialStep, ...] = ()
    for index, step in enumerate(upline):
        assert step.rate is not None
        if step.rate > rate:
            return (*peer, *upline[index:])
        if step.rate == rate and not peer:
            peer = (step,)
    return peer


def level_prefix(period: str) -> str:
    """What every level entry id of the close starts with (`period:<month>:level:`)."""
    return bulk_entries.entry_prefix(EntrySource.period_step(period, "level", "-"))


@dataclass(frozen=True)
class _Batch:
    """One booking statement of the level step, prepared from the snapshot: the k-th is guarded
    by the snapshot's version + k (each booked batch moves it by one)."""

    entries: int
    statement: Any


class _LevelClose:
    """The level step of one close in this process: the batches left to book from its snapshot
    (read again when another write moved the graph; orders booked meanwhile are no longer open).
    A thread prepares the next batches while the database books the current one."""

    def __init__(self, rn: Refnet, run_id: str, period: str, at: int, opened: OpenLevels | None = None) -> None:
        self.rn, self.run_id, self.period, self.at, self.opened = rn, run_id, period, at, opened
        self.batches: Ahead[_Batch] | None = None

    def load(self) -> Ahead[_Batch]:
        plan = self.rn.plan
        level = LevelPlan(read_level_snapshot(self.rn, self.period, self.opened), level_config_of(plan), self.period,
                          self.at,
                          plan.version if plan is not None else None, closed_periods(self.rn))
        self.batches = Ahead(self._prepare(level, LEVEL_BATCH), name=f"close {self.period}")
        return self.batches

    def _prepare(self, level: LevelPlan, size: int) -> Iterator[_Batch]:
        orders = by_buyer_place(level.snapshot.orders, lambda order: order["buyer_id"], lambda order: order["id"],
                                level.snapshot.sponsor_of)
        for number, start in enumerate(range(0, len(orders), size)):
            part = orders[start:start + size]
            batch = level.entries(part)
            pool = sum(order["level"] for order in part if order["level"] > 0)
            yield _Batch(batch.count, self.rn.store.prepare("linkage_level_book", {
                "version": level.snapshot.version + number, "run_id": self.run_id, "period": self.period,
                "pools": [{"name": "level", "balance": -pool, "set": {}}] if pool else [], **batch.params(),
            }))

    def book_next(self) -> bool:
        """Books the next batch of LEVEL_BATCH orders with one guarded statement (run under the
        write guard); False when no order is left, Conflicted (read again) when the graph moved."""
        batches = self.batches if self.batches is not None else self.load()
        batch = batches.take()
        if batch is None:
            self.batches = None
            return False
        rows = self.rn.store.run_prepared(batch.statement)
        if not rows or rows[0]["entries"] != batch.entries:
            self.stop()
            raise Conflicted()
        return True

    def stop(self) -> None:
        if self.batches is not None:
            self.batches.stop()
            self.batches = None


def _level_to_archive(rn: Refnet, run_id: str, period: str, at: int, member_batch: int,
                      step: Callable[[str], None], after_batch: Callable[[int], None],
                      opened: OpenLevels | None = None) -> None:
    """Step 2 with an archive (issue 18): no Entry node; the level entries go to the period's
    close file, recorded on the run with the level pool and the orders' marks in one statement
    guarded by the snapshot's version, then the member counters in batches read back from the
    recorded file (`graph.ledger.close_file`)."""
    root = rn.archive
    if root is None:
        raise Unavailable(f"close {period}: its level entries were written to the archive, and no archive location "
                          "is configured for this engine")
    if close_file.recorded(rn, run_id) is None:
        rn.guard(lambda: _write_and_record_level(rn, root, run_id, period, at, member_batch, step, opened))
    close_file.book_counters(rn, root, period, run_id, after_batch)


def _write_and_record_level(rn: Refnet, root: Path, run_id: str, period: str, at: int, member_batch: int,
                            step: Callable[[str], None], opened: OpenLevels | None = None) -> None:
    """Reads the level snapshot, computes every open order's level share, writes the close file
    and records it (Conflicted: something wrote since the snapshot, read again). Under the
    archive's lock: a close of another process records its file first, and this one keeps it."""
    with close_file.locked(root):
        if close_file.recorded(rn, run_id) is not None:
            return
        started = time.perf_counter()
        plan = rn.plan
        level = LevelPlan(read_level_snapshot(rn, period, opened), level_config_of(plan), period, at,
                          plan.version if plan is not None else None, closed_periods(rn))
        read = time.perf_counter()
        orders = level.snapshot.orders
        entries = level.entries(orders, into=CloseColumns)
        pool = sum(order["level"] for order in orders if order["level"] > 0)
        computed = time.perf_counter()
        written = close_file.write(root, period, entries)
        step("file")
        wrote = time.perf_counter()
        close_file.record_file(rn, "linkage_level_record", {
            "version": level.snapshot.version, "run_id": run_id, "period": period, "batch": member_batch,
            "pools": [{"name": "level", "balance": -pool, "set": {}}] if pool else []},
            written, entries, period, len(orders))
        log.info("closing %s: %d level entries of %d orders written to %s (snapshot %.1f s, entries %.1f s, file "
                 "%.1f s, record %.1f s)", period, written.rows, len(orders), history.close_file(root, period),
                 read - started, computed - read, wrote - computed, time.perf_counter() - wrote)
        step("record")


def _close_level_batch(work: _LevelClose) -> bool:
    """Step 2, one batch: each order's level pool up its buyer's sponsor upline (§7).
    Returns False when no order is left."""
    return work.book_next()


def preview_period(rn: Refnet, period: str) -> list[dict]:
    """The entry rows `close_period(period)` would book now, without booking anything: the
    same computations on the graph as it stands (a run half-way done shows what is left)."""
    check_period(period)
    plan = rn.plan
    run = period_runs.get(rn, f"{MODULE}:{period}")
    if run is not None and run["state"] == period_runs.DONE:
        return []
    at = run["started_at"] if run is not None else rn.clock()
    entries: list[dict] = []
    if run is None or "pools" not in run["steps"]:
        entries.extend(compute_pools(rn, period, at).entries)
    if plan is not None and plan.has("level"):
        level = LevelPlan(read_level_snapshot(rn, period), level_config_of(plan), period, at, plan.version,
                          closed_periods(rn))
        entries.extend(level.entries(level.snapshot.orders).full_rows())
    return entries


def runs(rn: Refnet) -> list[PeriodRunRecord]:
    return [replace(run, plan=None, orders=None) for run in period_runs.runs(rn, MODULE)]

