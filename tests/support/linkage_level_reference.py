"""The linkage close as it was before issue 18 moved its level step into memory: the level
pool paid order by order in small batches, each batch reading its orders and its buyers'
sponsor uplines from the graph and booking them with the one ledger writer. Kept as the
reference the in-memory close is compared with (tests/plans/linkage)."""

from __future__ import annotations

from collections import defaultdict

from graph.core.money import from_cents
from graph.core.periods import mark_late
from graph.ledger import period_runs
from graph.ledger.entries import Booking, entry_rows
from graph.ledger.entry_ids import EntrySource
from graph.ledger.period_close import PeriodRunRecord, closed_periods
from graph.plans.linkage import close as linkage_close
from graph.plans.linkage.pools import level_bookings, level_config_of, level_of
from graph.service import Refnet

# Up to $limit orders of period $period or earlier whose level pool is still open, by id.
LEVEL_ORDERS = """
MATCH (o:Order)
WHERE o.level_open <= $period
OPTIONAL MATCH (e:Entry)-[:FOR_ORDER]->(o)
WHERE e.status = 'POOLED' AND e.pool = 'level'
RETURN o.id AS id, o.buyer_id AS buyer_id, o.period AS period, o.amount - coalesce(o.refunded, 0) AS amount, sum(e.amount) AS level
ORDER BY id
LIMIT $limit
"""
# The sponsor uplines of members $ids (nearest first per member) with each one's team_sales.
SPONSOR_UPLINES = """
UNWIND $ids AS wanted
MATCH (m:Member {id: wanted})-[:SPONSORED_BY*1..100000]->(u:Member)
RETURN m.id AS member_id, u.id AS id, m.sponsor_depth - u.sponsor_depth AS depth,
       coalesce(u.team_sales, 0) AS team_sales
ORDER BY member_id, depth
"""


def compute_level(rn: Refnet, period: str, at: int, limit: int) -> linkage_close.Step:
    """What one old level batch booked for up to `limit` open orders (reads only)."""
    plan = rn.plan
    orders = rn.store.run_text(LEVEL_ORDERS, {"period": period, "limit": limit})
    if not orders:
        return linkage_close.Step()
    config = level_config_of(plan)
    buyers = sorted({row["buyer_id"] for row in orders})
    closed = closed_periods(rn)
    uplines: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
    for row in rn.store.run_text(SPONSOR_UPLINES, {"ids": buyers}):
        uplines[row["member_id"]].append((row["depth"], row["id"], row["team_sales"]))
    bookings: list[Booking] = []
    entries: list[dict] = []
    pool_total = 0
    for row in orders:
        pool = int(row["level"] or 0)
        if pool <= 0:
            continue
        pool_total += pool
        chain = [(member_id, level_of(from_cents(sales), config))
                 for _, member_id, sales in sorted(uplines[row["buyer_id"]])]
        booked = level_bookings(row["id"], from_cents(row["amount"]), from_cents(pool), chain, config)
        bookings.extend(booked)
        rows = entry_rows(booked, EntrySource.period_step(period, "level", row["id"]), at, period=period,
                          plan_version=plan.version if plan is not None else None)
        if row["period"] != period and row["period"] in closed:
            mark_late(rows, row["period"], period)
        entries.extend(rows)
    pools = [{"name": "level", "balance": -pool_total, "set": {}}] if pool_total else []
    return linkage_close.Step(bookings, entries, pools, level_orders=[row["id"] for row in orders])


def close_step_by_step(rn: Refnet, period: str, batch: int) -> PeriodRunRecord:
    """`linkage_close.close_period` with the old level step (`batch` orders per statement)."""
    run_id = f"{linkage_close.MODULE}:{period}"
    run = period_runs.start(rn, run_id, period)
    if run["state"] == period_runs.DONE:
        return linkage_close._record(run)
    at = run["started_at"]
    linkage_close.record_standing(rn, period)
    if "pools" not in run["steps"]:
        rn.guard(lambda: linkage_close._close_pools(rn, run_id, period, at))

    def level_batch() -> bool:
        version = linkage_close._version(rn)
        step = compute_level(rn, period, at, batch)
        if not step.level_orders:
            return False
        linkage_close._book(rn, version, run_id, period, None, step.bookings, step.entries, step.pools,
                            level_orders=step.level_orders)
        return True

    while rn.guard(level_batch):
        pass
    return linkage_close._record(period_runs.finish(rn, run_id))
