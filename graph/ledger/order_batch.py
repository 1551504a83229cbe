"""Recording many orders at once (issue 18): each order is computed exactly as `record_order`
computes it, on what the graph held when the batch started as the batch's own earlier orders
moved it, and the batch is booked as one guarded statement (`orders_record_batch`).

The reads: every query an order's hooks run goes through a `BatchStore`, which reads the graph
once per distinct query (the graph does not change while the batch is computed) and lays the
batch's pending changes over the rows (`Overlay`: member counters, pools, holdings, the orders
themselves). Each plan module declares the reads of its `on_order` with their overlay
(`PlanModule.order_reads`), so the engine never names a plan. Before computing, the engine
reads every order's context in one statement and each module may read what its orders will
need for all buyers at once (`PlanModule.prefetch_orders`, seeding the view's cache; the modules
read side by side): a batch then computes without a round trip per order. Every read is checked against the version of the
first: a batch read across another process's write is computed again. A read nobody declares cannot be
moved: the orders before it are booked, and the batch goes on from that order with a fresh view
(a module without declarations books one order per statement, exactly, only slower).

A bad item fails alone with its coded error; the others are booked exactly as one by one in
input order (same entries, counters, statuses, quota, burns, points, pools, version).
"""

from __future__ import annotations

import copy
import json
import logging
from bisect import bisect_right, insort
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from graph.core.errors import BadInput, DomainError
from graph.core.money import to_cents
from graph.core.plugin import plugins
from graph.ledger.drafts import MEMBER_COUNTERS, MEMBER_FIELDS, Changes
from graph.ledger.orders import OrderRecord, Prepared, _finish, archived_orders, check_order, plan_of, prepare_order
from graph.store.store import Conflicted, Row, Sending
from graph.working_set import WorkingSet, warm

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


log = logging.getLogger("refnet.orders")

MAX_BATCH = 1_000  # inputs per call; the command line splits a file into batches of this size


@dataclass(frozen=True)
class OrderItem:
    """One order of a batch, as `graph.ledger.orders.record_order` takes it."""

    order_id: str
    buyer_id: str
    amount: Decimal
    referrer_id: str | None = None
    at: int | None = None


@dataclass(frozen=True)
class OrderOutcome:
    """The order booked (or found booked) for one item, or the coded error it alone failed with."""

    order: OrderRecord | None = None
    error: DomainError | None = None


class Unbatchable(Exception):
    """An order read something no module says how the batch's earlier orders move."""


