"""Payouts of a month (issue 16): per member, what became payable in the month and what to pay.

Read-only: it books nothing (money leaves through `withdraw`, as before). Pure over the
entries that move a member's available balance (`available = paid − withdrawn`,
docs/ledger.md), each sorted into one column by `column_of`:

- `opening`: the `opening_balance` PAID entries (an import's carried-over money);
- `earned`: every other PAID entry that pays the member (rewards, dividends, points sales,
  differential, family commission);
- `released`: a `withdrawal` PAID entry that releases the mutual fund (its explanation starts
  with "released");
- `reversals`: a refund's PAID reversals (negative);
- `withdrawn`: what withdrawals took out (their PAID and FROZEN parts, as a positive number).

An entry belongs to the month of its `period` (a week's entries, e.g. the family commission's
`2026-W48`, to the month of their `at`). `brought_forward` is the balance from every earlier
month; `closing = brought_forward + opening + earned + released + reversals − withdrawn`;
`to_pay` is a positive closing, `carried` a negative one (a refund reversed money already
withdrawn: later earnings pay it off first).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from typing import TYPE_CHECKING

from graph.core.errors import BadInput
from graph.core.money import from_cents
from graph.network.members import get_members
from graph.store.store import Row

if TYPE_CHECKING:  # the engine's type only: graph.service imports the features at start-up
    from graph.service import Refnet


MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
COLUMNS = ("opening", "earned", "released", "reversals", "withdrawn")


def check_period(period: str) -> str:
    if not isinstance(period, str) or not MONTH.fullmatch(period):
        raise BadInput(f"period: {period!r} is not a month like 2026-11")
    return period


@dataclass(frozen=True)
class MoneyEntry:
    """An entry as the payouts see it (cents)."""

    member_id: str
    rule: str
    status: str
    amount: int
    period: str | None
    at: int
    reverses: str | None
    release: bool


def month_of(entry: MoneyEntry) -> str:
    if entry.period is not None and MONTH.fullmatch(entry.period):
        return entry.period
    return datetime.fromtimestamp(entry.at / 1000, tz=timezone.utc).strftime("%Y-%m")


def column_of(entry: MoneyEntry) -> str | None:
    """Which column of the payout an entry moves, None when it does not move the available balance."""
    if entry.status == "FROZEN":
        return "withdrawn" if entry.rule == "withdrawal" and entry.reverses is None else None
    if entry.status != "PAID":
        return None
    if entry.reverses is not None:
        return "reversals"
    if entry.rule == "opening_balance":
        return "opening"
    if entry.rule == "withdrawal":
        return "released" if entry.release else "withdrawn"
    return "earned"


def signed(column: str, amount: int) -> int:
    """What an entry's amount does to the available balance."""
    return -amount if column == "withdrawn" else amount


@dataclass(frozen=True)
class PayoutLine:
    member_id: str
    name: str
    brought_forward: Decimal
    opening: Decimal
    earned: Decimal
    released: Decimal
    reversals: Decimal
    withdrawn: Decimal
    closing: Decimal
    to_pay: Decimal
    carried: Decimal  # ≤ 0


@dataclass(frozen=True)
class Payouts:
    period: str
    lines: list[PayoutLine]
    to_pay: Decimal  # Σ to_pay
    carried: Decimal  # Σ carried (≤ 0)
    closing: Decimal  # Σ closing = to_pay + carried
    ledger: Decimal  # the available money the ledger holds at the month's end, recounted entry by entry


def compute(period: str, entries: Iterable[MoneyEntry], names: dict[str, str]) -> Payouts:
    """The payouts of `period` from every money entry (pure)."""
    cells: dict[str, dict[str, int]] = {}
    ledger = 0
    for entry in entries:
        month = month_of(entry)
        column = column_of(entry)
        if column is None or month > period:
            continue
        ledger += signed(column, entry.amount)
        row = cells.setdefault(entry.member_id, {"brought_forward": 0, **{c: 0 for c in COLUMNS}})
        if month < period:
            row["brought_forward"] += signed(column, entry.amount)
        else:
            row[column] += entry.amount
    lines = []
    for member_id in sorted(cells):
        row = cells[member_id]
        closing = row["brought_forward"] + row["opening"] + row["earned"] + row["released"] + row["reversals"] \
            - row["withdrawn"]
        lines.append(PayoutLine(
            member_id, names.get(member_id, ""), from_cents(row["brought_forward"]), from_cents(row["opening"]),
            from_cents(row["earned"]), from_cents(row["released"]), from_cents(row["reversals"]),
            from_cents(row["withdrawn"]), closing=from_cents(closing), to_pay=from_cents(max(closing, 0)),
            carried=from_cents(min(closing, 0)),
        ))
    zero = Decimal("0.00")
    return Payouts(
        period, lines,
        to_pay=sum((line.to_pay for line in lines), zero),
        carried=sum((line.carried for line in lines), zero),
        closing=sum((line.closing for line in lines), zero),
        ledger=from_cents(ledger),
    )


def money_entries(rn: Refnet) -> list[MoneyEntry]:
    """The hot money entries one by one, and the archived ones summed per member, rule, status,
    month and kind by DuckDB (`graph.ledger.history.money_entries`): `compute` adds them alike."""
    from graph.ledger.history import History, consistent
    from graph.ledger.history import money_entries as archived

    def read(h: History) -> list[Row]:
        return [*rn.store.run("payouts_entries", {"archived": h.removing}), *archived(h)]

    return [MoneyEntry(row["member_id"], row["rule"], row["status"], int(row["amount"]), row["period"], row["at"],
                       row["reverses"], bool(row["release"])) for row in consistent(rn, read)]


def payouts(rn: Refnet, period: str) -> Payouts:
    check_period(period)
    entries = money_entries(rn)
    names = {member_id: record.name for member_id, record in
             get_members(rn, sorted({entry.member_id for entry in entries})).items()}
    return compute(period, entries, names)


CSV_COLUMNS = ("member_id", "name", "brought_forward", "opening", "earned", "released", "reversals", "withdrawn",
               "closing", "to_pay", "carried")


def csv_text(result: Payouts) -> str:
    """The payout file: one line per member, then a TOTAL line."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for line in result.lines:
        writer.writerow([getattr(line, column) for column in CSV_COLUMNS])
    total = {"member_id": "TOTAL", "to_pay": result.to_pay, "carried": result.carried, "closing": result.closing}
    writer.writerow([total.get(column, "") for column in CSV_COLUMNS])
    return out.getvalue()


def json_data(result: Payouts) -> Row:
    return {
        "period": result.period,
        "lines": [{column: str(getattr(line, column)) for column in CSV_COLUMNS} for line in result.lines],
        "totals": {"to_pay": str(result.to_pay), "carried": str(result.carried), "closing": str(result.closing),
                   "ledger": str(result.ledger)},
    }
