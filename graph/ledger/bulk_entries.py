"""The entry rows of a month close's booking statement (issue 18), built directly from the
computed bookings (a million per close) with what the run adds up: the rows of
`graph.ledger.entries.entry_rows` without the keys that have no value (the ledger writer reads
a missing key as null), the member counters the entries move and the run's named totals.
Entry ids are `<prefix><order id>#<seq>`, as `graph.ledger.entry_ids` builds them for a
close's order step."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from graph.core.money import to_cents
from graph.ledger.entries import Booking

# the member counter an entry's status moves (graph.ledger.entries.member_deltas)
COUNTERS = {"PAID": "paid", "FROZEN": "frozen", "BURNED": "burned"}
# the keys of an entry row (graph.ledger.entries.entry_rows)
ROW_KEYS = ("id", "seq", "rule", "status", "amount", "explanation", "beneficiary_id", "pool", "order_id", "period",
            "at", "plan_version", "points", "reverses", "refund_id")
# the keys every row of a close has, and those it may have (`CloseEntries.add`); the others never
ALWAYS = ("id", "seq", "rule", "status", "amount", "explanation", "period", "at", "plan_version")
SOMETIMES = ("beneficiary_id", "pool", "order_id")


class Named(Protocol):
    """A booking worked out once for many orders, named for each (`CloseEntries.add_named`): its
    explanation is `head`, the order id, `tail`; `cents` its amount."""

    @property
    def rule(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def cents(self) -> int: ...
    @property
    def beneficiary_id(self) -> str | None: ...
    @property
    def pool(self) -> str | None: ...
    @property
    def head(self) -> str: ...
    @property
    def tail(self) -> str: ...


@dataclass
class CloseEntries:
    """A close's batch of entries, order by order, with what the run adds up."""

    prefix: str  # what every entry id starts with, before the order id
    period: str
    plan_version: str | None
    rows: list[dict[str, Any]] = field(default_factory=list)
    orders: list[str] = field(default_factory=list)
    booked: int = 0
    paid: int = 0
    retained: int = 0
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    rules: dict[str, int] = field(default_factory=dict)  # cents per rule

    def add(self, order_id: str, at: int, bookings: Sequence[Booking], note: str = "", linked: bool = True) -> None:
        """An order's bookings, seq from 0 in their order; `note` ends every explanation (a
        late order's, `graph.core.periods.late_note`); `linked`: the entries name their order
        (`order_id`, `FOR_ORDER`), as an order's own bookings do."""
        self._add(order_id, at, ((booking, to_cents(booking.amount), booking.explanation + note)
                                 for booking in bookings), linked)

    def add_named(self, order_id: str, at: int, named: Sequence[Named], note: str = "", linked: bool = True) -> None:
        """`add` of bookings worked out once for many orders (the same rows, without a
        `Booking` per row)."""
        self._add(order_id, at, ((booking, booking.cents, f"{booking.head}{order_id}{booking.tail}{note}")
                                 for booking in named), linked)

    def _add(self, order_id: str, at: int, entries: Iterable[tuple[Booking | Named, int, str]], linked: bool) -> None:
        """One order's entries as (booking, cents, explanation), seq from 0."""
        source = f"{self.prefix}{order_id}#"
        for seq, (booking, cents, explanation) in enumerate(entries):
            row: dict[str, Any] = {"id": f"{source}{seq}", "seq": seq, "rule": booking.rule, "status": booking.status,
                                   "amount": cents, "explanation": explanation, "period": self.period, "at": at,
                                   "plan_version": self.plan_version}
            if linked:
                row["order_id"] = order_id
            if booking.pool is not None:
                row["pool"] = booking.pool
            if booking.beneficiary_id is not None:
                row["beneficiary_id"] = booking.beneficiary_id
            self._tally(booking, cents)
            self.rows.append(row)
        self.orders.append(order_id)

    def _tally(self, booking: Booking | Named, cents: int) -> None:
        """What one entry adds to the run's totals and its beneficiary's counters."""
        self.booked += cents
        self.rules[booking.rule] = self.rules.get(booking.rule, 0) + cents
        if booking.status == "PAID":
            self.paid += cents
        elif booking.status == "RETAINED":
            self.retained += cents
        member_id = booking.beneficiary_id
        if member_id is not None:
            counter = COUNTERS.get(booking.status)
            if counter is not None:
                deltas = self.members.get(member_id)
                if deltas is None:
                    deltas = self.members[member_id] = {"id": member_id, "paid": 0, "frozen": 0, "burned": 0}
                deltas[counter] += cents

    @property
    def count(self) -> int:
        return len(self.rows)

    def params(self) -> dict[str, Any]:
        """The statement's parameters: orders (ids), entries, members, entry_count and the run's
        named totals (`graph.ledger.period_runs.totals`)."""
        return {"orders": self.orders, "entries": self.rows, "members": list(self.members.values()),
                "entry_count": self.count, "booked": self.booked, "paid": self.paid, "retained": self.retained}

    def full_rows(self) -> list[dict[str, Any]]:
        """The rows with every key of `entry_rows` (a preview shows them)."""
        return [{key: row.get(key) for key in ROW_KEYS} for row in self.rows]


def entry_prefix(source: object) -> str:
    """The part of an entry id before the order id, from the source of an order `"-"`:
    `period:2026-11:order:` for `EntrySource.period_step("2026-11", "order", "-")`."""
    text = str(source)
    assert text.endswith(":-"), text
    return text[:-1]


@dataclass
class CloseColumns(CloseEntries):
    """`CloseEntries` kept as one list per column (`ALWAYS` and `SOMETIMES`, None where a row
    has no value) instead of a dict per row: what a close written to the archive hands to
    DuckDB (`graph.ledger.close_file`), without building a million dicts. `rows` stays empty."""

    columns: dict[str, list[Any]] = field(default_factory=lambda: {name: [] for name in (*ALWAYS, *SOMETIMES)})

    def _add(self, order_id: str, at: int, entries: Iterable[tuple[Booking | Named, int, str]], linked: bool) -> None:
        source = f"{self.prefix}{order_id}#"
        columns = self.columns
        ids, seqs, rules, statuses, amounts = (columns["id"], columns["seq"], columns["rule"], columns["status"],
                                               columns["amount"])
        explanations, periods, ats, versions = (columns["explanation"], columns["period"], columns["at"],
                                                columns["plan_version"])
        beneficiaries, pools, orders = columns["beneficiary_id"], columns["pool"], columns["order_id"]
        linked_to = order_id if linked else None
        for seq, (booking, cents, explanation) in enumerate(entries):
            ids.append(f"{source}{seq}")
            seqs.append(seq)
            rules.append(booking.rule)
            statuses.append(booking.status)
            amounts.append(cents)
            explanations.append(explanation)
            periods.append(self.period)
            ats.append(at)
            versions.append(self.plan_version)
            beneficiaries.append(booking.beneficiary_id)
            pools.append(booking.pool)
            orders.append(linked_to)
            self._tally(booking, cents)
        self.orders.append(order_id)

    @property
    def count(self) -> int:
        return len(self.columns["id"])

    def params(self) -> dict[str, Any]:
        raise TypeError("a close written to the archive sends no entries to the graph")