@dataclass
class PendingOrders:
    """What the batch's computed orders will write, merged in input order: the parameters of
    `orders_record_batch`, and what the overlays read."""

    orders: dict[str, OrderRecord] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    pools: dict[str, dict[str, Any]] = field(default_factory=dict)
    holdings: dict[str, dict[str, Any]] = field(default_factory=dict)
    entries: list[dict[str, Any]] = field(default_factory=list)
    # (cap_key, id) of every holding row merged with a cap_key, in order: a later order asks
    # for the few its price reached (`capped_holdings`), not for a walk over the batch's
    # holdings (one per order); entries whose row moved on are skipped when read
    by_cap: list[tuple[int, str]] = field(default_factory=list)
    first_merged: dict[str, int] = field(default_factory=dict)  # holding id → its place in `holdings`

    def __bool__(self) -> bool:
        return bool(self.rows)

    def add(self, prepared: Prepared) -> None:
        draft = prepared.draft
        assert draft is not None
        self.orders[prepared.record.id] = prepared.record
        self.rows.append(prepared.params())
        self.add_changes(draft.changes)

    def add_changes(self, changes: Changes) -> None:
        """Merges what one write statement changes besides its own node (an order's, or another
        write's that the working set folds: `graph.working_set.WorkingSet.fold_changes`)."""
        for row in changes.members.values():
            merged = self.members.get(row["id"])
            if merged is None:
                merged = self.members[row["id"]] = {"id": row["id"], **EMPTY_MEMBER}
            for name, value in row.items():
                if name in COUNTER_NAMES:
                    if value:
                        merged[name] += value
                elif value is not None and name in FIELD_NAMES:
                    merged[name] = value
        for row in changes.pools.values():
            merged = self.pools.setdefault(row["name"], {"name": row["name"], "balance": 0, "market": 0, "set": {}})
            merged["balance"] += row.get("balance") or 0
            merged["market"] += row.get("market") or 0
            merged["set"].update(row.get("set") or {})
        for row in changes.holdings.values():
            before = self.holdings.get(row["id"])
            merged = dict(row)
            if before is not None and "issued" in before:
                merged["issued"] = before["issued"]
            elif before is None and row["id"] in self.orders and "issued" not in row:
                merged["issued"] = row["units"]  # new in this batch: the units its purchase issued
            self.first_merged.setdefault(row["id"], len(self.first_merged))
            self.holdings[row["id"]] = merged
            if merged.get("cap_key") is not None:
                insort(self.by_cap, (merged["cap_key"], row["id"]))
        self.entries.extend(changes.entries)

    def capped_holdings(self, key: int) -> list[dict[str, Any]]:
        """The batch's holding rows whose cap_key is at most `key`, in the order they were first
        merged (as a walk over `holdings` finds them)."""
        end = bisect_right(self.by_cap, key, key=lambda entry: entry[0])
        found = {holding_id for cap_key, holding_id in self.by_cap[:end]
                 if self.holdings[holding_id].get("cap_key") == cap_key}
        return [self.holdings[holding_id] for holding_id in sorted(found, key=self.first_merged.__getitem__)]

    def member(self, member_id: str | None) -> dict[str, Any] | None:
        return self.members.get(member_id) if member_id is not None else None

    def moved(self, row: Mapping[str, Any] | None, id_key: str = "id", counters: Mapping[str, str] | None = None,
              fields: Mapping[str, str] | None = None) -> Any:
        """`row` with the pending deltas of member `row[id_key]` added to its `counters` and the
        pending values of its `fields` set (both map the row's key to the member property; by
        default every key of the row that is a member counter or field)."""
        if row is None:
            return None
        member_id = row.get(id_key)
        delta = self.members.get(member_id) if member_id is not None else None
        if delta is None:
            return row
        out = dict(row)
        if counters is None and fields is None:
            for key in row:
                if key in COUNTER_NAMES:
                    out[key] = (out[key] or 0) + delta[key]
                elif key in FIELD_NAMES and delta[key] is not None:
                    out[key] = delta[key]
            return out
        for key, name in (counters.items() if counters else ((k, k) for k in row if k in COUNTER_NAMES)):
            out[key] = (out.get(key) or 0) + delta[name]
        for key, name in (fields.items() if fields else ((k, k) for k in row if k in FIELD_NAMES)):
            value = delta.get(name)
            if value is not None:
                out[key] = value
        return out

    def params(self, version: int, unseen: list[str] | None = None, archived: int | None = None) -> dict[str, Any]:
        """The statement's parameters, each row without what it leaves as it is: a member's zero
        deltas and unchanged fields, an entry's empty properties (a lone order's text halves)."""
        return {"version": version, "unseen": unseen or [], "archived": archived, "orders": self.rows,
                "members": [{key: value for key, value in row.items() if not _unchanged(value)}
                            for row in self.members.values()],
                "pools": list(self.pools.values()), "holdings": list(self.holdings.values()),
                "entries": [{key: value for key, value in row.items() if value is not None} for row in self.entries]}


def _unchanged(value: Any) -> bool:
    """A member row's value that the statement reads as no change: null, or a delta of 0
    (`members.fragment` coalesces a missing key to both)."""
    return value is None or (type(value) is int and value == 0)


COUNTER_NAMES = frozenset(MEMBER_COUNTERS)
FIELD_NAMES = frozenset(MEMBER_FIELDS)
EMPTY_MEMBER: dict[str, Any] = {**dict.fromkeys(MEMBER_COUNTERS, 0), **dict.fromkeys(MEMBER_FIELDS)}

Overlay = Callable[[list[Row], Mapping[str, Any], PendingOrders], list[Row]]


