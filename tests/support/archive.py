"""Archive helpers (issue 19): a month of linkage history to close and archive, and every read
of the ledger gathered in one comparable value."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import asdict, replace
from decimal import Decimal
from typing import Any

from graph.analytics import export, report
from graph.ledger import entries as ledger
from graph.ledger import history, orders, payout, payouts, preview, refunds, statements
from graph.network import members
from graph.plans.linkage import withdrawals_store
from graph.service import Refnet
from tests.support.refunds import ms

D = Decimal
MEMBERS = ["R", "A", "B", "C", "E"]


def october(rn: Refnet) -> list[str]:
    """Members, orders, a partial refund and a withdrawal in October 2026; the order ids."""
    rn.clock = lambda: ms("2026-10-01T00:00:00")
    members.register(rn, "R", member_id="R")
    members.register(rn, "A", sponsor_id="R", member_id="A")
    members.register(rn, "B", sponsor_id="A", member_id="B")
    members.register(rn, "C", sponsor_id="A", member_id="C")
    members.register(rn, "E", sponsor_id="B", member_id="E")
    rn.clock = lambda: ms("2026-10-25T00:00:00")
    sold = [("o1", "A", "5000.00", "02"), ("o2", "B", "1000.00", "05"), ("o3", "C", "1000.00", "09"),
            ("o4", "E", "10000.00", "12"), ("o5", "B", "1000.00", "19")]
    for order_id, buyer, amount, day in sold:
        orders.record_order(rn, order_id, buyer, D(amount), at=ms(f"2026-10-{day}T08:00:00"))
    refunds.refund_order(rn, "o3", D("250.00"), "part returned", "r1")
    withdrawals_store.withdraw(rn, "A", D("10.00"))
    return [order_id for order_id, *_ in sold]


def walk(rn: Refnet, size: int, **filters: Any) -> list[ledger.EntryRecord]:
    """Every page of a filtered ledger, following the cursors."""
    found: list[ledger.EntryRecord] = []
    after = None
    while True:
        page = ledger.ledger(rn, first=size, after=after, **filters)
        found.extend(page)
        if len(page) < size:
            return found
        after = page[-1].cursor


def reads(rn: Refnet, order_ids: list[str], months: list[str]) -> dict[str, Any]:
    """Every read of the ledger the issue lists, as plain values."""
    ids = sorted({*MEMBERS})
    rng = (ms("2026-09-01T00:00:00"), ms("2027-01-01T00:00:00"))
    result: dict[str, Any] = {
        "ledger": ledger.ledger(rn, first=1000),
        "pages": walk(rn, 3),
        "by_member": {m: walk(rn, 2, member_id=m) for m in ids},
        "by_order": {o: ledger.ledger(rn, order_id=o, first=1000) for o in order_ids},
        "by_period": {p: walk(rn, 4, period=p) for p in months},
        "by_rule": {r: ledger.ledger(rn, rule=r, first=1000) for r in ("direct", "level", "withdrawal")},
        "orders": ledger.entries_of_orders(rn, order_ids),
        "order_records": {o: (record, record.refunded) for o, record in orders.get_orders(rn, order_ids).items()},
        "refunds": refunds.refunds_of_orders(rn, order_ids),
        "statements": {(m, p): statements.statement(rn, m, p) for m in ids for p in months},
        "payouts": {p: payouts.payouts(rn, p) for p in months},
        "payout_report": payout.payout_report(rn, *rng),
        "payout_report_oct": payout.payout_report(rn, ms("2026-10-01T00:00:00"), ms("2026-10-10T00:00:00")),
        "run_rules": {p: preview.run_rules(rn, p) for p in months},
        "balances": ledger.balances(rn, ids),
        "ranks": history.rank_months(rn, ids),
        "report": replace(report.network_report(rn), snapshot_ms=0.0, compute_ms=0.0),
    }
    for fmt in ("csv", "graphml"):
        out = io.BytesIO()
        export.export_tree(rn, "sponsor", fmt, out)
        result[f"export_{fmt}"] = out.getvalue()
    result["report"] = asdict(result["report"])
    return result


def hot_entries(rn: Refnet, period: str) -> int:
    return int(rn.store.run_text("MATCH (e:Entry {period: $p}) RETURN count(e) AS n", {"p": period})[0]["n"])


def hot_orders(rn: Refnet, ids: list[str]) -> list[str]:
    """The orders among `ids` that are nodes of the graph."""
    rows = rn.store.run_text("UNWIND $ids AS i MATCH (o:Order {id: i}) RETURN o.id AS id", {"ids": ids})
    return sorted(row["id"] for row in rows)


def hot_refunds(rn: Refnet) -> list[str]:
    return sorted(row["id"] for row in rn.store.run_text("MATCH (r:Refund) RETURN r.id AS id"))


def hot_ranks(rn: Refnet, period: str) -> int:
    return int(rn.store.run_text("MATCH (h:RankMonth {period: $p}) RETURN count(h) AS n", {"p": period})[0]["n"])


class Killed(Exception):
    """The process dies here."""


def kill(where: str, number: int = 0) -> dict:
    """A close's hooks that kill it at step `where` (or after batch `number` when `where` is "batch")."""
    def step(name: str) -> None:
        if name == where:
            raise Killed(name)

    def after_batch(booked: int) -> None:
        if where == "batch" and booked == number:
            raise Killed(f"batch {booked}")

    return {"step": step, "after_batch": after_batch}


def kill_at(name: str, after: int = 1) -> Any:
    """A move's step hook that kills it the `after`-th time it reaches step `name`."""
    seen: Counter[str] = Counter()

    def step(now: str) -> None:
        seen[now] += 1
        if now == name and seen[now] == after:
            raise Killed(name)

    return step


def all_ids(rn: Refnet) -> list[str]:
    """Every entry id of the ledger as reads see it, with repeats if an entry had two copies: the
    files of recorded periods (a file a killed move left unrecorded is not part of the ledger)
    and the graph's entries except those of periods recorded but still being removed."""
    h = history.history(rn)
    hot = [row["id"] for row in rn.store.run_text(
        "MATCH (e:Entry) WHERE NOT coalesce(e.period, '') IN $removing RETURN e.id AS id", {"removing": h.removing})]
    cold = [row[0] for row in history.connection().execute("SELECT id FROM read_parquet(?)", [h.files]).fetchall()] \
        if h.files else []
    return hot + cold
