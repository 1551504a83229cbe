"""The ledger: every amount refnet books is an Entry that explains itself (rules §0).

Booked entries are never edited; corrections are new entries. Plan modules compute a list of
`Booking`s with pure functions, check it with `check_conservation`, and hand `entry_rows(...)`
(usually through `graph.ledger.drafts.Changes`) to their one write statement, which creates the
entries with the one ledger writer, `cypher/ledger/entries.fragment` (included by every
booking statement), and moves member counters with `cypher/ledger/members.fragment`.
Entry ids are built and read by `graph.ledger.entry_ids`.

The read side: `ledger(...)` (filters, stable order, opaque cursor), `entries_of_orders`,
`balances`. Fields, statuses and the balance formula: docs/ledger.md.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from graph.core.errors import BadInput
from graph.core.money import from_cents, from_units, to_cents
from graph.ledger.entry_ids import EntryId, EntrySource
from graph.ledger.history import History, consistent, ledger_page, order_entries
from graph.store.store import record_from_row

if TYPE_CHECKING:
    from graph.service import Refnet

STATUSES = ("PAID", "FROZEN", "BURNED", "POOLED", "RETAINED", "COST")


@dataclass(frozen=True)
class Booking:
    """One entry to book. `amount` is exact to the cent; `pool` names the pool of a POOLED entry."""

    rule: str
    status: str
    amount: Decimal
    explanation: str
    beneficiary_id: str | None = None
    pool: str | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"unknown entry status {self.status}")


class ConservationError(AssertionError):
    """Bookings that do not add up to what they allocate: a bug, never a client's fault."""


def check_conservation(bookings: Iterable[Booking], total: Decimal, what: str) -> None:
    booked = sum((b.amount for b in bookings), Decimal("0.00"))
    if booked != total:
        raise ConservationError(f"{what}: entries sum to {booked}, expected {total}")


def entry_rows(
    bookings: Iterable[Booking],
    source: "EntrySource | str",
    at: int,
    order_id: str | None = None,
    period: str | None = None,
    plan_version: str | None = None,
    start: int = 0,
) -> list[dict[str, Any]]:
    """Parameter rows for the ledger writer (`cypher/ledger/entries.fragment`). Entry ids are
    `<source>#<n>` (`graph.ledger.entry_ids`), n from `start`, so a re-run of the same source creates
    the same ids (and the unique index refuses a double)."""
    origin = source if isinstance(source, EntrySource) else EntrySource.parse(source)
    return [
        {
            "id": str(EntryId(origin, index)),
            "seq": index,
            "rule": booking.rule,
            "status": booking.status,
            "amount": to_cents(booking.amount),
            "explanation": booking.explanation,
            "beneficiary_id": booking.beneficiary_id,
            "pool": booking.pool,
            "order_id": order_id,
            "period": period,
            "at": at,
            "plan_version": plan_version,
            "points": None,
            "reverses": None,
            "refund_id": None,
        }
        for index, booking in enumerate(bookings, start)
    ]


def member_deltas(bookings: Iterable[Booking]) -> list[dict[str, Any]]:
    """Per beneficiary, cents to add to its counters: `paid`, `frozen`, `burned` (by status)."""
    deltas: dict[str, dict[str, int]] = defaultdict(lambda: {"paid": 0, "frozen": 0, "burned": 0})
    for booking in bookings:
        if booking.beneficiary_id is None:
            continue
        key = {"PAID": "paid", "FROZEN": "frozen", "BURNED": "burned"}.get(booking.status)
        if key is not None:
            deltas[booking.beneficiary_id][key] += to_cents(booking.amount)
    return [{"id": member_id, **values} for member_id, values in deltas.items()]


# --- the read side ------------------------------------------------------------------------
# Members keep counters in cents, moved by the statement that books: `paid`, `frozen`,
# `burned` (by entry status), `withdrawn` (issue 6's withdrawals; 0 until then), `quota` (sum of
# its packages' quotas) and `quota_used` (linkage rewards paid against it).

LEDGER_PAGE_MAX = 1000


