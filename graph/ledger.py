"""The ledger: every amount refnet books is an Entry that explains itself (rules §0).

Booked entries are never edited; corrections are new entries. Plan modules compute a list of
`Booking`s with pure functions, check it with `check_conservation`, and hand `entry_rows(...)`
to their one write statement, which creates the entries with the fragment documented in
`cypher/ledger_fragment.md` and updates the member counters from `member_deltas(...)`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from graph.money import to_cents

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
    source: str,
    at: int,
    order_id: str | None = None,
    period: str | None = None,
    plan_version: str | None = None,
) -> list[dict]:
    """Parameter rows for the entry-creating fragment. Entry ids are `<source>#<n>`, so a
    re-run of the same source creates the same ids (and the unique index refuses a double)."""
    return [
        {
            "id": f"{source}#{index}",
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
        }
        for index, booking in enumerate(bookings)
    ]


def member_deltas(bookings: Iterable[Booking]) -> list[dict]:
    """Per beneficiary, cents to add to its counters: `paid`, `frozen`, `burned` (by status)."""
    deltas: dict[str, dict[str, int]] = defaultdict(lambda: {"paid": 0, "frozen": 0, "burned": 0})
    for booking in bookings:
        if booking.beneficiary_id is None:
            continue
        key = {"PAID": "paid", "FROZEN": "frozen", "BURNED": "burned"}.get(booking.status)
        if key is not None:
            deltas[booking.beneficiary_id][key] += to_cents(booking.amount)
    return [{"id": member_id, **values} for member_id, values in deltas.items()]
