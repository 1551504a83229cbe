"""What a month close's bulk statement writes (issue 18): entries grouped by the order they
belong to, each order's fields (id, time) sent once, the close's (period, plan version, the id's
prefix) once per statement. The statement gives every entry the same properties and edges as
the one ledger writer (`cypher/ledger/entries.fragment`); ids are `<prefix><order id>#<seq>`,
as `graph.ledger.entry_ids` builds them for a close's order step."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.core.money import to_cents
from graph.ledger.entries import Booking


@dataclass
class OrderEntries:
    """The entries of a close's batch, grouped by order, with what the run adds up."""

    orders: list[dict[str, Any]] = field(default_factory=list)
    count: int = 0
    booked: int = 0
    paid: int = 0
    retained: int = 0
    members: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, order_id: str, at: int, bookings: Sequence[Booking], note: str = "", linked: bool = True) -> None:
        """An order's bookings, seq from 0 in their order; `note` ends every explanation (a
        late order's, `graph.core.periods.late_note`); `linked`: the entries name their order
        (`order_id`, `FOR_ORDER`), as an order's own bookings do."""
        rows = []
        for seq, booking in enumerate(bookings):
            cents = to_cents(booking.amount)
            row: dict[str, Any] = {"seq": seq, "rule": booking.rule, "status": booking.status, "amount": cents,
                                   "explanation": booking.explanation + note}
            if booking.pool is not None:
                row["pool"] = booking.pool
            self.booked += cents
            if booking.status == "PAID":
                self.paid += cents
            elif booking.status == "RETAINED":
                self.retained += cents
            member_id = booking.beneficiary_id
            if member_id is not None:
                row["beneficiary_id"] = member_id
                counter = COUNTERS.get(booking.status)
                if counter is not None:
                    deltas = self.members.get(member_id)
                    if deltas is None:
                        deltas = self.members[member_id] = {"id": member_id, "paid": 0, "frozen": 0, "burned": 0}
                    deltas[counter] += cents
            rows.append(row)
        order: dict[str, Any] = {"id": order_id, "at": at, "entries": rows}
        if linked:
            order["order_id"] = order_id
        self.orders.append(order)
        self.count += len(rows)

    def params(self) -> dict[str, Any]:
        """The statement's parameters for these orders: orders, members, entry_count and the
        run's named totals (`graph.ledger.period_runs.totals`)."""
        return {"orders": self.orders, "members": list(self.members.values()), "entry_count": self.count,
                "booked": self.booked, "paid": self.paid, "retained": self.retained}

    def rows(self, prefix: str, period: str, plan_version: str | None) -> list[dict[str, Any]]:
        """The entries as the statement stores them, as rows of `graph.ledger.entries.entry_rows`
        (a preview shows them)."""
        return [
            {"id": f"{prefix}{order['id']}#{entry['seq']}", "seq": entry["seq"], "rule": entry["rule"],
             "status": entry["status"], "amount": entry["amount"], "explanation": entry["explanation"],
             "beneficiary_id": entry.get("beneficiary_id"), "pool": entry.get("pool"),
             "order_id": order.get("order_id"), "period": period, "at": order["at"], "plan_version": plan_version,
             "points": None, "reverses": None, "refund_id": None}
            for order in self.orders for entry in order["entries"]
        ]


# the member counter an entry's status moves (graph.ledger.entries.member_deltas)
COUNTERS = {"PAID": "paid", "FROZEN": "frozen", "BURNED": "burned"}


def entry_prefix(source: object) -> str:
    """The part of an entry id before the order id, from the source of an order `"-"`:
    `period:2026-11:order:` for `EntrySource.period_step("2026-11", "order", "-")`."""
    text = str(source)
    assert text.endswith(":-"), text
    return text[:-1]