@dataclass(frozen=True)
class EntryRecord:
    """A booked entry as stored (`amount` back in Decimal)."""

    id: str
    seq: int
    rule: str
    status: str
    amount: Decimal
    explanation: str
    beneficiary_id: str | None
    pool: str | None
    order_id: str | None
    period: str | None
    at: int
    plan_version: str | None
    reverses: str | None = None  # a refund's reversal: the id of the entry it reverses
    refund_id: str | None = None
    points: int | None = None  # points (ten-thousandths) a points_sale entry sold (rules §5)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "EntryRecord":
        return record_from_row(cls, row, money=("amount",))

    @property
    def source(self) -> str:
        return str(EntryId.parse(self.id).source)

    @property
    def cursor(self) -> str:
        """Opaque position of this entry in the ledger's order (at, source, seq)."""
        raw = json.dumps([self.at, self.source, self.seq], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[int, str, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        at, source, seq = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        if not (isinstance(at, int) and isinstance(source, str) and isinstance(seq, int)):
            raise ValueError
        return at, source, seq
    except (ValueError, TypeError, UnicodeDecodeError, binascii.Error):
        raise BadInput(f"after: {cursor!r} is not a ledger cursor (use an entry's cursor)") from None


def ledger(
    rn: "Refnet",
    member_id: str | None = None,
    order_id: str | None = None,
    period: str | None = None,
    rule: str | None = None,
    first: int = 100,
    after: str | None = None,
) -> list[EntryRecord]:
    """A page of entries matching every given filter, in a stable order: by `at` (the booking's
    business time), then source (`order:<id>`, …), then booking order within the source.
    `after` is the `cursor` of the last entry of the previous page."""
    if not 1 <= first <= LEDGER_PAGE_MAX:
        raise BadInput(f"first: must be between 1 and {LEDGER_PAGE_MAX}")
    after_at, after_source, after_seq = _decode_cursor(after) if after else (None, None, None)
    name = "ledger_by_order" if order_id is not None else "ledger_by_member" if member_id is not None else "ledger_all"

    def read(h: History) -> list[dict[str, Any]]:
        rows = rn.store.run(name, {
            "member_id": member_id, "order_id": order_id, "period": period, "rule": rule, "first": first,
            "after_at": after_at, "after_source": after_source, "after_seq": after_seq, "archived": h.removing,
        })
        if h:  # one page of each, merged in the ledger's order: archived and hot entries never overlap
            rows = sorted([*rows, *ledger_page(h, member_id, order_id, period, rule, first,
                                               (after_at, after_source, after_seq))],
                          key=lambda row: (row["at"], row["source"], row["seq"]))[:first]
        return rows

    return [EntryRecord.from_row(row) for row in consistent(rn, read)]


def entries_of_orders(rn: "Refnet", order_ids: list[str]) -> dict[str, list[EntryRecord]]:
    """Each order's entries in booking order, its refunds' reversals after them (a DataLoader
    batch: one query)."""
    result: dict[str, list[EntryRecord]] = {order_id: [] for order_id in order_ids}
    def read(h: History) -> list[dict[str, Any]]:
        return [*rn.store.run("entries_by_orders", {"ids": list(order_ids), "archived": h.removing}),
                *order_entries(h, list(order_ids))]

    for row in consistent(rn, read):
        result[row["order_id"]].append(EntryRecord.from_row(row))
    for entries in result.values():  # the allocation first, then reversals as they were booked
        entries.sort(key=lambda entry: (entry.reverses is not None, entry.at, entry.source, entry.seq))
    return result


@dataclass(frozen=True)
class BalanceRecord:
    """available = paid − withdrawn; quota_left = quota − quota_used, None for a member that
    never bought a package (it has no quota at all, rather than a quota of 0)."""

    available: Decimal
    frozen: Decimal
    burned: Decimal
    quota_left: Decimal | None
    points: Decimal


def balances(rn: "Refnet", ids: list[str]) -> dict[str, BalanceRecord]:
    """Balances of members by id (a DataLoader batch: one query); unknown ids are left out."""
    result: dict[str, BalanceRecord] = {}
    for row in rn.store.run("balances_by_ids", {"ids": list(ids)}):
        result[row["id"]] = BalanceRecord(
            available=from_cents(row["paid"] - row["withdrawn"]),
            frozen=from_cents(row["frozen"]),
            burned=from_cents(row["burned"]),
            quota_left=from_cents(row["quota"] - row["quota_used"]) if row["packages"] > 0 else None,
            points=from_units(row["points"]),  # consumption points held (rules §5)
        )
    return result


def balance(rn: "Refnet", member_id: str) -> BalanceRecord | None:
    return balances(rn, [member_id]).get(member_id)