class OrderRead:
    """A declared read that fetches its rows its own way (e.g. reads ahead and filters), for
    what a plain overlay of one read per distinct parameters cannot do cheaply."""

    def read(self, view: "BatchStore", name: str, params: Mapping[str, Any]) -> list[Row]:
        raise NotImplementedError


def cache_key(name: str, params: Mapping[str, Any] | None) -> tuple[str, str]:
    return name, json.dumps(params or {}, sort_keys=True, default=str)


def _order_context(rows: list[Row], params: Mapping[str, Any], pending: PendingOrders) -> list[Row]:
    """An order of the batch is `existing` to a later one with its id; buyer and sponsor moved."""
    row = rows[0]
    booked = pending.orders.get(params["id"])
    if booked is not None:
        row["existing"] = {"id": booked.id, "buyer_id": booked.buyer_id, "amount": to_cents(booked.amount),
                           "referrer_id": booked.referrer_id, "at": booked.at, "period": booked.period,
                           "plan_version": booked.plan_version, "half_done": False}
    row["buyer"] = pending.moved(row["buyer"])
    row["sponsor"] = pending.moved(row["sponsor"])
    return rows


ENGINE_READS: dict[str, Overlay | OrderRead | None] = {
    "order_context": _order_context,
    "period_runs_started": None,  # a batch of orders closes no period
    "archived_periods": None,  # the archive's periods, read once (graph.ledger.history)
}


def order_reads(rn: Refnet) -> dict[str, Overlay | OrderRead | None]:
    reads = dict(ENGINE_READS)
    for module in plugins(plan_of(rn)):
        reads.update(module.order_reads)
    return reads



def _copy(row: Row) -> Row:
    """A row the overlays and hooks may change: its maps copied one level down (they never
    change deeper; `PendingOrders.moved` copies what it moves)."""
    return {key: dict(value) if isinstance(value, dict) else value for key, value in row.items()}


