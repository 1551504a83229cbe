"""What a booking statement will write, gathered before it runs: `Changes` (member counters,
pools, holdings, entries — the rows of the shared fragments `cypher/ledger/*.fragment`), and
the drafts of an order and a refund that the plan modules' hooks (`graph.core.plugin`) add to."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graph.ledger.entries import Booking, entry_rows
from graph.ledger.entry_ids import EntrySource

MEMBER_COUNTERS = ("packages", "quota", "quota_used", "agent_referrals", "paid", "frozen", "burned", "withdrawn",
                   "points", "team_orders", "team_sales", "shares_milli", "released")
MEMBER_FIELDS = ("status", "identity", "fund_released")  # set when not null


class Changes:
    """What one write statement changes besides its own node: member counters (deltas), member
    fields, pools (`balance`/`market` deltas, `set`: values), holdings and entries. The rows go
    to the shared fragments of `cypher/ledger/*.fragment` (see `params`)."""

    def __init__(self) -> None:
        self.members: dict[str, dict[str, Any]] = {}
        self.pools: dict[str, dict[str, Any]] = {}
        self.holdings: dict[str, dict[str, Any]] = {}
        self.entries: list[dict[str, Any]] = []
        self.bookings: list[Booking] = []

    def member(self, member_id: str) -> dict[str, Any]:
        return self.members.setdefault(member_id, {"id": member_id, **{name: 0 for name in MEMBER_COUNTERS},
                                                   **{name: None for name in MEMBER_FIELDS}})

    def pool(self, name: str) -> dict[str, Any]:
        return self.pools.setdefault(name, {"name": name, "balance": 0, "market": 0, "set": {}})

    def book(self, source: EntrySource, bookings: Iterable[Booking], *, at: int, order_id: str | None = None,
             period: str | None = None, plan_version: str | None = None,
             extra: Iterable[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
        """Adds `bookings` as entries `<source>#n…` (n continues the source's entries already
        here); `extra` (one dict per booking) adds fields.
        Member counters are not moved here: the caller knows which ones an entry moves."""
        bookings = list(bookings)
        start = sum(1 for row in self.entries if row["id"].startswith(source.prefix))
        rows = entry_rows(bookings, source=str(source), at=at, order_id=order_id, period=period,
                          plan_version=plan_version, start=start)
        for row, more in zip(rows, extra or [{} for _ in rows], strict=True):
            row.update(more)
        self.bookings.extend(bookings)
        self.entries.extend(rows)
        return rows

    def params(self) -> dict[str, Any]:
        return {"members": list(self.members.values()), "pools": list(self.pools.values()),
                "holdings": list(self.holdings.values()), "entries": self.entries}


@dataclass
class OrderDraft:
    """An order being recorded: what the engine read, and what its one statement will write.
    `flags` are properties of the order node (`settle`, `effects`, …); `notes` pass results
    from one module's hook to the next (hooks run in the plan file's module order)."""

    order_id: str
    buyer_id: str
    amount: int  # cents
    referrer_id: str | None
    at: int
    period: str
    plan: Any
    version: int
    buyer: dict[str, Any]
    sponsor: dict[str, Any] | None
    changes: Changes = field(default_factory=Changes)
    flags: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)
    finishing: bool = False  # True: an order a crash left half-done; its allocation is booked

    @property
    def source(self) -> EntrySource:
        return EntrySource.order(self.order_id)


@dataclass
class RefundDraft:
    """A refund being booked: the order, the reversal of its allocation the engine computed
    (`reversal`, negative amounts; `pooled`: cents per pool it takes out, ≤ 0) and the one
    statement's `changes`, to which modules add what else the refund takes back."""

    refund_id: str
    order: dict[str, Any]
    cents: int  # refunded now
    left: int  # what was left to refund before
    reason: str
    at: int
    period: str  # the open period the reversals are booked in
    plan: Any
    reversal: list[Booking]
    pooled: dict[str, int]
    changes: Changes = field(default_factory=Changes)