class BatchStore:
    """The store as an order of the batch sees it: each distinct read once, then overlaid."""

    def __init__(self, store: Any, pending: PendingOrders, reads: Mapping[str, Overlay | OrderRead | None],
                 working_set: WorkingSet | None = None) -> None:
        self.store = store
        self.working_set = working_set  # answers the reads it can at the batch's version, without a round trip
        self.backend = store.backend
        self.pending = pending
        self.reads = reads
        self.cache: dict[tuple[str, str], list[Row]] = {}
        self.memo: dict[str, Any] = {}  # the state of `OrderRead`s, by query name

    def seed(self, name: str, params: Mapping[str, Any], rows: list[Row]) -> None:
        """What `run(name, params)` reads, read beforehand (with others, in one statement)."""
        self.cache[cache_key(name, params)] = rows

    def read(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """The graph's rows as the batch started, each distinct read once (not overlaid)."""
        key = cache_key(name, params)
        rows = self.cache.get(key)
        if rows is None:
            known = self.working_set.answer(name, params) if self.working_set is not None else None
            rows = self.cache[key] = known if known is not None else self.store.run(name, params)
        return rows

    def run(self, name: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        declared = self.reads.get(name)
        if name not in self.reads and self.pending:
            raise Unbatchable(name)
        if isinstance(declared, OrderRead):
            return declared.read(self, name, params or {})
        rows = self._rows(name, params)
        if declared is not None and self.pending:
            return declared(rows, params or {}, self.pending)
        return rows

    def _rows(self, name: str, params: Mapping[str, Any] | None) -> list[Row]:
        """Rows the overlays and hooks may change: the working set's, made afresh by each answer
        (the set does not move while a batch is computed, so nothing is kept or copied), else
        copies of the graph's, each distinct read made once."""
        if self.working_set is not None:
            known = self.working_set.answer(name, params)
            if known is not None:
                return known
        return [_copy(row) for row in self.read(name, params)]

    def run_text(self, text: str, params: Mapping[str, Any] | None = None, **options: Any) -> list[Row]:
        if self.pending:
            raise Unbatchable("run_text")
        rows: list[Row] = self.store.run_text(text, params, **options)
        return rows

    def prepare(self, name: str, params: Mapping[str, Any]) -> Any:
        raise Unbatchable("prepare")  # prepared statements are a close's; an order hook never writes

    def run_prepared(self, prepared: Any) -> list[Row]:
        raise Unbatchable("run_prepared")

    def close(self) -> None:
        return None


def record_many(rn: Refnet, items: list[OrderItem]) -> list[OrderOutcome]:
    """Records `items` in order, in as few guarded statements as the plan allows; one outcome
    per item."""
    if len(items) > MAX_BATCH:
        raise BadInput(f"inputs: at most {MAX_BATCH} orders per call, not {len(items)}")
    plan_of(rn)
    outcomes: list[OrderOutcome | None] = []
    for item in items:
        try:
            check_order(rn, item.order_id, item.buyer_id, item.amount, item.referrer_id, item.at)
            outcomes.append(None)
        except DomainError as error:
            outcomes.append(OrderOutcome(error=error))
    todo = [index for index, outcome in enumerate(outcomes) if outcome is None]
    limit = len(todo)
    remembered = False  # the last try computed from the working set
    while todo:
        tries = 0

        def attempt() -> tuple[dict[int, OrderOutcome], Handed | None]:
            # another process moved the graph while this part was computed: a smaller part next
            # time, so a busy graph cannot starve a large batch (it ends as single orders); a try
            # computed from the working set is tried again at once from the graph (the set may
            # be stale, or not know an order id)
            nonlocal limit, tries, remembered
            if tries and not remembered:
                limit = max(1, limit // 2)
            tries += 1
            rn.guard.settle()
            ws = warm(rn) if not remembered else None
            remembered = ws is not None
            return _book_run(rn, items, todo[:limit], ws)

        done, handed = rn.guard.persist(attempt, overlap=True)
        if handed is not None and not handed.send():
            continue  # the statement booked nothing: the same orders again, from the graph
        remembered = False
        for index, outcome in done.items():
            outcomes[index] = outcome
        todo = todo[len(done):]
        limit = min(len(todo), limit * 2) if tries == 1 else limit
    return [outcome for outcome in outcomes if outcome is not None]


@dataclass
class Handed:
    """A batch computed from the working set and laid over it, whose statement runs once the
    guard is released (`WriteGuard.send_after`): the next batch computes meanwhile."""

    sending: Sending
    store: Any
    params: dict[str, Any]
    entries: int

    def send(self) -> bool:
        """Books the batch; false when the graph had moved (nothing booked, computed again)."""
        return self.sending.run(lambda: _booked(self.store, self.params, self.entries))


def _booked(store: Any, params: dict[str, Any], entries: int) -> bool:
    """Runs a batch's guarded statement; false when it booked nothing (the graph had moved)."""
    rows = store.run("orders_record_batch", params)
    if not rows or rows[0]["entries"] != entries:
        return False
    log.log(logging.INFO if len(params["orders"]) > 1 else logging.DEBUG, "%d orders booked in one statement",
            len(params["orders"]))
    return True


def _book_run(rn: Refnet, items: list[OrderItem], todo: list[int],
              ws: WorkingSet | None = None) -> tuple[dict[int, OrderOutcome], Handed | None]:
    """Computes the orders of `todo` from the first, as far as the batch can go in one statement,
    and books them; returns the outcomes of that prefix of `todo` (at least one). With `ws`, the
    reads it answers are not made, and the batch is laid over the set and its statement handed
    over (`Handed`) to be sent once the guard is released; the outcomes stand once it is."""
    if ws is None:
        rn.guard.drain()  # computed from the graph: after the statement under way
    pending = PendingOrders()
    view = copy.copy(rn)
    store = BatchStore(rn.store, pending, order_reads(rn), ws)
    view.store = store
    archived = None  # how many archived periods the batch saw, when the set told it which
    if ws is None:
        _prefetch(view, store, [items[index] for index in todo])
    else:
        if rn.archive is not None:
            archived = sum(not row.get("closing") for row in ws.archived_periods(rn.store))  # a close file is no period
        if archived_orders(view, [items[index].order_id for index in todo]):
            raise Conflicted()  # the set holds no orders: the graph's path answers an archived id
    done: dict[int, OrderOutcome] = {}
    version = None
    for index in todo:
        item = items[index]
        try:
            prepared = prepare_order(view, item.order_id, item.buyer_id, item.amount, item.referrer_id, item.at)
        except Unbatchable:
            break  # `pending` holds at least one order: undeclared reads pass on an empty batch
        except DomainError as error:
            done[index] = OrderOutcome(error=error)
            continue
        if prepared.draft is None:
            if prepared.half_done:
                if pending:
                    break
                rn.guard.drain()
                _finish(rn, prepared.record, prepared.context)
                if rn.working_set is not None:
                    rn.working_set.drop()  # the finish moved the graph: no fold says how
                done[index] = OrderOutcome(order=prepared.record)
                return done, None  # the graph moved: the rest is read again
            done[index] = OrderOutcome(order=prepared.record)
            continue
        if version is None:
            version = prepared.draft.version
        elif prepared.draft.version != version:
            raise Conflicted()  # read across another process's write: the batch is read again
        pending.add(prepared)
        done[index] = OrderOutcome(order=prepared.record)
    if ws is not None:
        return _hand_over(rn, ws, items, done, pending, version, archived)
    if pending:
        assert version is not None
        if not _booked(rn.store, pending.params(version, [], archived), len(pending.entries)):
            raise Conflicted()
        if rn.working_set is not None:  # what was read from the graph at its version folds as well
            rn.working_set.fold_orders(pending, version, version + len(pending.rows))
    return done, None


def _hand_over(rn: Refnet, ws: WorkingSet, items: list[OrderItem], done: dict[int, OrderOutcome],
               pending: PendingOrders, version: int | None, archived: int | None) -> tuple[dict[int, OrderOutcome], Handed | None]:
    """A batch computed from the set: once the statement under way returned, the checks that
    read the graph, then the batch laid over the set and its statement handed over."""
    sending = rn.guard.send_after()
    try:
        refused = [items[index].order_id for index, outcome in done.items() if outcome.error is not None]
        if refused and rn.store.run("orders_by_ids", {"ids": refused}):
            raise Conflicted()  # refused as new orders, but one exists: the graph says how it is refused
        if not pending:
            if done and rn.store.run("meta_version")[0]["version"] != ws.version:
                ws.drop()  # refusals computed from a set another writer made stale: computed again from the graph
                raise Conflicted()
            sending.cancel()
            return done, None
        assert version is not None
        params = pending.params(version, list(pending.orders), archived)
        sending.undo, sending.reset = ws.fold_orders_ahead(pending, version, version + len(pending.rows))
    except BaseException:
        sending.cancel()  # nothing was laid over the set (a fold that fails drops it)
        raise
    return done, Handed(sending, rn.store, params, len(pending.entries))


def _prefetch(rn: Refnet, store: BatchStore, items: list[OrderItem]) -> None:
    """Reads every order's context in one statement, then lets each module read ahead for the
    buyers (`PlanModule.prefetch_orders`). Only a cache: a read not made here is made when needed."""
    from graph.ledger.orders import period_of

    now = rn.clock()
    wanted = [{"id": item.order_id, "buyer_id": item.buyer_id, "referrer_key": item.referrer_id or "",
               "period": period_of(item.at if item.at is not None else now)} for item in items]
    rows = store.store.run("orders_context_batch", {"items": wanted}) if wanted else []
    archived = archived_orders(rn, [row["id"] for row in rows if row["existing"] is None])
    for row in rows:
        row["existing"] = row["existing"] or archived.get(row["id"])
        row["archive_checked"] = True  # one read of the archive for the whole batch
        key = {name: row.pop(name) for name in ("id", "buyer_id", "referrer_key", "period")}
        store.seed("order_context", key, [row])
    buyers = sorted({row["buyer"]["id"] for row in rows if row["buyer"] is not None})
    modules = plugins(plan_of(rn))
    if buyers and modules:  # after the contexts (their version is the batch's), side by side
        with ThreadPoolExecutor(max_workers=len(modules), thread_name_prefix="refnet-prefetch") as pool:
            for future in [pool.submit(module.prefetch_orders, rn, store, buyers) for module in modules]:
                future.result()
